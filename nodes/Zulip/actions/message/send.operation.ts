import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { zulipRequest } from '../../transport';
import { readMaxWait } from '../../../../shared/options';
import { channelType, directType, serverFor } from '../features';
import { checkContentLength, checkTopicLength, limitsFor } from '../limits';
import { contentField, optionsCollection, recipientFields } from '../properties';
import { readContent, readRecipient } from '../readers';

const properties: INodeProperties[] = [...recipientFields, contentField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const content = readContent(this, itemIndex);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	const recipient = await readRecipient(this, itemIndex);
	const limits = await limitsFor(this, itemIndex, maxRateLimitWaitSeconds);
	checkContentLength(this, limits, content, itemIndex);
	if (recipient.topic !== undefined) checkTopicLength(this, limits, recipient.topic, itemIndex);
	// Each server gets the spelling it knows ("direct"/"channel" are 7.0/9.0 names).
	const type = recipient.type === 'direct' ? directType(server) : channelType(server);
	const body: IDataObject = { type, to: recipient.to, content };
	if (recipient.topic !== undefined) body.topic = recipient.topic;
	const reply = await sendOnce(
		sendKey(this, itemIndex, 'message.send'),
		async () =>
			await zulipRequest(this, {
				method: 'POST',
				path: '/messages',
				body,
				creates: true,
				itemIndex,
				maxRateLimitWaitSeconds,
			}),
		isUnclearCreate,
	);
	return { message_id: reply.id, ...body };
}
