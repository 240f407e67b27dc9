/**
 * What the fake's state changes tell event queues, and the routes of the events API: the event
 * queue part of POST /register, GET /events (long poll, in server.ts), DELETE /events, and
 * GET /messages (history, which clients read to catch up after losing a queue).
 */
import { FORM, type Field, type ModelOperation } from '../requestModel';
import { reminderJson } from './reminders';
import type { Reply, RouteContext } from './replies';
import {
	BOT_USER_ID,
	renderContent,
	scheduledJson,
	type ZulipScheduled,
	type ZulipWorld,
} from './state';

const bool: Field = { schema: { type: 'boolean' } };

export const eventQueueOperations: readonly ModelOperation[] = [
	{
		id: 'register-queue',
		method: 'POST',
		path: '/register',
		auth: true,
		body: {
			mediaType: FORM,
			fields: {
				event_types: { schema: { type: 'array', items: { type: 'string' } }, json: true },
				fetch_event_types: { schema: { type: 'array', items: { type: 'string' } }, json: true },
				narrow: {
					schema: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
					json: true,
				},
				all_public_streams: { ...bool, json: true },
				apply_markdown: { ...bool, json: true },
				client_gravatar: { ...bool, json: true },
				slim_presence: { ...bool, json: true },
				include_subscribers: { ...bool, json: true },
				client_capabilities: { schema: { type: 'object' }, json: true },
			},
		},
	},
	{
		id: 'get-events',
		method: 'GET',
		path: '/events',
		auth: true,
		query: {
			queue_id: { schema: { type: 'string' }, required: true },
			last_event_id: { schema: { type: 'integer' } },
			dont_block: bool,
		},
	},
	{
		id: 'delete-queue',
		method: 'DELETE',
		path: '/events',
		auth: true,
		body: { mediaType: FORM, fields: { queue_id: { schema: { type: 'string' }, required: true } } },
	},
	{
		id: 'get-messages',
		method: 'GET',
		path: '/messages',
		auth: true,
		query: {
			anchor: { schema: { type: 'string' } },
			include_anchor: bool,
			num_before: { schema: { type: 'integer', minimum: 0 }, required: true },
			num_after: { schema: { type: 'integer', minimum: 0 }, required: true },
			// A JSON list of terms: {operator, operand} objects or [operator, operand] pairs.
			narrow: {
				schema: {
					type: 'array',
					items: {
						type: 'oneOf',
						options: [{ type: 'object' }, { type: 'array', items: { type: 'string' } }],
					},
				},
				json: true,
			},
			use_first_unread_anchor: bool,
			client_gravatar: bool,
			apply_markdown: bool,
		},
	},
];

const ok = (fields: Record<string, unknown> = {}): Reply => ({
	status: 200,
	body: { result: 'success', msg: '', ...fields },
});

const badRequest = (msg: string): Reply => ({
	status: 400,
	body: { result: 'error', msg, code: 'BAD_REQUEST' },
});

/**
 * The event queue part of POST /register: a new queue, and the state the client asked for in
 * `fetch_event_types` (default: the event types) as of the queue's creation.
 */
export function eventQueueRegistration(
	world: ZulipWorld,
	body: Record<string, unknown>,
): Record<string, unknown> {
	const eventTypes = Array.isArray(body.event_types) ? (body.event_types as string[]) : undefined;
	const fetch = Array.isArray(body.fetch_event_types)
		? (body.fetch_event_types as string[])
		: eventTypes;
	const wants = (type: string) => fetch === undefined || fetch.includes(type);
	const fields: Record<string, unknown> = {
		...world.queues.register(eventTypes),
		zulip_feature_level: world.featureLevel,
		zulip_version: world.zulipVersion,
		zulip_merge_base: world.zulipVersion,
	};
	if (wants('message'))
		fields.max_message_id = world.messages.reduce((max, m) => Math.max(max, Number(m.id)), -1);
	if (wants('scheduled_messages'))
		fields.scheduled_messages = [...world.scheduled.values()].map(scheduledJson);
	if (wants('reminders')) fields.reminders = [...world.reminders.values()].map(reminderJson);
	return fields;
}

