import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { fieldError } from '../../shared/errors';
import { channelLocator } from './actions/properties';
import { searchChannels, zulipConnection } from './methods';
import type * as EventListener from './trigger/eventListener';
import { EVENT_OPTIONS } from './trigger/triggerEvents';
import type * as TriggerState from './trigger/triggerState';

// Loaded on first use, not when n8n requires this file at start: see
// nodes/Telegram/transport/index.ts.
/* eslint-disable @typescript-eslint/no-require-imports */
const eventListener = () => require('./trigger/eventListener') as typeof EventListener;
const triggerState = () => require('./trigger/triggerState') as typeof TriggerState;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Listens to Zulip's real-time events API while the workflow is active and starts one
 * execution per event: scheduled messages and reminders of the credential's account, and new
 * messages in chosen channels. What happened while it was away is caught up from the state it
 * keeps in the workflow's static data.
 */
export class ZulipTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zulip Scheduled Messages Trigger',
		name: 'zulipTrigger',
		icon: { light: 'file:zulip.svg', dark: 'file:zulip.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow when scheduled messages or reminders change, are sent or fail, and on new messages in chosen channels',
		eventTriggerDescription: 'Waiting for Zulip to report an event',
		defaults: { name: 'Zulip Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zulipScheduledApi', required: true, testedBy: 'zulipConnection' }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['scheduledMessageSent', 'scheduledMessageFailed'],
				options: EVENT_OPTIONS,
			},
			{
				displayName: 'Channels',
				name: 'channels',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Channel',
				default: {},
				description:
					'The channels whose new messages start the workflow (the account must be subscribed to them)',
				displayOptions: { show: { events: ['channelMessage'] } },
				options: [
					{
						displayName: 'Channel',
						name: 'channel',
						values: [{ ...channelLocator, description: 'A channel to listen to' }],
					},
				],
			},
			{
				displayName: 'Include My Own Messages',
				name: 'includeOwn',
				type: 'boolean',
				default: false,
				description:
					"Whether messages this account posts (including its scheduled messages when they're sent) also start the workflow",
				displayOptions: { show: { events: ['channelMessage'] } },
			},
		],
	};

	methods = {
		credentialTest: { zulipConnection },
		listSearch: { searchChannels },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const events = this.getNodeParameter('events', []) as string[];
		if (events.length === 0)
			throw fieldError(node, 'Events', 'has nothing selected', 'Pick at least one event.');
		const channelIds = events.includes('channelMessage') ? readChannelIds(this) : [];
		const listener = new (eventListener().ZulipEventListener)(this, {
			events,
			channelIds,
			includeOwn: this.getNodeParameter('includeOwn', false) as boolean,
			zone: this.getTimezone(),
			// "Listen for test event" keeps its place in memory only: it must not move the active trigger's.
			store:
				this.getMode() === 'manual'
					? triggerState().memoryStateStore()
					: triggerState().staticDataStateStore(this.getWorkflowStaticData('node')),
			// this.emit is read at each call: n8n replaces it for a manual test after trigger() returns.
			emit: (item) => this.emit([this.helpers.returnJsonArray([item])]),
			fail: (error) => this.emitError(error),
			warn: (message) => this.logger.warn(`Zulip Trigger: ${message}`),
		});
		await listener.start();
		return { closeFunction: async () => await listener.stop() };
	}
}

function readChannelIds(context: ITriggerFunctions): number[] {
	const entries = (context.getNodeParameter('channels.channel', []) ?? []) as IDataObject[];
	const ids = entries.map((entry) => {
		const locator = entry.channel as IDataObject | string | undefined;
		const raw = typeof locator === 'object' && locator !== null ? locator.value : locator;
		const id = Number(String(raw ?? '').trim());
		if (!Number.isInteger(id) || id <= 0)
			throw fieldError(
				context.getNode(),
				'Channels',
				`("${String(raw ?? '')}") is not a channel ID`,
				'Pick each channel from the list, or give its numeric ID.',
			);
		return id;
	});
	if (ids.length === 0)
		throw fieldError(
			context.getNode(),
			'Channels',
			'is empty, but New Channel Message is selected',
			'Add the channels to listen to.',
		);
	return [...new Set(ids)];
}
