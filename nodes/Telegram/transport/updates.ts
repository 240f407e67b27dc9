import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import type { TelegramAccount } from './account';
import { withTelegram, type TelegramSession } from './pool';
import { toMessageRecord, type MessageRecord } from './records';
import {
	acceptSecretChat,
	appliedQts,
	handleSecretUpdate,
	recordAppliedQts,
	type SecretChatEvent,
} from './secret/secretChats';
import { UpdateTracker, type TrackerSink, type UpdateStateStore } from './updateState';

/**
 * One listener per connected client: every update Telegram pushes is applied once to the
 * account's secret chats (in arrival order, so sequence numbers are read in order) and then
 * handed to whoever subscribed (the trigger). The node's pooled client gets the same listener
 * without subscribers, so an acceptance that arrives while it is connected is not lost.
 */

export type TelegramUpdateEvent =
	| SecretChatEvent
	| { event: 'message'; message: MessageRecord; outgoing: boolean };

export interface UpdateSubscriber {
	onEvent(event: TelegramUpdateEvent): void;
	onError(error: unknown): void;
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
}

interface Hub {
	subscriptions: Set<Subscription>;
	/** Updates are applied one after another: a later message must not overtake an earlier one. */
	queue: Promise<void>;
}

const hubs = new WeakMap<object, Hub>();

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
	const events: TelegramUpdateEvent[] = await handleSecretUpdate(
		session,
		account,
		update,
		options,
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
	for (const event of events)
		for (const { subscriber } of hub.subscriptions) subscriber.onEvent(event);
	if (encrypted && update.qts > 0)
		await recordAppliedQts(session, account, update.qts).catch((error: unknown) =>
			reportError(hub, error),
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
function catchUpAll(hub: Hub) {
	for (const { subscriber, tracker } of hub.subscriptions) {
		enqueue(hub, async () => await tracker.catchUp()).catch((error: unknown) =>
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
	session.client.addEventHandler((update: Api.TypeUpdate) => {
		if (isReconnected(update)) return catchUpAll(created);
		void enqueue(created, async () => await apply(session, account, node, created, update)).catch(
			() => undefined,
		);
	}, new session.gram.Raw({}));
	hub = created;
	return hub;
}

function trackerSink(
	session: TelegramSession,
	account: TelegramAccount,
	node: INode,
	hub: Hub,
	subscriber: UpdateSubscriber,
): TrackerSink {
	return {
		onMessage: (message) =>
			subscriber.onEvent({
				event: 'message',
				message: toMessageRecord(message, false),
				outgoing: message.out === true,
			}),
		onAccountUpdate: async (update) => await applyToAccount(session, account, node, hub, update),
		appliedQts: async () =>
			usesSecretChats(account) ? await appliedQts(session, account) : undefined,
		recordQts: async (qts) => {
			if (usesSecretChats(account)) await recordAppliedQts(session, account, qts);
		},
		onWarning: (message) => subscriber.onWarning(message),
	};
}

/**
 * Keeps the account connected and passes its updates to `subscriber` until the returned
 * function is called (the trigger's close). One connection per account, however many triggers.
 * Resolves once the subscriber has caught up with what it missed since its saved state (the
 * first time: once it knows where Telegram stands).
 */
export async function subscribeToUpdates(
	account: TelegramAccount,
	node: INode,
	subscriber: UpdateSubscriber,
): Promise<() => Promise<void>> {
	let stop!: () => void;
	const stopped = new Promise<void>((resolve) => (stop = resolve));
	let caughtUp!: Promise<void>;
	let subscribed!: () => void;
	const ready = new Promise<void>((resolve) => (subscribed = resolve));
	const running = withTelegram(
		account,
		async (session) => {
			const hub = listenForUpdates(session, account, node);
			const subscription: Subscription = {
				subscriber,
				tracker: new UpdateTracker(
					session,
					node,
					subscriber.state,
					trackerSink(session, account, node, hub, subscriber),
				),
			};
			hub.subscriptions.add(subscription);
			// Now, before anything pushed meanwhile (which waits in the queue behind it).
			caughtUp = enqueue(hub, async () => await subscription.tracker.catchUp());
			subscribed();
			// Then now and then, for what a silent connection missed (a failure is retried a minute later, so only logged).
			const periodic = setInterval(() => {
				enqueue(hub, async () => await subscription.tracker.catchUp()).catch((error: unknown) =>
					subscriber.onWarning(
						`catching up on missed updates failed, retrying in a minute: ${describe(error)}`,
					),
				);
			}, CATCH_UP_EVERY_MS);
			try {
				await caughtUp;
				await stopped;
			} finally {
				clearInterval(periodic);
				hub.subscriptions.delete(subscription);
				// Deactivation ends when the updates already taken are applied and saved.
				await hub.queue;
			}
		},
		{ keepsConnection: true },
	);
	await Promise.race([ready, running]);
	await Promise.race([caughtUp, running]);
	running.catch((error: unknown) => subscriber.onError(error));
	return async () => {
		stop();
		await running.catch(() => undefined);
	};
}
