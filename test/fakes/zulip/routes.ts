import {
	BOT_USER_ID,
	channelJson,
	ownUserJson,
	renderContent,
	scheduledJson,
	subscriptionJson,
	userJson,
	type ZulipScheduled,
	type ZulipSent,
	type ZulipWorld,
} from './state';
import { announceScheduled, eventRoutes, recordChannelMessage } from './events';
import { ok, ZulipError, type Reply, type Route, type RouteContext } from './replies';
import { registerRoutes } from './register';
import { reminderRoutes } from './reminders';

export type { Reply, RouteContext } from './replies';

/**
 * Zulip's behaviour for the routes the nodes use, keyed by the spec's operationId. Requests reach
 * these only after auth and spec validation passed, so field types are the spec's; the checks here
 * are the server-side rules the schema cannot express (existing ids, future timestamps, ...).
 */

const channelIdMissing = (id: number) =>
	new ZulipError(`Channel with ID '${id}' does not exist`, 400, {
		code: 'STREAM_DOES_NOT_EXIST',
		stream_id: id,
	});
// The spec documents 404 (code BAD_REQUEST) for an unknown scheduled message id.
const scheduledMissing = () => new ZulipError('Scheduled message does not exist', 404);

export const routes: Record<string, Route> = {
	'get-own-user': ({ world }) => {
		const me = world.users.find((u) => u.email === world.email) ?? {
			user_id: BOT_USER_ID,
			email: world.email,
			full_name: 'Bot',
			is_bot: true,
		};
		return ok(
			ownUserJson(
				me,
				world.sent.reduce((max, m) => Math.max(max, m.id), 0),
			),
		);
	},
	'get-users': ({ world }) => ok({ members: world.users.map(userJson) }),
	// Zulip routes /users/<int> to "get user by id" and anything else to "get user by email".
	'get-user': ({ world, params }) => findUser(world, (u) => u.user_id === Number(params.user_id)),
	'get-user-by-email': ({ world, params }) =>
		findUser(
			world,
			(u) => u.email.toLowerCase() === decodeURIComponent(params.email).toLowerCase(),
		),
	'get-streams': ({ world }) => ok({ streams: world.channels.map(channelJson) }),
	'get-subscriptions': ({ world }) => ok({ subscriptions: world.channels.map(subscriptionJson) }),
	'get-server-settings': ({ world }) =>
		ok({
			authentication_methods: {
				password: true,
				dev: false,
				email: true,
				ldap: false,
				remoteuser: false,
				github: false,
				azuread: false,
				gitlab: false,
				apple: false,
				google: false,
				saml: false,
				'openid connect': false,
			},
			external_authentication_methods: [],
			zulip_feature_level: world.featureLevel,
			zulip_version: world.zulipVersion,
			zulip_merge_base: world.zulipVersion,
			push_notifications_enabled: false,
			is_incompatible: false,
			email_auth_enabled: true,
			require_email_format_usernames: true,
			realm_uri: world.url,
			realm_url: world.url,
			realm_name: 'Fake Zulip',
			realm_icon: `${world.url}/static/images/logo/zulip-icon-128x128.png`,
			realm_description: '',
			realm_web_public_access_enabled: false,
		}),
	'get-scheduled-messages': ({ world }) =>
		ok({
			scheduled_messages: [...world.scheduled.values()]
				.sort(
					(a, b) =>
						a.scheduled_delivery_timestamp - b.scheduled_delivery_timestamp ||
						a.scheduled_message_id - b.scheduled_message_id,
				)
				.map(scheduledJson),
		}),
	'create-scheduled-message': (ctx) => {
		const { world, body } = ctx;
		const target = scheduledTarget(world, String(body.type), body.to, body.topic);
		const content = requireContent(world, body.content);
		const timestamp = requireFuture(body.scheduled_delivery_timestamp, ctx.nowMs);
		const id = ctx.nextScheduledId();
		const created: ZulipScheduled = {
			scheduled_message_id: id,
			...target,
			content,
			rendered_content: renderContent(content),
			scheduled_delivery_timestamp: timestamp,
			failed: false,
		};
		world.scheduled.set(id, created);
		announceScheduled(world, { op: 'add', message: created });
		return ok({ scheduled_message_id: id });
	},
	'update-scheduled-message': (ctx) => {
		const { world, body } = ctx;
		const existing = world.scheduled.get(Number(ctx.params.scheduled_message_id));
		if (!existing) throw scheduledMissing();
		const has = (field: string) => body[field] !== undefined;
		if (!['type', 'to', 'content', 'topic', 'scheduled_delivery_timestamp'].some(has))
			throw new ZulipError('Nothing to change');
		const next: ZulipScheduled = { ...existing };
		if (has('type')) {
			// Changing the type needs the new recipients (and a topic for a channel).
			if (!has('to'))
				throw new ZulipError('Recipient required when updating type of scheduled message.');
			if (isChannelType(String(body.type)) && !has('topic')) {
				throw new ZulipError('Topic required when updating scheduled message type to channel.');
			}
			delete next.topic;
			Object.assign(next, scheduledTarget(world, String(body.type), body.to, body.topic));
		} else if (has('to')) {
			Object.assign(
				next,
				scheduledTarget(world, existing.type, body.to, body.topic ?? existing.topic),
			);
		} else if (has('topic') && existing.type === 'stream') {
			next.topic = requireTopic(world, body.topic);
		}
		if (has('content')) {
			next.content = requireContent(world, body.content);
			next.rendered_content = renderContent(next.content);
		}
		if (has('scheduled_delivery_timestamp')) {
			next.scheduled_delivery_timestamp = requireFuture(
				body.scheduled_delivery_timestamp,
				ctx.nowMs,
			);
			next.failed = false;
		} else if (existing.failed) {
			// A message the server failed to send can only be edited together with a new time.
			throw new ZulipError('Scheduled delivery time must be in the future.');
		}
		if (next.type === 'private') delete next.topic;
		world.scheduled.set(existing.scheduled_message_id, next);
		announceScheduled(world, { op: 'update', message: next });
		return ok();
	},
	'delete-scheduled-message': ({ world, params }) => {
		const id = Number(params.scheduled_message_id);
		if (!world.scheduled.delete(id)) throw scheduledMissing();
		announceScheduled(world, { op: 'remove', id });
		return ok();
	},
	'send-message': (ctx) => {
		const { world, body } = ctx;
		const type = String(body.type) as ZulipSent['type'];
		let channelId: number | undefined;
		if (isChannelType(type)) {
			channelId = resolveChannel(world, body.to);
		} else {
			resolveDirectRecipients(world, body.to, true);
		}
		const topic = isChannelType(type) ? requireTopic(world, body.topic) : undefined;
		const content = requireContent(world, body.content);
		const id = ctx.nextMessageId();
		world.sent.push({
			id,
			type,
			to: body.to,
			...(topic !== undefined ? { topic } : {}),
			content,
			sender_email: world.email,
		});
		if (channelId !== undefined && topic !== undefined)
			recordChannelMessage(world, {
				id,
				channelId,
				topic,
				content,
				senderEmail: world.email,
				timestampSeconds: Math.floor(ctx.nowMs / 1000),
			});
		return ok({ id });
	},
	...eventRoutes,
	...registerRoutes,
	...reminderRoutes,
};

