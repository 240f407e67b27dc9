import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deleteScheduled } from '../../transport';
import { callOptions, chatField, optionsCollection } from '../fields';
import { runScheduledBatch, type ScheduledBatchOperation } from './batch';
import { messageIdsField } from './messageIds';

const show = { resource: ['scheduledMessage'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'IDs from all input items are deleted together: one call per chat for up to 100 messages.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	chatField(show),
	messageIdsField(show),
	optionsCollection(show),
];

const deleteOperation: ScheduledBatchOperation = {
	name: 'scheduledMessage.delete',
	act: async (context, session, chat, ids, itemIndex) =>
		await deleteScheduled(session, chat, ids, callOptions(context, itemIndex, `deleting scheduled message${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`)),
	output: (_chat, ids) => ({ scheduledMessageIds: ids, deleted: true }),
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runScheduledBatch(this, deleteOperation);
}
