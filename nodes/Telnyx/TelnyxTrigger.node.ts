import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { messagingProfileField } from './actions/properties';
import { searchMessagingProfiles } from './methods';
import { TELNYX_CREDENTIAL } from './transport';
import {
	ANY_EVENT,
	EVENT_OPTIONS,
	eventOutput,
	isWanted,
	type TelnyxEvent,
} from './trigger/events';
import type * as ProfileWebhook from './trigger/profileWebhook';
import type * as Repeats from './trigger/repeats';
import type * as Signature from './trigger/signature';

// Loaded on first use, not when n8n requires this file at start (the seen-event stores bring
// Redis and file code): see nodes/Telegram/transport/index.ts.
/* eslint-disable @typescript-eslint/no-require-imports */
const profileWebhook = () => require('./trigger/profileWebhook') as typeof ProfileWebhook;
const repeats = () => require('./trigger/repeats') as typeof Repeats;
const signature = () => require('./trigger/signature') as typeof Signature;
/* eslint-enable @typescript-eslint/no-require-imports */

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
}

/** n8n reads the body into `rawBody` before parsing it; the signature covers those exact bytes. */
async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer | undefined> {
	const request = context.getRequestObject();
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function')
		await request.readRawBody();
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}

/** Answers the request here, so n8n neither answers again nor starts the workflow. */
function refuse(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

export class TelnyxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Telnyx Scheduled SMS Trigger',
		name: 'telnyxTrigger',
		icon: { light: 'file:telnyx.svg', dark: 'file:telnyx.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow on Telnyx message events (sent, delivered, failed, received), after checking their signature',
		defaults: { name: 'Telnyx Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'telnyxScheduledApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty, so n8n answers with webhookResponse (its default would be the text "firstEntryJson").
				responseData: '',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					"Each event is checked against the Webhook Public Key in the credential; unsigned, altered or replayed events (timestamp more than 5 minutes off) get 401 and start nothing. An event Telnyx delivers again (same event ID) starts the workflow only once. Point a messaging profile's webhook URL here, or let the option below do it.",
				name: 'signatureNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [ANY_EVENT],
				options: EVENT_OPTIONS,
				description: 'Which message events start the workflow; others are acknowledged and ignored',
			},
			{
				displayName: 'Register URL on Messaging Profile',
				name: 'registerWebhook',
				type: 'boolean',
				default: false,
				description:
					"Whether activating the workflow sets this trigger's URL as the profile's webhook URL (deactivating puts the previous URL back)",
			},
			{
				...messagingProfileField('The messaging profile whose events should start this workflow'),
				displayOptions: { show: { registerWebhook: [true] } },
			},
		],
	};

	methods = {
		listSearch: { searchMessagingProfiles },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await profileWebhook().isRegistered(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await profileWebhook().register(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await profileWebhook().unregister(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials<{ publicKey?: string }>(TELNYX_CREDENTIAL);
		const publicKey = signature().parsePublicKey(String(credentials.publicKey ?? ''));
		if (!publicKey) {
			this.logger.error(
				'Telnyx Trigger: the credential has no valid Webhook Public Key; events cannot be verified',
			);
			return refuse(this, 500, 'This endpoint cannot verify Telnyx signatures yet');
		}
		const rawBody = await rawBodyOf(this);
		const headers = this.getHeaderData() as IDataObject;
		const verdict = rawBody
			? signature().verifyTelnyxSignature(
					{
						rawBody,
						signature: header(headers, 'telnyx-signature-ed25519'),
						timestamp: header(headers, 'telnyx-timestamp'),
					},
					publicKey,
					Math.floor(Date.now() / 1000),
				)
			: { valid: false as const, reason: 'n8n did not keep the raw body' };
		if (!verdict.valid) {
			this.logger.warn(`Telnyx Trigger refused a request: ${verdict.reason}`);
			return refuse(this, 401, 'Invalid Telnyx webhook signature');
		}
		let event: TelnyxEvent;
		try {
			event = JSON.parse((rawBody as Buffer).toString('utf8')) as TelnyxEvent;
		} catch {
			return refuse(this, 400, 'The body is not JSON');
		}
		const wanted = this.getNodeParameter('events', [ANY_EVENT]) as string[];
		if (!isWanted(event, wanted)) {
			return {
				webhookResponse: {
					received: true,
					ignored: `${String(event.data?.event_type)} is not one of this trigger's events`,
				},
			};
		}
		const item = { json: eventOutput(event, this.getTimezone()) };
		const claim = await repeats().claimDelivery(this, event);
		if (claim === 'failed')
			return refuse(this, 503, 'The event could not be recorded; send it again');
		if (claim === 'duplicate') return { webhookResponse: { received: true, duplicate: true } };
		return { webhookResponse: { received: true }, workflowData: [[item]] };
	}
}
