/** Data the Zulip fake keeps, its seed, and how Zulip serialises it (shapes checked against the spec). */
import type { EventQueues } from './eventQueues';

export interface ZulipUser {
	user_id: number;
	email: string;
	full_name: string;
	is_active?: boolean;
	is_bot?: boolean;
}

export interface ZulipChannel {
	stream_id: number;
	name: string;
	description?: string;
}

/** As GET /scheduled_messages returns it: Zulip reports direct messages with type 'private'. */
export interface ZulipScheduled {
	scheduled_message_id: number;
	type: 'stream' | 'private';
	to: number | number[];
	content: string;
	rendered_content: string;
	topic?: string;
	scheduled_delivery_timestamp: number;
	failed: boolean;
}

/** A reminder as GET /reminders lists it: a direct message to the user, sent by Notification Bot. */
export interface ZulipReminder {
	reminder_id: number;
	type: 'private';
	to: number[];
	content: string;
	rendered_content: string;
	scheduled_delivery_timestamp: number;
	failed: boolean;
	reminder_target_message_id: number;
	/** The note as given (feature level 415+); part of `content` as well. */
	note: string;
}

export interface ZulipSent {
	id: number;
	/** As the client sent it. */
	type: 'stream' | 'direct' | 'channel' | 'private';
	/** As the client sent it, JSON-decoded: channel id or name, or a list of user ids or emails. */
	to: unknown;
	topic?: string;
	content: string;
	sender_email: string;
}

/** A reminder about a message (Zulip 11): delivered to oneself by Notification Bot. */
export interface SeenRequest {
	method: string;
	/** URL path, `/api/v1` included, without the query string. */
	path: string;
	query: Record<string, string>;
	/** Form or JSON body; form fields the spec marks as JSON-encoded (`to`, ...) are decoded. */
	body: Record<string, unknown>;
	headers: Record<string, string | string[] | undefined>;
}

/** The state the routes read and change. */
export interface ZulipWorld {
	readonly url: string;
	readonly email: string;
	users: ZulipUser[];
	channels: ZulipChannel[];
	scheduled: Map<number, ZulipScheduled>;
	sent: ZulipSent[];
	/** Channel messages as GET /messages and message events give them. */
	messages: Array<Record<string, unknown>>;
	reminders: Map<number, ZulipReminder>;
	queues: EventQueues;
	/** The server this fake plays (see versions.ts); the realm's limits, as POST /register gives them. */
	readonly featureLevel: number;
	readonly zulipVersion: string;
	readonly maxMessageLength: number;
	readonly maxTopicLength: number;
}

export const BOT_USER_ID = 8;
/** The server the fake plays unless told otherwise: feature level 275, matching the spec file. */
export const FEATURE_LEVEL = 275;
export const ZULIP_VERSION = '9.0';
/** Zulip's defaults for a realm (settings.MAX_MESSAGE_LENGTH, MAX_TOPIC_NAME_LENGTH). */
export const MAX_MESSAGE_LENGTH = 10_000;
export const MAX_TOPIC_LENGTH = 60;

// A fixed creation date keeps responses deterministic.
const DATE_JOINED = '2024-01-01T00:00:00.000000+00:00';
const CHANNEL_CREATED = 1704067200;

export function seedUsers(botEmail: string): ZulipUser[] {
	return [
		{
			user_id: BOT_USER_ID,
			email: botEmail,
			full_name: 'Scheduler Bot',
			is_active: true,
			is_bot: true,
		},
		{ user_id: 9, email: 'iago@example.com', full_name: 'Iago', is_active: true, is_bot: false },
		{
			user_id: 10,
			email: 'hamlet@example.com',
			full_name: 'King Hamlet',
			is_active: true,
			is_bot: false,
		},
		{
			user_id: 11,
			email: 'othello@example.com',
			full_name: 'Othello, the Moor of Venice',
			is_active: true,
			is_bot: false,
		},
	];
}

export function seedChannels(): ZulipChannel[] {
	return [
		{ stream_id: 14, name: 'general', description: 'For everything' },
		{ stream_id: 15, name: 'announce', description: 'Announcements' },
		{ stream_id: 16, name: 'design', description: 'Design discussions' },
	];
}

/** Stand-in for Zulip's Markdown renderer: enough for clients that only display it. */
export function renderContent(content: string): string {
	const escaped = content
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
	return `<p>${escaped}</p>`;
}

/** The spec's `User` object. */
export function userJson(user: ZulipUser): Record<string, unknown> {
	const isBot = user.is_bot ?? false;
	return {
		user_id: user.user_id,
		email: user.email,
		// Bots always expose their real email; humans' are hidden by default.
		delivery_email: isBot ? user.email : null,
		full_name: user.full_name,
		date_joined: DATE_JOINED,
		is_active: user.is_active ?? true,
		is_owner: false,
		is_admin: false,
		is_guest: false,
		is_billing_admin: false,
		role: 400,
		is_bot: isBot,
		bot_type: isBot ? 1 : null,
		...(isBot ? { bot_owner_id: 9 } : { profile_data: {} }),
		timezone: '',
		avatar_url: `https://secure.gravatar.com/avatar/${user.user_id}?d=identicon&version=1`,
		avatar_version: 1,
	};
}

/** GET /users/me: the user's fields at the top level, plus `max_message_id`. */
export function ownUserJson(user: ZulipUser, maxMessageId: number): Record<string, unknown> {
	const { bot_type: _botType, bot_owner_id: _owner, ...fields } = userJson(user);
	return { ...fields, max_message_id: maxMessageId };
}

/** The spec's `BasicChannel` (GET /streams). */
export function channelJson(channel: ZulipChannel): Record<string, unknown> {
	const description = channel.description ?? '';
	return {
		stream_id: channel.stream_id,
		name: channel.name,
		description,
		rendered_description: description ? renderContent(description) : '',
		date_created: CHANNEL_CREATED,
		creator_id: null,
		invite_only: false,
		is_web_public: false,
		stream_post_policy: 1,
		message_retention_days: null,
		history_public_to_subscribers: true,
		first_message_id: null,
		is_announcement_only: false,
		can_remove_subscribers_group: 2,
		stream_weekly_traffic: null,
	};
}

/** The spec's `Subscriptions` item (GET /users/me/subscriptions). */
export function subscriptionJson(channel: ZulipChannel): Record<string, unknown> {
	const { stream_weekly_traffic: weekly, ...base } = channelJson(channel);
	return {
		...base,
		stream_weekly_traffic: weekly,
		desktop_notifications: null,
		email_notifications: null,
		wildcard_mentions_notify: null,
		push_notifications: null,
		audible_notifications: null,
		pin_to_top: false,
		is_muted: false,
		in_home_view: true,
		color: '#76ce90',
	};
}

/** The spec's `ScheduledMessage`: `topic` only for channel messages. */
export function scheduledJson(message: ZulipScheduled): Record<string, unknown> {
	const { topic, ...rest } = message;
	return message.type === 'stream' ? { ...rest, topic: topic ?? '' } : rest;
}
