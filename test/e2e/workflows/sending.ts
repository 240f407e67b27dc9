/**
 * A webhook-started workflow that sends one Zulip and/or one Telnyx message per id in the posted
 * body (`{ ids: [...] }`), each message's text being its id: the queue-mode e2e test and bench
 * count what the fakes received per id.
 */
import { randomUUID } from 'node:crypto';
import type { TelnyxFake } from '../../fakes/telnyx/server';
import type { ZulipFake } from '../../fakes/zulip/server';

export const PACK = 'n8n-nodes-scheduled-messaging';
export const FROM = '+15550001111';
export const TO = '+15557654321';
/** Webhook -> Split Out (one item per id) -> the given sending nodes, side by side. */
export function sendingWorkflow(
	id: string,
	path: string,
	senders: Array<'zulip' | 'telnyx'>,
	telnyxOptions: Record<string, unknown> = {},
) {
	const nodes: Array<Record<string, unknown>> = [
		{
			id: 'webhook',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		},
		{
			id: 'split',
			name: 'One Item per Id',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [200, 0],
			parameters: {
				fieldToSplitOut: 'body.ids',
				include: 'noOtherFields',
				options: { destinationFieldName: 'id' },
			},
		},
	];
	if (senders.includes('zulip'))
		nodes.push({
			id: 'zulip',
			name: 'Zulip Send',
			type: `${PACK}.zulip`,
			typeVersion: 1,
			position: [400, -100],
			credentials: { zulipScheduledApi: { id: 'queueZulip', name: 'Zulip fake' } },
			parameters: {
				resource: 'message',
				operation: 'send',
				messageType: 'channel',
				channel: { __rl: true, mode: 'id', value: '14' },
				topic: 'queue mode',
				content: '={{ $json.id }}',
			},
		});
	if (senders.includes('telnyx'))
		nodes.push({
			id: 'telnyx',
			name: 'Telnyx Send',
			type: `${PACK}.telnyx`,
			typeVersion: 1,
			position: [400, 100],
			credentials: { telnyxScheduledApi: { id: 'queueTelnyx', name: 'Telnyx fake' } },
			parameters: {
				resource: 'message',
				operation: 'send',
				senderType: 'phoneNumber',
				fromNumber: { __rl: true, mode: 'number', value: FROM },
				to: TO,
				text: '={{ $json.id }}',
				options: telnyxOptions,
			},
		});
	const targets = nodes.slice(2).map((node) => ({ node: node.name, type: 'main', index: 0 }));
	return {
		id,
		name: `queue mode: ${path}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: {
			Webhook: { main: [[{ node: 'One Item per Id', type: 'main', index: 0 }]] },
			'One Item per Id': { main: [targets] },
		},
	};
}

/** The credentials sendingWorkflow's nodes name (ids queueZulip, queueTelnyx), pointing at the fakes. */
export function httpFakeCredentials(zulip: ZulipFake, telnyx: TelnyxFake) {
	return [
		{
			id: 'queueZulip',
			name: 'Zulip fake',
			type: 'zulipScheduledApi',
			data: { url: zulip.url, email: zulip.email, apiKey: zulip.apiKey },
		},
		{
			id: 'queueTelnyx',
			name: 'Telnyx fake',
			type: 'telnyxScheduledApi',
			data: { apiKey: telnyx.apiKey, baseUrl: `${telnyx.url}/v2` },
		},
	];
}
