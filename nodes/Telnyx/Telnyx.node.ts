import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { perItemOperations } from '../../shared/items';
import { throughputOfRun } from '../../shared/throughput';
import { TELNYX_THROUGHPUT } from './actions/properties';
import * as message from './actions/message';
import { searchMessagingProfiles, searchPhoneNumbers } from './methods';

/**
 * Every operation runs per item through one loop (perItemOperations: pairedItem, Continue On
 * Fail, Stop, the run's concurrency and per-second cap); n8n picks it by resource and operation.
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
		listSearch: { searchMessagingProfiles, searchPhoneNumbers },
	};

	customOperations = perItemOperations(
		{
			message: {
				cancel: message.cancel.execute,
				get: message.get.execute,
				schedule: message.schedule.execute,
				send: message.send.execute,
				sendGroupMms: message.sendGroupMms.execute,
			},
		},
		(context: IExecuteFunctions) => throughputOfRun(context, TELNYX_THROUGHPUT),
	);
}
