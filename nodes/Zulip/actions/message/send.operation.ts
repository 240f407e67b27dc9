import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { zulipRequest } from '../../transport';
import { readMaxWait } from '../../../../shared/options';
import { contentField, optionsCollection, recipientFields } from '../properties';
import { readContent, readRecipient } from '../readers';

const properties: INodeProperties[] = [...recipientFields, contentField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const content = readContent(this, itemIndex);
	const recipient = await readRecipient(this, itemIndex);
	const body: IDataObject = { type: recipient.type, to: recipient.to, content };
	if (recipient.topic !== undefined) body.topic = recipient.topic;
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
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
