import type { ZulipFake } from '../../fakes/zulip/server';
import type { ProxiedRequest } from '../httpFaultProxy';
import type { HttpLane, Lane } from '../lane';
import { HTTP_FAULTS, ITEM_COUNT, type HttpFault, type Row } from '../matrix';
import { formField, httpCell, type HttpCellSpec, type HttpProvider } from './httpFaults';

// 'list' mode: n8n checks an 'id' mode value with its safe-regex, whose 250 ms wall-clock limit a loaded machine can hit.
const CHANNEL = { __rl: true, mode: 'list', value: '14' };
const texts = () => Array.from({ length: ITEM_COUNT }, (_, i) => `zulip item ${i}`);

const ZULIP: HttpProvider<ZulipFake> = {
	nodeType: 'zulip',
	credentials: (lane) => ({
		zulipScheduledApi: { url: lane.proxy.url, email: lane.fake.email, apiKey: lane.fake.apiKey },
	}),
	// Zulip's Retry-After is in (fractional) seconds.
	shortResetSeconds: 0.25,
	violations: (fake) => fake.violations.map((violation) => `Zulip spec: ${violation}`),
};

/** Scheduled messages made directly on the fake (not through the node), for Send Now and Delete. */
async function seedScheduled(fake: ZulipFake, contents: string[]): Promise<number[]> {
	const ids: number[] = [];
	for (const content of contents) {
		const body = new URLSearchParams({
			type: 'stream',
			to: '14',
			topic: 'Faults',
			content,
			scheduled_delivery_timestamp: String(Math.floor(Date.now() / 1000) + 7200),
		});
		const answer = await fetch(`${fake.url}/api/v1/scheduled_messages`, {
			method: 'POST',
			headers: {
				authorization: `Basic ${Buffer.from(`${fake.email}:${fake.apiKey}`).toString('base64')}`,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body,
		});
		const json = (await answer.json()) as { scheduled_message_id?: number };
		if (typeof json.scheduled_message_id !== 'number')
			throw new Error(`seeding a Zulip scheduled message failed: ${JSON.stringify(json)}`);
		ids.push(json.scheduled_message_id);
	}
	return ids;
}

const cell = (lane: HttpLane<ZulipFake>, fault: string, spec: HttpCellSpec) =>
	httpCell(ZULIP, lane, fault as HttpFault, spec);

const postTo = (path: string, content: string) => (request: ProxiedRequest) =>
	request.method === 'POST' &&
	request.path === `/api/v1${path}` &&
	formField(request, 'content') === content;

const sentWith = (fake: ZulipFake, content: string) =>
	fake.sent.filter((message) => message.content === content);

const base = { provider: 'Zulip' as const, faults: HTTP_FAULTS };

export const zulipRows: Array<Row<Lane>> = [
	{
		...base,
		operation: 'Scheduled Message Create',
		kind: 'send',
		order: 'sequential',
		async setup(lanes, fault) {
			const lane = await lanes.zulip();
			const contents = texts();
			const scheduledWith = (content: string) =>
				[...lane.fake.scheduled.values()].filter((message) => message.content === content);
			return cell(lane, fault, {
				parameters: {
					resource: 'scheduledMessage',
					operation: 'create',
					messageType: 'channel',
					channel: CHANNEL,
					topic: 'Faults',
					content: '={{ $json.text }}',
					sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}',
				},
				items: contents.map((text) => ({ text })),
				isTarget: (k, request) => postTo('/scheduled_messages', contents[k])(request),
				count: (i) => scheduledWith(contents[i]).length,
				mismatch: (i, json) => {
					const held = lane.fake.scheduled.get(Number(json.scheduled_message_id));
					if (held?.content !== contents[i])
						return `scheduled_message_id ${String(json.scheduled_message_id)} is not "${contents[i]}" in Zulip`;
					return json.content === contents[i] ? undefined : `content "${String(json.content)}"`;
				},
			});
		},
	},
	{
		...base,
		operation: 'Message Send',
		kind: 'send',
		order: 'sequential',
		async setup(lanes, fault) {
			const lane = await lanes.zulip();
			const contents = texts();
			return cell(lane, fault, {
				parameters: {
					resource: 'message',
					operation: 'send',
					messageType: 'channel',
					channel: CHANNEL,
					topic: 'Faults',
					content: '={{ $json.text }}',
				},
				items: contents.map((text) => ({ text })),
				isTarget: (k, request) => postTo('/messages', contents[k])(request),
				count: (i) => sentWith(lane.fake, contents[i]).length,
				mismatch: (i, json) => {
					const held = lane.fake.sent.find((message) => message.id === json.message_id);
					return held?.content === contents[i]
						? undefined
						: `message_id ${String(json.message_id)} is not "${contents[i]}" in Zulip`;
				},
			});
		},
	},
	{
		...base,
		operation: 'Scheduled Message Send Now',
		kind: 'send',
		order: 'sequential',
		async setup(lanes, fault) {
			const lane = await lanes.zulip();
			const contents = texts();
			const ids = await seedScheduled(lane.fake, contents);
			return cell(lane, fault, {
				parameters: {
					resource: 'scheduledMessage',
					operation: 'sendNow',
					scheduledMessageId: '={{ $json.id }}',
				},
				items: ids.map((id) => ({ id })),
				// The fault hits the send (POST /messages), the step that must never be repeated.
				isTarget: (k, request) => postTo('/messages', contents[k])(request),
				count: (i) => sentWith(lane.fake, contents[i]).length,
				mismatch: (i, json) => {
					if (json.scheduled_message_id !== ids[i])
						return `scheduled_message_id ${String(json.scheduled_message_id)}, expected ${ids[i]}`;
					const held = lane.fake.sent.find((message) => message.id === json.message_id);
					if (held?.content !== contents[i])
						return `message_id ${String(json.message_id)} is not "${contents[i]}" in Zulip`;
					return lane.fake.scheduled.has(ids[i])
						? `scheduled message ${ids[i]} is still scheduled (it will be sent again)`
						: undefined;
				},
			});
		},
	},
	{
		...base,
		operation: 'Scheduled Message Delete',
		kind: 'remove',
		// One item at a time, like every Zulip operation.
		order: 'sequential',
		async setup(lanes, fault) {
			const lane = await lanes.zulip();
			const contents = texts();
			const ids = await seedScheduled(lane.fake, contents);
			return cell(lane, fault, {
				parameters: {
					resource: 'scheduledMessage',
					operation: 'delete',
					scheduledMessageId: '={{ $json.id }}',
				},
				items: ids.map((id) => ({ id })),
				isTarget: (k, request) =>
					request.method === 'DELETE' && request.path === `/api/v1/scheduled_messages/${ids[k]}`,
				count: (i) => (lane.fake.scheduled.has(ids[i]) ? 0 : 1),
				mismatch: (i, json) =>
					json.scheduled_message_id === ids[i] && json.deleted === true
						? undefined
						: `${JSON.stringify(json)} for scheduled message ${ids[i]}`,
			});
		},
	},
];