/** Run a route, turning Zulip errors into Zulip's error replies. */
export function runRoute(route: Route, ctx: RouteContext): Reply {
	try {
		return route(ctx);
	} catch (error) {
		if (error instanceof ZulipError) return error.reply();
		throw error;
	}
}

function findUser(
	world: ZulipWorld,
	predicate: (user: ZulipWorld['users'][number]) => boolean,
): Reply {
	const user = world.users.find(predicate);
	if (!user) throw new ZulipError('No such user');
	return ok({ user: userJson(user) });
}

function isChannelType(type: string): boolean {
	return type === 'stream' || type === 'channel';
}

/** Recipients of a scheduled message, normalised to the type GET /scheduled_messages reports. */
function scheduledTarget(
	world: ZulipWorld,
	type: string,
	to: unknown,
	topic: unknown,
): Pick<ZulipScheduled, 'type' | 'to' | 'topic'> {
	if (isChannelType(type)) {
		const channelId = resolveChannel(world, to, true);
		return { type: 'stream', to: channelId, topic: requireTopic(world, topic) };
	}
	return { type: 'private', to: resolveDirectRecipients(world, to, false) as number[] };
}

/** A channel by id (or, for sending, by name); Zulip accepts a one-element list too. */
function resolveChannel(world: ZulipWorld, to: unknown, idOnly = false): number {
	const single = Array.isArray(to) && to.length === 1 ? to[0] : to;
	if (typeof single === 'number') {
		if (!world.channels.some((c) => c.stream_id === single)) throw channelIdMissing(single);
		return single;
	}
	if (typeof single === 'string' && !idOnly) {
		const channel = world.channels.find((c) => c.name === single);
		if (!channel)
			throw new ZulipError(`Channel '${single}' does not exist`, 400, {
				code: 'STREAM_DOES_NOT_EXIST',
				stream: single,
			});
		return channel.stream_id;
	}
	throw new ZulipError(
		Array.isArray(to) ? 'Cannot send to multiple channels' : 'Invalid data type for channel',
	);
}

