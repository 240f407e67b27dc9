import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import * as message from './actions/message';
import { descriptionOf } from '../../shared/items';
import { route } from './actions/router';
import * as scheduledMessage from './actions/scheduledMessage';
import * as secretChat from './actions/secretChat';
import { searchSecretChats, telegramMtprotoConnection } from './methods';

/**
 * Programmatic: Telegram is MTProto over TCP (a user account through gramjs), not HTTP, so there
 * is nothing for declarative routing to do. Operations live in actions/, all I/O in transport/.
 */
export class Telegram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telegram Scheduled Messages',
		name: 'telegram',
		icon: { light: 'file:telegram.svg', dark: 'file:telegram.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Send, schedule, list, reschedule, send now and cancel Telegram messages as your own account, and send end-to-end encrypted secret chat messages',
		defaults: { name: 'Telegram Scheduled Messages' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'telegramMtprotoApi', required: true, testedBy: 'telegramMtprotoConnection' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'message',
				options: [
					{ name: 'Message', value: 'message' },
					{ name: 'Scheduled Message', value: 'scheduledMessage' },
					{
						name: 'Secret Chat',
						value: 'secretChat',
						description: 'End-to-end encrypted one-to-one chats',
					},
				],
			},
			...message.description,
			...scheduledMessage.description,
			...secretChat.description,
		],
	};

	methods = {
		credentialTest: { telegramMtprotoConnection },
		listSearch: { searchSecretChats },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, descriptionOf(Telegram));
	}
}
