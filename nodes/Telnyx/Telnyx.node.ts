import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { executeOperation, type ItemOperation } from '../../shared/items';
import { throughputOfRun } from '../../shared/throughput';
import { TELNYX_THROUGHPUT } from './actions/properties';
import * as message from './actions/message';
import {
	searchAlphanumericSenderIds,
	searchMessagingProfiles,
	searchPhoneNumbers,
	searchShortCodes,
} from './methods';

const operations: Record<string, Record<string, ItemOperation>> = {
	message: {
		cancel: message.cancel.execute,
		get: message.get.execute,
		schedule: message.schedule.execute,
		send: message.send.execute,
		sendGroupMms: message.sendGroupMms.execute,
	},
};

/**
 * A programmatic node: execute() runs the operation's per-item function through one loop
 * (pairedItem, Continue On Fail, Stop, the run's concurrency and per-second cap).
 */
export class Telnyx implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telnyx Scheduled SMS',
		name: 'telnyx',
		icon: { light: 'file:telnyx.svg', dark: 'file:telnyx.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Schedule, send, get and cancel SMS and MMS messages with Telnyx',
		defaults: { name: 'Telnyx Scheduled SMS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'telnyxScheduledApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'message',
				options: [{ name: 'Message', value: 'message' }],
			},
			...message.description,
		],
	};

	methods = {
		listSearch: {
			searchAlphanumericSenderIds,
			searchMessagingProfiles,
			searchPhoneNumbers,
			searchShortCodes,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, Telnyx, operations, (context) =>
			throughputOfRun(context, TELNYX_THROUGHPUT),
		);
	}
}
