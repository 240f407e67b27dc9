import type { INodeProperties } from 'n8n-workflow';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as schedule from './schedule.operation';
import * as send from './send.operation';
import * as sendGroupMms from './sendGroupMms.operation';

export { cancel, get, schedule, send, sendGroupMms };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		default: 'schedule',
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a scheduled message',
				description: 'Cancel a message that is still scheduled',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a message',
				description: 'Get a message and its status by ID',
			},
			{
				name: 'Schedule',
				value: 'schedule',
				action: 'Schedule a message',
				description: 'Schedule an SMS or MMS for 5 minutes to 5 days from now',
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send a message',
				description: 'Send an SMS or MMS now, or at a given time',
			},
			{
				name: 'Send Group MMS',
				value: 'sendGroupMms',
				action: 'Send a group MMS',
				description: 'Send one MMS to 2 to 8 recipients now',
			},
		],
	},
	...schedule.description,
	...send.description,
	...sendGroupMms.description,
	...get.description,
	...cancel.description,
];
