import type { IDataObject } from 'n8n-workflow';
import type { TelnyxFake } from '../../fakes/telnyx/server';
import type { HttpLane, Lane } from '../lane';
import { HTTP_FAULTS, ITEM_COUNT, type HttpFault, type Row } from '../matrix';
import { httpCell, jsonField, type HttpCellSpec, type HttpProvider } from './httpFaults';

/** Seeded on the fake as one of the account's numbers. */
const FROM = '+15550001111';
const TO = '+15557654321';
const texts = () => Array.from({ length: ITEM_COUNT }, (_, i) => `telnyx item ${i}`);
// 'list' mode: n8n checks a 'number' mode value with its safe-regex, whose 250 ms wall-clock limit a loaded machine can hit.
const fromNumber = { __rl: true, mode: 'list', value: FROM };

const TELNYX: HttpProvider<TelnyxFake> = {
	nodeType: 'telnyx',
	credentials: (lane) => ({
		telnyxScheduledApi: {
			apiKey: lane.fake.apiKey,
			baseUrl: `${lane.proxy.url}/v2`,
			publicKey: '',
		},
	}),
	// Telnyx's x-ratelimit-reset is whole seconds.
	shortResetSeconds: 1,
	violations: (fake) =>
		[...fake.violations, ...fake.responseViolations].map(
			(violation) => `Telnyx spec: ${violation}`,
		),
};

const messagesWith = (fake: TelnyxFake, text: string) =>
	[...fake.messages.values()].filter((message) => message.text === text);

/** Scheduled messages made directly on the fake (not through the node), for Cancel. */
async function seedScheduled(fake: TelnyxFake, contents: string[]): Promise<string[]> {
	const ids: string[] = [];
	for (const text of contents) {
		const answer = await fetch(`${fake.url}/v2/messages/schedule`, {
			method: 'POST',
			headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				from: FROM,
				to: TO,
				text,
				send_at: new Date(Date.now() + 24 * 3600_000).toISOString(),
			}),
		});
		const json = (await answer.json()) as { data?: { id?: string } };
		if (typeof json.data?.id !== 'string')
			throw new Error(`seeding a Telnyx scheduled message failed: ${JSON.stringify(json)}`);
		ids.push(json.data.id);
	}
	return ids;
}

const cell = (lane: HttpLane<TelnyxFake>, fault: string, spec: HttpCellSpec) =>
	httpCell(TELNYX, lane, fault as HttpFault, spec);

/** A row for one of the three send operations (all items under way at once: Concurrency 5 by default). */
function sendRow(operation: string, parameters: IDataObject, path: string): Row<Lane> {
	return {
		provider: 'Telnyx',
		operation,
		kind: 'send',
		order: 'parallel',
		faults: HTTP_FAULTS,
		async setup(lanes, fault) {
			const lane = await lanes.telnyx();
			const contents = texts();
			return cell(lane, fault, {
				parameters,
				items: contents.map((text) => ({ text })),
				isTarget: (k, request) =>
					request.method === 'POST' &&
					request.path === `/v2${path}` &&
					jsonField(request, 'text') === contents[k],
				count: (i) => messagesWith(lane.fake, contents[i]).length,
				mismatch: (i, json) => {
					const held = lane.fake.messages.get(String(json.message_id));
					if (held?.text !== contents[i])
						return `message_id ${String(json.message_id)} is not "${contents[i]}" in Telnyx`;
					return json.text === contents[i] ? undefined : `text "${String(json.text)}"`;
				},
			});
		},
	};
}

export const telnyxRows: Array<Row<Lane>> = [
	sendRow(
		'Send',
		{
			resource: 'message',
			operation: 'send',
			senderType: 'phoneNumber',
			fromNumber,
			to: TO,
			text: '={{ $json.text }}',
		},
		'/messages',
	),
	sendRow(
		'Schedule',
		{
			resource: 'message',
			operation: 'schedule',
			senderType: 'phoneNumber',
			fromNumber,
			to: TO,
			text: '={{ $json.text }}',
			sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}',
		},
		'/messages/schedule',
	),
	sendRow(
		'Send Group MMS',
		{
			resource: 'message',
			operation: 'sendGroupMms',
			fromNumber,
			recipients: '+15557654321, +15557654322',
			text: '={{ $json.text }}',
		},
		'/messages/group_mms',
	),
	{
		provider: 'Telnyx',
		operation: 'Cancel',
		kind: 'remove',
		// Routed (declarative): n8n sends every item's request at once.
		order: 'parallel',
		faults: HTTP_FAULTS,
		async setup(lanes, fault) {
			const lane = await lanes.telnyx();
			const ids = await seedScheduled(lane.fake, texts());
			const cancelled = (id: string) =>
				lane.fake.messages.get(id)?.to.every((recipient) => recipient.status === 'cancelled') ===
				true;
			return cell(lane, fault, {
				parameters: { resource: 'message', operation: 'cancel', messageId: '={{ $json.id }}' },
				items: ids.map((id) => ({ id })),
				isTarget: (k, request) =>
					request.method === 'DELETE' && request.path === `/v2/messages/${ids[k]}`,
				count: (i) => (cancelled(ids[i]) ? 1 : 0),
				mismatch: (i, json) =>
					json.message_id === ids[i] && json.status === 'cancelled'
						? undefined
						: `message_id ${String(json.message_id)} status ${String(json.status)} for ${ids[i]}`,
			});
		},
	},
];
