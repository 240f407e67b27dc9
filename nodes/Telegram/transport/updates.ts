import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import type { TelegramAccount } from './account';
import { settle } from '../../../shared/errors';
import { onAnswerUpdates } from './answerUpdates';
import { keepAliveTimings, pause, reconnectDelayMs, watchConnection } from './keepAlive';
import type { CallOptions } from './call';
import { withTelegram, type TelegramSession } from './pool';
import { markedPeerId } from './peers';
import { messageFileOf, type MessageFile } from './messageFiles';
import { messageChangeOf, type MessageChangeEvent } from './messageChanges';
import { toMessageRecord, type MessageRecord } from './records';
import { secretChatsOf } from './secret/chatStore';
import { drainInbox } from './secret/inbox';
import {
	acceptSecretChat,
	appliedQts,
	applyEncryptedMessage,
	handleSecretUpdate,
	recordAppliedQts,
	type SecretChatEvent,
} from './secret/secretChats';
import { ScheduledSendPairing, type ScheduledSentEvent } from './scheduledSends';
import { UpdateTracker, type TrackerSink, type UpdateStateStore } from './updateState';

/**
 * One listener per connected client: every update Telegram pushes is applied once to the
 * account's secret chats (in arrival order, so sequence numbers are read in order) and then
 * handed to whoever subscribed (the trigger). The node's pooled client gets the same listener
 * without subscribers, so an acceptance that arrives while it is connected is not lost.
 */

export type TelegramUpdateEvent =
	| SecretChatEvent
	| ScheduledSentEvent
	| {
			event: 'message';
			message: MessageRecord;
			outgoing: boolean;
			/** Its photo or document, to download on demand. */
			file?: MessageFile;
	  }
	| MessageChangeEvent;

export interface UpdateSubscriber {
	onEvent(event: TelegramUpdateEvent): void;
	onError(error: unknown): void;
	/**
	 * Telegram stayed unreachable through several reconnects. The subscription keeps trying;
	 * the caller reports it without stopping (n8n: a failed execution, the error workflow).
	 */
	onOutage(error: TelegramOutage): void;
	/** Something worth a log line that need not stop the workflow (a catch-up that failed, updates Telegram no longer keeps). */
	onWarning(message: string): void;
	/** Accept secret chat requests as they arrive. */
	autoAccept: boolean;
	/** Where this subscriber's place in the update sequences is kept (pts, qts, date, seq, channels). */
	state: UpdateStateStore;
}

interface Subscription {
	subscriber: UpdateSubscriber;
	tracker: UpdateTracker;
	/** Lives as long as the subscription, across reconnects. */
	scheduledSends: ScheduledSendPairing;
}

interface Hub {
	subscriptions: Set<Subscription>;
	/** Updates are applied one after another: a later message must not overtake an earlier one. */
	queue: Promise<void>;
}

const hubs = new WeakMap<object, Hub>();

/** Telegram could not be reached for `attempts` reconnects in a row; `lastFailure` is the last one. */
export class TelegramOutage extends Error {
	constructor(
		readonly attempts: number,
		readonly lastFailure: unknown,
	) {
		super(
			`Telegram could not be reached in ${attempts} reconnect attempts in a row (last: ${describe(lastFailure)})`,
		);
		this.name = 'TelegramOutage';
	}
}

/** How often a listening trigger asks for what it may have missed (besides after each reconnect and gap). */
export const CATCH_UP_EVERY_MS = 60_000;

/** Runs `task` after everything queued on the hub; the hub's queue never stays rejected. */
function enqueue(hub: Hub, task: () => Promise<void>): Promise<void> {
	const run = hub.queue.then(task);
	hub.queue = run.catch(() => undefined);
	return run;
}

function describe(error: unknown): string {
	return (error as Error)?.message ?? String(error);
}

/**
 * What happens to secret chats (handshakes, encrypted messages) happens once per account: the
 * chat state and its sequence numbers live in the account's secret-chat store. The events go to
 * every trigger listening now.
 */
