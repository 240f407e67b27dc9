import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { perItemOperations } from '../../shared/items';
import { throughputOfRun } from '../../shared/throughput';
import { TELNYX_THROUGHPUT } from './actions/fields';
import * as message from './actions/message';
import { searchMessagingProfiles, searchPhoneNumbers } from './methods';

/**
 * Declarative: Get and Cancel are plain routing. Schedule, Send and Send Group MMS run as
 * customOperations: they check every input first, bound concurrency and rate, and never send twice.
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
		requestDefaults: {
			baseURL: '={{ ($credentials.baseUrl || "https://api.telnyx.com/v2").replace(/\\/+$/, "") }}',
			headers: { Accept: 'application/json' },
			// Telnyx's errors are read (and 429s waited out) by the transport, not by n8n's default handling.
			ignoreHttpStatusErrors: true,
		},
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
				schedule: message.schedule.execute,
				send: message.send.execute,
				sendGroupMms: message.sendGroupMms.execute,
			},
		},
		(context: IExecuteFunctions) => throughputOfRun(context, TELNYX_THROUGHPUT),
	);
}
