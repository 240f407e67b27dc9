import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { flatMessage } from '../../output';
import { telnyxRequest } from '../../transport';
import { optionsCollection, readMaxWait } from '../fields';
import { messageIdField, readMessageId } from './messageId';

const show = { resource: ['message'], operation: ['get'] };

export const description: INodeProperties[] = [
	messageIdField(show, 'The message_id that Schedule or Send returned (Telnyx keeps messages for 10 days)'),
	optionsCollection(show, false),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readMessageId(this, itemIndex);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const reply = await telnyxRequest(this, { method: 'GET', path: `/messages/${id}`, itemIndex, maxRateLimitWaitSeconds });
	return flatMessage((reply.data ?? {}) as IDataObject, this.getTimezone());
}
