import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { getChats, telegramMtprotoConnection } from './methods';
import {
	readTelegramAccount,
	subscribeToUpdates,
	toNodeError,
	usesSecretChats,
	type TelegramOutage,
	type TelegramUpdateEvent,
} from './transport';
import { CHAT_FILTER_PROPERTIES } from './trigger/chatFilter';
import { EVENT_OPTIONS } from './trigger/events';
import type * as PipelineSettings from './trigger/pipelineSettings';
import { MEDIA_PROPERTIES } from './trigger/media';
import type * as UpdateStateStore from './trigger/updateStateStore';

// Loaded on first use, not when n8n requires this file at start: see transport/index.ts.
/* eslint-disable @typescript-eslint/no-require-imports */
const pipelineSettings = () => require('./trigger/pipelineSettings') as typeof PipelineSettings;
const updateStateStore = () => require('./trigger/updateStateStore') as typeof UpdateStateStore;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Keeps one connection per account open while the workflow is active and starts it on what
 * Telegram pushes: new messages, secret chat requests and acceptances, and encrypted messages,
 * decrypted with the keys in the credential's secret-chat store. What arrived while it was
 * stopped or disconnected is fetched when it is back (its place is kept in static data).
 */
export class TelegramTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telegram Scheduled Messages Trigger',
		name: 'telegramTrigger',
		icon: { light: 'file:telegram.svg', dark: 'file:telegram.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow on new Telegram messages, scheduled messages that went out, secret chat requests and acceptances, and encrypted messages (decrypted)',
		eventTriggerDescription: 'Waiting for Telegram to push an event',
		defaults: { name: 'Telegram Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'telegramMtprotoApi', required: true, testedBy: 'telegramMtprotoConnection' },
		],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['secretMessage'],
				options: EVENT_OPTIONS,
			},
			{
				displayName: 'Accept Secret Chats Automatically',
				name: 'autoAccept',
				type: 'boolean',
				default: false,
				description:
					'Whether to accept every secret chat request as it arrives (then "Secret Chat Accepted" follows). Off: requests stay in Get Many as "requested".',
			},
			{
				displayName: 'Include My Own Messages',
				name: 'includeOutgoing',
				type: 'boolean',
				default: false,
				description:
					'Whether "New Message" and "Message Edited" also fire for messages this account sends or edits (from any device)',
				displayOptions: { show: { events: ['message', 'messageEdited'] } },
			},
			...MEDIA_PROPERTIES,
			...CHAT_FILTER_PROPERTIES,
		],
	};

	methods = {
		credentialTest: { telegramMtprotoConnection },
		loadOptions: { getChats },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const events = this.getNodeParameter('events', []) as string[];
		if (events.length === 0)
			throw new NodeOperationError(node, 'No event is selected', {
				description: 'Pick at least one event under Events.',
			});
		const pipeline = pipelineSettings().itemPipelineFor(this, events);
		const autoAccept = this.getNodeParameter('autoAccept', false) as boolean;
		const account = await readTelegramAccount(this);
		if (events.some((event) => event.startsWith('secret')) && !usesSecretChats(account)) {
			throw new NodeOperationError(node, 'Secret chat events need the Secret Chat Storage Secret', {
				description:
					'Set "Secret Chat Storage Secret" in the Telegram credential (it encrypts the chat keys n8n keeps), or pick only New Message.',
			});
		}
		const onEvent = (event: TelegramUpdateEvent) => {
			if (event.event === 'secretMessageRefused') {
				// Tampered, replayed or unreadable: nothing to start a workflow with; the reason holds no secrets.
				this.logger.warn(`Telegram trigger refused a secret chat message: ${event.reason}`);
				return;
			}
			pipeline.push(event);
		};
		const onError = (error: unknown) =>
			this.emitError(toNodeError(node, error, { doing: 'listening for Telegram updates' }));
		const onWarning = (message: string) => this.logger.warn(`Telegram trigger: ${message}`);
		// A lasting outage becomes a failed execution (and the error workflow) without deactivating
		// the trigger, as emitError would: it keeps reconnecting and resumes when Telegram is back.
		const onOutage = (outage: TelegramOutage) =>
			this.saveFailedExecution(
				new NodeOperationError(node, outage.message, {
					description:
						"The trigger keeps reconnecting and, once connected, emits what arrived meanwhile. Check that n8n can reach Telegram, and the credential's Telegram Servers / Server Address settings.",
				}),
			);
		// Where this trigger stands in the account's updates, so what arrives while it is stopped is emitted when it is back.
		const state =
			this.getMode() === 'manual'
				? updateStateStore().memoryUpdateStore()
				: updateStateStore().staticDataUpdateStore(this.getWorkflowStaticData('node'));
		const stop = await subscribeToUpdates(account, node, {
			autoAccept,
			onEvent,
			onError,
			onOutage,
			onWarning,
			state,
		}).catch((error: unknown) => {
			throw toNodeError(node, error, { doing: 'connecting for Telegram updates' });
		});
		return {
			closeFunction: async () => {
				await stop();
				await pipeline.flush();
			},
		};
	}
}