async function applyToAccount(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
	hub: Hub,
	update: Api.TypeUpdate,
) {
	const options = { node, doing: 'answering a secret chat update' };
	const encrypted = update instanceof session.gram.Api.UpdateNewEncryptedMessage;
	// Incoming encrypted messages are read only where a trigger listens: read elsewhere (a node's
	// client, another worker) they would be used up unseen. The trigger fetches what it missed.
	if (encrypted && hub.subscriptions.size === 0) return;
	// Without a storage secret this account does not do secret chats: their updates are not ours.
	if (!usesSecretChats(account)) return;
	const events: TelegramUpdateEvent[] = await (
		encrypted
			? applyForListeners(session, account, hub, update, options)
			: handleSecretUpdate(session, account, update, options)
	).catch((error: unknown) => {
		reportError(hub, error);
		return [];
	});
	for (const event of [...events]) {
		if (
			event.event !== 'secretChatRequested' ||
			![...hub.subscriptions].some((s) => s.subscriber.autoAccept)
		)
			continue;
		const accepted = await acceptSecretChat(session, account, event.state.chatId, options).then(
			(state): TelegramUpdateEvent => ({ event: 'secretChatAccepted', state }),
			(error: unknown) => {
				reportError(hub, error);
				return undefined;
			},
		);
		if (accepted) events.push(accepted);
	}
	emitToAll(hub, events);
	if (encrypted && update.qts > 0)
		await recordAppliedQts(session, account, update.qts, options).catch((error: unknown) =>
			reportError(hub, error),
		);
}

function emitToAll(hub: Hub, events: TelegramUpdateEvent[]) {
	for (const event of events)
		for (const { subscriber } of hub.subscriptions) subscriber.onEvent(event);
}

/**
 * An encrypted message for the listening triggers. What a sending node read before (its chat's
 * inbox, secret/inbox.ts) is emitted first, so the chat's messages come out in order; a message
 * that node already applied is emitted from that inbox, not twice.
 */
async function applyForListeners(
	session: TelegramSession,
	account: TelegramAccount,
	hub: Hub,
	update: Api.UpdateNewEncryptedMessage,
	options: CallOptions,
): Promise<TelegramUpdateEvent[]> {
	const store = await secretChatsOf(session, account);
	const chatId = update.message.chatId;
	for (;;) {
		const outcome = await applyEncryptedMessage(
			session,
			store,
			update.message,
			update.qts,
			options,
			'emit',
		);
		if (outcome.kind === 'applied') return outcome.events;
		await drainInbox(session, store, [chatId], (events) => emitToAll(hub, events), options);
		if (outcome.kind !== 'inbox-first') return [];
	}
}

/** A trigger's catch-up, then what sending nodes kept in the chats' inboxes. */
async function catchUpAndDrain(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
	hub: Hub,
	tracker: UpdateTracker,
) {
	await tracker.catchUp();
	await drainInboxes(session, account, node, hub);
}

/** Emits what sending nodes kept in the chats' inboxes (after a catch-up: anything it applied came after). */
async function drainInboxes(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
	hub: Hub,
) {
	if (!usesSecretChats(account) || hub.subscriptions.size === 0) return;
	await drainInbox(
		session,
		await secretChatsOf(session, account),
		'all',
		(events) => emitToAll(hub, events),
		{ node, doing: 'emitting secret chat messages read while sending' },
	);
}

/** A pushed update: the account's part once, then each trigger's own pts bookkeeping (which emits its messages). */
async function apply(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
	hub: Hub,
	update: Api.TypeUpdate,
) {
	await applyToAccount(session, account, node, hub, update);
	for (const { scheduledSends } of hub.subscriptions)
		noteScheduledSent(session, scheduledSends, update);
	for (const { subscriber, tracker } of hub.subscriptions) {
		await tracker
			.live(update)
			.catch((error: unknown) =>
				subscriber.onWarning(
					`catching up after a gap in the updates failed, retrying within a minute: ${describe(error)}`,
				),
			);
	}
}

export function usesSecretChats(account: TelegramAccount): boolean {
	return account.secretStore.secret !== '';
}

function reportError(hub: Hub, error: unknown) {
	for (const { subscriber } of hub.subscriptions) subscriber.onError(error);
}

/** gramjs tells its handlers about its connection with an object that is no TL type. */
function isReconnected(update: unknown): boolean {
	const fields = update as { className?: unknown; state?: unknown } | undefined;
	return (
		fields !== undefined &&
		fields !== null &&
		typeof fields.className !== 'string' &&
		fields.state === 1
	);
}

