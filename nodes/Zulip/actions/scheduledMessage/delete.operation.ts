import type { IExecuteSingleFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { pairWithInputItem } from '../../../../shared/routing';
import { checkZulipReply, waitOutZulipRateLimits } from '../../transport';
import { optionsCollection } from '../fields';
import { scheduledMessageIdField, validateScheduledMessageId } from './scheduledMessageId';

const show = { resource: ['scheduledMessage'], operation: ['delete'] };

async function describeDeletion(this: IExecuteSingleFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const scheduledMessageId = Number(this.getNodeParameter('scheduledMessageId'));
	return items.map((item) => ({ ...item, json: { scheduled_message_id: scheduledMessageId, deleted: true } }));
}

export const routing = {
	operations: { pagination: waitOutZulipRateLimits },
	send: { paginate: true, preSend: [validateScheduledMessageId] },
	request: {
		method: 'DELETE' as const,
		url: '=/scheduled_messages/{{ encodeURIComponent(String($parameter.scheduledMessageId).trim()) }}',
	},
	output: { postReceive: [checkZulipReply, describeDeletion, pairWithInputItem] },
};

export const description: INodeProperties[] = [
	scheduledMessageIdField(show),
	optionsCollection(show),
];
