import type { INodeProperties } from 'n8n-workflow';
import * as create from './create.operation';
import * as deleteScheduled from './delete.operation';
import * as getMany from './getMany.operation';
import * as sendNow from './sendNow.operation';
import * as update from './update.operation';

export { create, sendNow, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['scheduledMessage'] } },
		default: 'create',
		options: [
			{ name: 'Create', value: 'create', action: 'Schedule a message', description: 'Schedule a channel or direct message' },
			{ name: 'Delete', value: 'delete', action: 'Delete a scheduled message', description: 'Cancel a scheduled message', routing: deleteScheduled.routing },
			{ name: 'Get Many', value: 'getAll', action: 'Get many scheduled messages', description: "List this user's scheduled messages", routing: getMany.routing },
			{ name: 'Send Now', value: 'sendNow', action: 'Send a scheduled message now', description: 'Send it now and remove it from the schedule' },
			{ name: 'Update', value: 'update', action: 'Update a scheduled message', description: 'Change its recipient, topic, content or time' },
		],
	},
	...create.description,
	...deleteScheduled.description,
	...getMany.description,
	...sendNow.description,
	...update.description,
];
