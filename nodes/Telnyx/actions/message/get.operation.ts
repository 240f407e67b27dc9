import type { INodeProperties } from 'n8n-workflow';
import { pairWithInputItem } from '../../../../shared/routing';
import { checkTelnyxReply, waitOutTelnyxRateLimits } from '../../transport';
import { optionsCollection } from '../fields';
import { messageIdField, messageUrl, validateMessageId } from './messageId';
import { toFlatMessage } from './readMessage';

const show = { resource: ['message'], operation: ['get'] };

export const routing = {
	operations: { pagination: waitOutTelnyxRateLimits },
	send: { paginate: true, preSend: [validateMessageId] },
	request: { method: 'GET' as const, url: messageUrl },
	output: { postReceive: [checkTelnyxReply, toFlatMessage, pairWithInputItem] },
};

export const description: INodeProperties[] = [
	messageIdField(show, 'The message_id that Schedule or Send returned (Telnyx keeps messages for 10 days)'),
	optionsCollection(show, false),
];