/** Direct message recipients: user ids, or (for sending) emails, as a list. */
function resolveDirectRecipients(
	world: ZulipWorld,
	to: unknown,
	allowEmails: boolean,
): Array<number | string> {
	// Legacy clients send a comma-separated string of emails to POST /messages.
	const list = typeof to === 'string' && allowEmails ? to.split(',').map((e) => e.trim()) : to;
	if (!Array.isArray(list)) throw new ZulipError('Invalid data type for recipients');
	if (list.length === 0) throw new ZulipError('Message must have recipients');
	for (const recipient of list) {
		if (typeof recipient === 'number') {
			if (!world.users.some((u) => u.user_id === recipient && u.is_active !== false))
				throw new ZulipError(`Invalid user ID ${recipient}`);
		} else if (typeof recipient === 'string' && allowEmails) {
			if (!world.users.some((u) => u.email.toLowerCase() === recipient.toLowerCase()))
				throw new ZulipError(`Invalid email '${recipient}'`);
		} else {
			throw new ZulipError('Invalid data type for recipients');
		}
	}
	return [...new Set(list as Array<number | string>)];
}

function requireTopic(world: ZulipWorld, topic: unknown): string {
	if (topic === undefined) throw new ZulipError('Missing topic');
	const stripped = String(topic).trim();
	if (stripped === '') throw new ZulipError("Topic can't be empty!");
	return truncateSilently(stripped, world.maxTopicLength, '...');
}

function requireContent(world: ZulipWorld, content: unknown): string {
	// Zulip strips trailing whitespace and leading blank lines before it measures the content.
	const body = typeof content === 'string' ? content.trimEnd().replace(/^\n+/, '') : '';
	if (body === '') throw new ZulipError('Message must not be empty');
	return truncateSilently(body, world.maxMessageLength, '\n[message truncated]');
}

/**
 * What Zulip does with text over the realm's limit: it cuts it, ending in `marker`, and accepts
 * the request without a word. Lengths are Unicode code points (Python's len), not UTF-16 units.
 */
function truncateSilently(text: string, max: number, marker: string): string {
	const points = Array.from(text);
	if (points.length <= max) return text;
	return points.slice(0, max - Array.from(marker).length).join('') + marker;
}

function requireFuture(timestamp: unknown, nowMs: number): number {
	const seconds = Number(timestamp);
	if (!(seconds * 1000 > nowMs))
		throw new ZulipError('Scheduled delivery time must be in the future.');
	return seconds;
}
