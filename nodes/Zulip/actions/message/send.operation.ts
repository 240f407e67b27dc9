import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { zulipRequest } from '../../transport';
import { contentField, optionsCollection, readContent, readMaxWait, readRecipient, recipientFields } from '../fields';

const show = { resource: ['message'], operation: ['send'] };

export const description: INodeProperties[] = [...recipientFields(show), contentField(show), optionsCollection(show)];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const content = readContent(this, itemIndex);
	const recipient = await readRecipient(this, itemIndex);
	const body: IDataObject = { type: recipient.type, to: recipient.to, content };
	if (recipient.topic !== undefined) body.topic = recipient.topic;
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const reply = await sendOnce(
		sendKey(this, itemIndex, 'message.send'),
		async () => await zulipRequest(this, { method: 'POST', path: '/messages', body, creates: true, itemIndex, maxRateLimitWaitSeconds }),
		isUnclearCreate,
	);
	return { message_id: reply.id, ...body };
}