/** A catch-up for each listening trigger: after a reconnect, updates pushed meanwhile reached no one. */
function catchUpAll(session: TelegramSession, account: TelegramAccount, node: INode, hub: Hub) {
	for (const { subscriber, tracker } of hub.subscriptions) {
		enqueue(hub, async () => await catchUpAndDrain(session, account, node, hub, tracker)).catch(
			(error: unknown) =>
				subscriber.onWarning(
					`catching up after a reconnect failed, retrying within a minute: ${describe(error)}`,
				),
		);
	}
}

/** Makes sure this client's updates reach the secret-chat store and the triggers (idempotent per client). */
export function listenForUpdates(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
): Hub {
	const client = session.client as object;
	let hub = hubs.get(client);
	if (hub) return hub;
	const created: Hub = { subscriptions: new Set(), queue: Promise.resolve() };
	hubs.set(client, created);
	const take = (update: Api.TypeUpdate) =>
		void enqueue(created, async () => await apply(session, account, node, created, update)).catch(
			() => undefined,
		);
	session.client.addEventHandler((update: Api.TypeUpdate) => {
		if (isReconnected(update)) return catchUpAll(session, account, node, created);
		take(update);
	}, new session.gram.Raw({}));
	onAnswerUpdates(session.client, (answer) => {
		const { updates, users, chats } = answer as Api.Updates | Api.UpdatesCombined;
		// As gramjs does for pushed updates: the users and chats that came along, by peer id.
		const entities = new Map<string, unknown>(
			[...users, ...chats].map((entity) => [session.gram.utils.getPeerId(entity), entity]),
		);
		for (const update of updates) {
			Object.assign(update, { _entities: entities });
			take(update);
		}
	});
	hub = created;
	return hub;
}

/** updateDeleteScheduledMessages with sent_messages: which scheduled ids went out as which messages. */
function noteScheduledSent(
	session: TelegramSession,
	scheduledSends: ScheduledSendPairing,
	update: unknown,
) {
	if (!(update instanceof session.gram.Api.UpdateDeleteScheduledMessages)) return;
	if (update.sentMessages?.length)
		scheduledSends.sent(markedPeerId(update.peer), update.messages, update.sentMessages);
}

function trackerSink(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
	hub: Hub,
	subscriber: UpdateSubscriber,
	scheduledSends: ScheduledSendPairing,
): TrackerSink {
	return {
		onMessage: (message) => {
			const record = toMessageRecord(message, false);
			if (message.fromScheduled) scheduledSends.message(record);
			subscriber.onEvent({
				event: 'message',
				message: record,
				outgoing: message.out === true,
				file: messageFileOf(session, message, node),
			});
		},
		onBoxUpdate: (update) => {
			const change = messageChangeOf(session.gram, update);
			if (change) subscriber.onEvent(change);
		},
		onAccountUpdate: async (update) => {
			noteScheduledSent(session, scheduledSends, update);
			await applyToAccount(session, account, node, hub, update);
		},
		appliedQts: async () =>
			usesSecretChats(account) ? await appliedQts(session, account) : undefined,
		recordQts: async (qts) => {
			if (usesSecretChats(account))
				await recordAppliedQts(session, account, qts, {
					node,
					doing: 'answering a secret chat update',
				});
		},
		onWarning: (message) => subscriber.onWarning(message),
	};
}

/** How one connected stretch of a subscription ended. */
type StretchEnd = { kind: 'stopped' } | { kind: 'dead'; reason: string };

/**
 * One connection's worth of listening: subscribe on the account's client, catch up from the
 * saved state (what was missed while disconnected is emitted here, once), then keep the
 * connection alive until it is found dead or the trigger stops. A dead client is dropped from
 * the pool, so the next stretch (and any node run) connects afresh.
 */
