import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { perItemOperations } from '../../shared/items';
import * as message from './actions/message';
import * as scheduledMessage from './actions/scheduledMessage';
import { getUsers, searchChannels } from './methods';

/**
 * Every operation runs per item through one loop (perItemOperations: pairedItem, Continue On
 * Fail, Stop); n8n picks it by resource and operation. Requests go through transport/ only.
 */
export class Zulip implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zulip Scheduled Messages',
		name: 'zulip',
		icon: { light: 'file:zulip.svg', dark: 'file:zulip.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Schedule, list, edit, send now and cancel Zulip messages',
		defaults: { name: 'Zulip Scheduled Messages' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zulipScheduledApi', required: true }],
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
				],
			},
			...scheduledMessage.description,
			...message.description,
		],
	};

	methods = {
		listSearch: { searchChannels },
		loadOptions: { getUsers },
	};

	customOperations = perItemOperations({
		scheduledMessage: {
			create: scheduledMessage.create.execute,
			delete: scheduledMessage.deleteScheduled.execute,
			getAll: scheduledMessage.getAll.execute,
			update: scheduledMessage.update.execute,
			sendNow: scheduledMessage.sendNow.execute,
		},
		message: { send: message.send.execute },
	});
}
