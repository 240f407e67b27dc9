import type { INodeProperties } from 'n8n-workflow';
import * as create from './create.operation';
import * as deleteScheduled from './delete.operation';
import * as getAll from './getAll.operation';
import * as sendNow from './sendNow.operation';
import * as update from './update.operation';

export { create, deleteScheduled, getAll, sendNow, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['scheduledMessage'] } },
		default: 'create',
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Schedule a message',
				description: 'Schedule a channel or direct message',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a scheduled message',
				description: 'Cancel a scheduled message',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many scheduled messages',
				description: "List this user's scheduled messages",
			},
			{
				name: 'Send Now',
				value: 'sendNow',
				action: 'Send a scheduled message now',
				description: 'Send it now and remove it from the schedule',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a scheduled message',
				description: 'Change its recipient, topic, content or time',
			},
		],
	},
	...create.description,
	...deleteScheduled.description,
	...getAll.description,
	...sendNow.description,
	...update.description,
];