export const eventRoutes: Record<string, (ctx: RouteContext) => Reply> = {
	'delete-queue': ({ world, body }) =>
		world.queues.delete(String(body.queue_id))
			? ok()
			: {
					status: 400,
					body: {
						result: 'error',
						msg: `Bad event queue ID: ${String(body.queue_id)}`,
						code: 'BAD_EVENT_QUEUE_ID',
						queue_id: String(body.queue_id),
					},
				},
	'get-messages': ({ world, query }) => {
		const anchorText = String(query.anchor ?? 'newest');
		const numAfter = Number(query.num_after ?? 0);
		const numBefore = Number(query.num_before ?? 0);
		const includeAnchor = query.include_anchor !== 'false';
		let narrow: Array<{ operator: string; operand: unknown }> = [];
		try {
			narrow = JSON.parse(String(query.narrow ?? '[]')) as typeof narrow;
		} catch {
			return badRequest('Invalid narrow');
		}
		const matches = world.messages.filter((message) =>
			narrow.every((term) => {
				if (term.operator === 'channel' || term.operator === 'stream')
					return message.stream_id === Number(term.operand);
				return badOperator(term.operator);
			}),
		);
		const ids = matches.map((m) => Number(m.id));
		const newest = ids.length ? Math.max(...ids) : 0;
		const anchor =
			anchorText === 'newest' ? newest : anchorText === 'oldest' ? 0 : Number(anchorText);
		if (!Number.isInteger(anchor)) return badRequest('Invalid anchor');
		const before = matches.filter((m) => Number(m.id) < anchor).slice(-numBefore || undefined);
		const at = includeAnchor ? matches.filter((m) => Number(m.id) === anchor) : [];
		const after = matches.filter((m) => Number(m.id) > anchor).slice(0, numAfter);
		const found = [...(numBefore ? before : []), ...at, ...after];
		const lastId = found.length ? Number(found[found.length - 1].id) : anchor;
		return ok({
			anchor,
			found_anchor: matches.some((m) => Number(m.id) === anchor),
			found_oldest: numBefore === 0 ? anchor <= (ids[0] ?? 0) : before.length < numBefore,
			found_newest: lastId >= newest,
			history_limited: false,
			messages: found.map((message) => ({ ...message, flags: ['read'] })),
		});
	},
};

function badOperator(operator: string): boolean {
	throw new Error(`the Zulip fake does not model the narrow operator ${operator}`);
}

/** A channel message lands: stored for GET /messages, and a `message` event for the queues. */
export function recordChannelMessage(
	world: ZulipWorld,
	message: {
		id: number;
		channelId: number;
		topic: string;
		content: string;
		senderEmail: string;
		timestampSeconds: number;
	},
): void {
	const channel = world.channels.find((c) => c.stream_id === message.channelId);
	const sender = world.users.find((u) => u.email === message.senderEmail);
	const json: Record<string, unknown> = {
		id: message.id,
		avatar_url: null,
		client: 'website',
		content: renderContent(message.content),
		content_type: 'text/html',
		display_recipient: channel?.name ?? String(message.channelId),
		is_me_message: false,
		reactions: [],
		recipient_id: 100 + message.channelId,
		sender_email: message.senderEmail,
		sender_full_name: sender?.full_name ?? message.senderEmail,
		sender_id: sender?.user_id ?? BOT_USER_ID,
		sender_realm_str: 'zulip',
		stream_id: message.channelId,
		subject: message.topic,
		submessages: [],
		timestamp: message.timestampSeconds,
		topic_links: [],
		type: 'stream',
	};
	world.messages.push(json);
	world.queues.publish({ type: 'message', message: json, flags: [] });
}

export function announceScheduled(
	world: ZulipWorld,
	change: { op: 'add' | 'update'; message: ZulipScheduled } | { op: 'remove'; id: number },
): void {
	if (change.op === 'add')
		world.queues.publish({
			type: 'scheduled_messages',
			op: 'add',
			scheduled_messages: [scheduledJson(change.message)],
		});
	else if (change.op === 'update')
		world.queues.publish({
			type: 'scheduled_messages',
			op: 'update',
			scheduled_message: scheduledJson(change.message),
		});
	else if (change.op === 'remove')
		world.queues.publish({
			type: 'scheduled_messages',
			op: 'remove',
			scheduled_message_id: change.id,
		});
}