async function listenOneStretch(
	account: TelegramAccount,
	node: INode,
	subscriber: UpdateSubscriber,
	scheduledSends: ScheduledSendPairing,
	stopped: Promise<void>,
	onCaughtUp: () => void,
): Promise<StretchEnd> {
	return await withTelegram(
		account,
		async (session) => {
			const hub = listenForUpdates(session, account, node);
			const subscription: Subscription = {
				subscriber,
				tracker: new UpdateTracker(
					session,
					node,
					subscriber.state,
					trackerSink(session, account, node, hub, subscriber, scheduledSends),
				),
				scheduledSends,
			};
			hub.subscriptions.add(subscription);
			let periodic: NodeJS.Timeout | undefined;
			let watch: ReturnType<typeof watchConnection> | undefined;
			let end: StretchEnd = { kind: 'stopped' };
			try {
				// Now, before anything pushed meanwhile (which waits in the queue behind it).
				const catchUp = async () =>
					await catchUpAndDrain(session, account, node, hub, subscription.tracker);
				await enqueue(hub, catchUp);
				onCaughtUp();
				// Then now and then, for what a silent connection missed (a failure is retried a minute later, so only logged).
				periodic = setInterval(() => {
					enqueue(hub, catchUp).catch((error: unknown) =>
						subscriber.onWarning(
							`catching up on missed updates failed, retrying in a minute: ${describe(error)}`,
						),
					);
				}, CATCH_UP_EVERY_MS);
				watch = watchConnection(session);
				end = await Promise.race([
					stopped.then((): StretchEnd => ({ kind: 'stopped' })),
					watch.dead.then((reason): StretchEnd => ({ kind: 'dead', reason })),
				]);
				if (end.kind === 'dead') session.discard();
				return end;
			} finally {
				clearInterval(periodic);
				watch?.stop();
				hub.subscriptions.delete(subscription);
				// Deactivation ends when the updates already taken are applied and saved; a dead
				// connection's queue may wait on calls that never get an answer.
				if (end.kind === 'stopped') await hub.queue;
			}
		},
		// The trigger's connection stays in this process (queue mode: never handed to a worker).
		{ keepsConnection: true },
	);
}

/**
 * Keeps the account connected and passes its updates to `subscriber` until the returned
 * function is called (the trigger's close). One connection per account, however many triggers.
 * Resolves once the subscriber has caught up with what it missed since its saved state (the
 * first time: once it knows where Telegram stands); that first connection failing rejects.
 * Later, a connection found dead (keepAlive.ts) is replaced, with growing waits between
 * attempts; after `outageAfterFailures` failures in a row the outage goes to `onOutage` once,
 * and the attempts go on until the connection is back or the trigger stops.
 */
export async function subscribeToUpdates(
	account: TelegramAccount,
	node: INode,
	subscriber: UpdateSubscriber,
): Promise<() => Promise<void>> {
	let stop!: () => void;
	const stopped = new Promise<void>((resolve) => (stop = resolve));
	let isStopped = false;
	void stopped.then(() => (isStopped = true));
	let caughtUp!: () => void;
	const firstCatchUp = new Promise<void>((resolve) => (caughtUp = resolve));

	const scheduledSends = new ScheduledSendPairing((event) => subscriber.onEvent(event));
	const first = listenOneStretch(account, node, subscriber, scheduledSends, stopped, caughtUp);
	await Promise.race([firstCatchUp, first]);
	const running = (async () => {
		let end = await first;
		let failures = 0;
		let lastError: unknown;
		while (end.kind === 'dead' && !isStopped) {
			const timings = keepAliveTimings;
			if (failures === 0)
				subscriber.onWarning(`the connection to Telegram was lost (${end.reason}); reconnecting`);
			await pause(reconnectDelayMs(failures, timings), stopped);
			if (isStopped) return;
			let connected = false;
			const attempt = await settle(
				listenOneStretch(account, node, subscriber, scheduledSends, stopped, () => {
					connected = true;
					if (failures >= timings.outageAfterFailures)
						subscriber.onWarning(`connected to Telegram again after ${failures} failed attempts`);
					failures = 0;
				}),
			);
			if (attempt.ok) {
				end = attempt.value;
				continue;
			}
			if (connected) failures = 0;
			failures++;
			lastError = attempt.error;
			end = { kind: 'dead', reason: describe(attempt.error) };
			if (failures === timings.outageAfterFailures)
				subscriber.onOutage(new TelegramOutage(failures, lastError));
		}
	})();
	running.catch((error: unknown) => subscriber.onError(error));
	return async () => {
		stop();
		await running.catch(() => undefined);
		scheduledSends.flush();
	};
}
