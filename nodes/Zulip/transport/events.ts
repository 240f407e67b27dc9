import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import { providerError } from '../../../shared/errors';
import { requestWithBasicAuth, type HttpCall, type HttpOutcome } from '../../../shared/http';
import { parseRetryAfter } from '../../../shared/rateLimit';
import { interpretZulipReply, zulipBaseUrl, ZULIP_CREDENTIAL } from './index';

/**
 * Zulip's real-time events API: register a queue, long-poll it, delete it; and the message
 * history a trigger reads to catch up after its queue was lost.
 */

/** Where and as whom the trigger calls Zulip, read once while n8n activates it. */
export interface ZulipSession {
	baseURL: string;
	auth: { username: string; password: string };
}

export async function openZulipSession(context: ITriggerFunctions): Promise<ZulipSession> {
	const baseURL = await zulipBaseUrl(context);
	const credentials = await context.getCredentials<{ email?: string; apiKey?: string }>(
		ZULIP_CREDENTIAL,
	);
	return {
		baseURL,
		auth: { username: String(credentials.email ?? ''), password: String(credentials.apiKey ?? '') },
	};
}

async function sessionCall(
	context: ITriggerFunctions,
	session: ZulipSession,
	call: Omit<HttpCall, 'baseURL'>,
): Promise<HttpOutcome> {
	return await requestWithBasicAuth(context, session.auth, { ...call, baseURL: session.baseURL });
}

/** A call whose answer is data; a connection failure, refusal or 429 throws (429 as RateLimitedSignal). */
async function sessionRequest(
	context: ITriggerFunctions,
	session: ZulipSession,
	call: Omit<HttpCall, 'baseURL'>,
): Promise<IDataObject> {
	const outcome = await sessionCall(context, session, call);
	if (outcome.failure)
		throw providerError(context.getNode(), {
			provider: 'Zulip',
			message: `could not reach ${session.baseURL} (${outcome.failure.code})`,
			description:
				'Check the Server URL in the credential and that the server is reachable from n8n.',
			details: { networkCode: outcome.failure.code },
		});
	return interpretZulipReply(context, outcome.reply);
}

export interface QueueRegistration {
	queueId: string;
	lastEventId: number;
	/** Newest message id when the queue was made (asked for with `message` in the fetch types). */
	maxMessageId: number;
	scheduledMessages: IDataObject[];
	/** Absent on servers before Zulip 11, which have no reminders. */
	reminders?: IDataObject[];
	/** How long a GET /events may take before the client gives up on it (server's advice). */
	longPollTimeoutSeconds: number;
}

/** What one GET /events gave, or why it gave nothing. */
export type PollOutcome =
	| { kind: 'events'; events: IDataObject[] }
	/** The queue expired or the server restarted: register a new one. */
	| { kind: 'queueGone' }
	/** Worth trying again after a pause: a dropped connection, a 5xx, a rate limit. */
	| { kind: 'retry'; reason: string; afterSeconds?: number };

// Zulip's advice is ~90 s; a margin over its heartbeat (~60 s) is what matters.
const DEFAULT_LONG_POLL_SECONDS = 90;

export async function registerEventQueue(
	context: ITriggerFunctions,
	session: ZulipSession,
	eventTypes: string[],
): Promise<QueueRegistration> {
	const reply = await sessionRequest(context, session, {
		method: 'POST',
		url: '/register',
		form: true,
		body: {
			event_types: eventTypes,
			fetch_event_types: eventTypes,
			apply_markdown: false,
			client_gravatar: true,
		},
	});
	const timeout = Number(reply.event_queue_longpoll_timeout_seconds);
	return {
		queueId: String(reply.queue_id),
		lastEventId: Number(reply.last_event_id ?? -1),
		maxMessageId: Number(reply.max_message_id ?? -1),
		scheduledMessages: (reply.scheduled_messages ?? []) as IDataObject[],
		reminders: reply.reminders as IDataObject[] | undefined,
		longPollTimeoutSeconds:
			Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_LONG_POLL_SECONDS,
	};
}

/** One long poll; `signal` ends it at once (the workflow was deactivated). */
export async function pollEvents(
	context: ITriggerFunctions,
	session: ZulipSession,
	queue: { queueId: string; lastEventId: number; longPollTimeoutSeconds: number },
	signal: AbortSignal,
): Promise<PollOutcome> {
	const outcome = await sessionCall(context, session, {
		method: 'GET',
		url: '/events',
		qs: { queue_id: queue.queueId, last_event_id: queue.lastEventId },
		timeoutMs: (queue.longPollTimeoutSeconds + 10) * 1000,
		signal,
	});
	if (outcome.failure)
		return { kind: 'retry', reason: `connection failed (${outcome.failure.code})` };
	const { reply } = outcome;
	const body = (reply.body ?? {}) as IDataObject;
	if (body.code === 'BAD_EVENT_QUEUE_ID') return { kind: 'queueGone' };
	if (reply.statusCode >= 500)
		return { kind: 'retry', reason: `Zulip answered HTTP ${reply.statusCode}` };
	if (reply.statusCode === 429)
		return {
			kind: 'retry',
			reason: 'rate limited',
			afterSeconds: parseRetryAfter(reply.headers['retry-after']),
		};
	// Other refusals (a revoked API key, ...) throw, with Zulip's message.
	const data = interpretZulipReply(context, reply);
	return { kind: 'events', events: (data.events ?? []) as IDataObject[] };
}

/** Deletes the queue; a queue Zulip already dropped is fine, and so is a server that is away. */
export async function deleteEventQueue(
	context: ITriggerFunctions,
	session: ZulipSession,
	queueId: string,
): Promise<void> {
	await sessionCall(context, session, {
		method: 'DELETE',
		url: '/events',
		body: { queue_id: queueId },
		form: true,
		timeoutMs: 10_000,
	});
}

/** Messages in one channel with ids above `afterId`, oldest first, `count` at most. */
export async function channelMessagesAfter(
	context: ITriggerFunctions,
	session: ZulipSession,
	channelId: number,
	afterId: number,
	count: number,
): Promise<{ messages: IDataObject[]; foundNewest: boolean }> {
	const reply = await sessionRequest(context, session, {
		method: 'GET',
		url: '/messages',
		qs: {
			anchor: String(afterId),
			include_anchor: false,
			num_before: 0,
			num_after: count,
			narrow: JSON.stringify([{ operator: 'channel', operand: channelId }]),
			apply_markdown: false,
			client_gravatar: true,
		},
	});
	return {
		messages: (reply.messages ?? []) as IDataObject[],
		foundNewest: reply.found_newest === true,
	};
}

/** The user id of the credential's account (to tell its own messages apart). */
export async function ownUserId(
	context: ITriggerFunctions,
	session: ZulipSession,
): Promise<number> {
	const reply = await sessionRequest(context, session, { method: 'GET', url: '/users/me' });
	return Number(reply.user_id);
}
