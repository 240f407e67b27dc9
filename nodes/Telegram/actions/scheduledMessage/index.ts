import type { INodeProperties } from 'n8n-workflow';
import * as deleteScheduled from './delete.operation';
import * as getAll from './getAll.operation';
import * as reschedule from './reschedule.operation';
import * as sendNow from './sendNow.operation';

export { deleteScheduled, getAll, reschedule, sendNow };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['scheduledMessage'] } },
		default: 'getAll',
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete scheduled messages',
				description: 'Cancel scheduled messages before they are sent',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many scheduled messages',
				description: "List a chat's scheduled messages",
			},
			{
				name: 'Reschedule',
				value: 'reschedule',
				action: 'Reschedule a scheduled message',
				description: 'Move a scheduled message (or album) to another time',
			},
			{
				name: 'Send Now',
				value: 'sendNow',
				action: 'Send scheduled messages now',
				description: 'Send scheduled messages at once instead of at their time',
			},
		],
	},
	...getAll.description,
	...sendNow.description,
	...reschedule.description,
	...deleteScheduled.description,
];
