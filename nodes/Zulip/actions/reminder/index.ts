import type { INodeProperties } from 'n8n-workflow';
import * as create from './create.operation';
import * as deleteReminder from './delete.operation';
import * as getAll from './getAll.operation';

export { create, deleteReminder, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['reminder'] } },
		default: 'create',
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a reminder',
				description: 'Be reminded of a message at a time (Zulip 11.0+)',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a reminder',
				description: 'Cancel a reminder (Zulip 11.0+, feature level 399)',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many reminders',
				description: "List this user's reminders (Zulip 11.0+, feature level 399)",
			},
		],
	},
	...create.description,
	...deleteReminder.description,
	...getAll.description,
];
