import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { sendScheduledNow } from '../../transport';
import { chatField, floodWaitOnlyOptions } from '../properties';
import { callOptions } from '../readers';
import type { ItemCheck } from '../router';
import { runScheduledBatch, type ScheduledBatchOperation } from './batch';
import { messageIdsField } from './messageIds';

const displayOptions = { show: { resource: ['scheduledMessage'], operation: ['sendNow'] } };

const properties: INodeProperties[] = [
	{
		displayName:
			'IDs from all input items are sent together: one call per chat for up to 100 messages.',
		name: 'sendNowNotice',
		type: 'notice',
		default: '',
	},
	chatField,
	messageIdsField,
	floodWaitOnlyOptions,
];

export const description = updateDisplayOptions(displayOptions, properties);

const sendNow: ScheduledBatchOperation = {
	name: 'scheduledMessage.sendNow',
	act: async (context, session, chat, ids, itemIndex) =>
		await sendScheduledNow(
			session,
			chat,
			ids,
			callOptions(
				context,
				itemIndex,
				`sending scheduled message${ids.length === 1 ? '' : 's'} ${ids.join(', ')} now`,
			),
		),
	output: (_chat, ids, sentIds) => ({
		scheduledMessageIds: ids,
		sentMessageIds: ids.map((id) => sentIds.get(id) ?? null),
		sentNow: true,
	}),
};

export async function execute(
	this: IExecuteFunctions,
	checkItem: ItemCheck,
): Promise<INodeExecutionData[][]> {
	return await runScheduledBatch(this, sendNow, checkItem);
}
