import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { deleteScheduled } from '../../transport';
import { chatField, floodWaitOnlyOptions } from '../properties';
import { callOptions } from '../readers';
import type { ItemCheck } from '../router';
import { runScheduledBatch, type ScheduledBatchOperation } from './batch';
import { messageIdsField } from './messageIds';

const displayOptions = { show: { resource: ['scheduledMessage'], operation: ['delete'] } };

const properties: INodeProperties[] = [
	{
		displayName:
			'IDs from all input items are deleted together: one call per chat for up to 100 messages.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	chatField,
	messageIdsField,
	floodWaitOnlyOptions,
];

export const description = updateDisplayOptions(displayOptions, properties);

const deleteOperation: ScheduledBatchOperation = {
	name: 'scheduledMessage.delete',
	act: async (context, session, chat, ids, itemIndex) =>
		await deleteScheduled(
			session,
			chat,
			ids,
			callOptions(
				context,
				itemIndex,
				`deleting scheduled message${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`,
			),
		),
	output: (_chat, ids) => ({ scheduledMessageIds: ids, deleted: true }),
};

export async function execute(
	this: IExecuteFunctions,
	checkItem: ItemCheck,
): Promise<INodeExecutionData[][]> {
	return await runScheduledBatch(this, deleteOperation, checkItem);
}
