import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { executeOperation, type ItemOperation } from '../../shared/items';
import * as message from './actions/message';
import * as reminder from './actions/reminder';
import * as scheduledMessage from './actions/scheduledMessage';
import { getUsers, searchChannels, zulipConnection } from './methods';

const operations: Record<string, Record<string, ItemOperation>> = {
	scheduledMessage: {
		create: scheduledMessage.create.execute,
		delete: scheduledMessage.deleteScheduled.execute,
		getAll: scheduledMessage.getAll.execute,
		sendNow: scheduledMessage.sendNow.execute,
		update: scheduledMessage.update.execute,
	},
	message: { send: message.send.execute },
	reminder: {
		create: reminder.create.execute,
		delete: reminder.deleteReminder.execute,
		getAll: reminder.getAll.execute,
	},
};

/**
 * A programmatic node: execute() runs the operation's per-item function through one loop
 * (pairedItem, Continue On Fail, Stop). Requests go through transport/ only.
 */
export class Zulip implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zulip Scheduled Messages',
		name: 'zulip',
		icon: { light: 'file:zulip.svg', dark: 'file:zulip.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Schedule, list, edit, send now and cancel Zulip messages and reminders',
		defaults: { name: 'Zulip Scheduled Messages' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zulipScheduledApi', required: true, testedBy: 'zulipConnection' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'scheduledMessage',
				options: [
					{ name: 'Scheduled Message', value: 'scheduledMessage' },
					{ name: 'Message', value: 'message' },
					{ name: 'Reminder', value: 'reminder' },
				],
			},
			...scheduledMessage.description,
			...message.description,
			...reminder.description,
		],
	};

	methods = {
		credentialTest: { zulipConnection },
		listSearch: { searchChannels },
		loadOptions: { getUsers },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, Zulip, operations);
	}
}
