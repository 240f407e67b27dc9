import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import type { TelegramAccount } from './account';
import { withTelegram, type TelegramSession } from './pool';
import { toMessageRecord, type MessageRecord } from './records';
import { call } from './call';
import { acceptSecretChat, appliedQts, handleSecretUpdate, recordAppliedQts, type SecretChatEvent } from './secret/secretChats';

/**
 * One listener per connected client: every update Telegram pushes is applied once to the
 * account's secret chats (in arrival order, so sequence numbers are read in order) and then
 * handed to whoever subscribed (the trigger). The node's pooled client gets the same listener
 * without subscribers, so an acceptance that arrives while it is connected is not lost.
 */

export type TelegramUpdateEvent = SecretChatEvent | { event: 'message'; message: MessageRecord; outgoing: boolean };

export interface UpdateSubscriber {
	onEvent(event: TelegramUpdateEvent): void;
	onError(error: unknown): void;
	/** Something worth a log line that need not stop the workflow (a periodic catch-up that failed). */
	onWarning(message: string): void;
	/** Accept secret chat requests as they arrive. */
	autoAccept: boolean;
}

interface Hub {
	subscribers: Set<UpdateSubscriber>;
	/** Updates are applied one after another: a later message must not overtake an earlier one. */
	queue: Promise<void>;
}

const hubs = new WeakMap<object, Hub>();

function messageEvent(gram: TelegramSession['gram'], update: unknown): TelegramUpdateEvent | undefined {
	const { Api } = gram;
	if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
		const message = update.message;
		if (!(message instanceof Api.Message)) return undefined;
		return { event: 'message', message: toMessageRecord(message, false), outgoing: message.out === true };
	}
	if (update instanceof Api.UpdateShortMessage) {
		const message = new Api.Message({
			id: update.id,
			peerId: new Api.PeerUser({ userId: update.userId }),
			date: update.date,
			message: update.message,
			out: update.out,
			silent: update.silent,
		});
		return { event: 'message', message: toMessageRecord(message, false), outgoing: update.out === true };
	}
	return undefined;
}

/** How often a listening trigger asks for what it may have missed (e.g. during a reconnect). */
export const CATCH_UP_EVERY_MS = 60_000;
/** How many getDifference rounds one catch-up may take (each returns up to Telegram's page). */
const CATCH_UP_ROUNDS = 20;

async function apply(session: TelegramSession, account: TelegramAccount, node: INode, hub: Hub, update: Api.TypeUpdate) {
	const options = { node, doing: 'answering a secret chat update' };
	const encrypted = update instanceof session.gram.Api.UpdateNewEncryptedMessage;
	// Incoming encrypted messages are read only where a trigger listens: read elsewhere (a node's
	// client, another worker) they would be used up unseen. The trigger fetches what it missed.
	if (encrypted && hub.subscribers.size === 0) return;
	const events: TelegramUpdateEvent[] = [];
	const cloudMessage = messageEvent(session.gram, update);
	if (cloudMessage) events.push(cloudMessage);
	// Without a storage secret this account does not do secret chats: their updates are not ours.
	const secret = !usesSecretChats(account) ? [] : await handleSecretUpdate(session, account, update, options).catch((error: unknown) => {
		reportError(hub, error);
		return [];
	});
	events.push(...secret);
	for (const event of secret) {
		if (event.event !== 'secretChatRequested' || ![...hub.subscribers].some((s) => s.autoAccept)) continue;
		const accepted = await acceptSecretChat(session, account, event.state.chatId, options).then(
			(state): TelegramUpdateEvent => ({ event: 'secretChatAccepted', state }),
			(error: unknown) => {
				reportError(hub, error);
				return undefined;
			},
		);
		if (accepted) events.push(accepted);
	}
	for (const event of events) for (const subscriber of hub.subscribers) subscriber.onEvent(event);
	if (encrypted && update.qts > 0) await recordAppliedQts(session, account, update.qts).catch((error: unknown) => reportError(hub, error));
}

export function usesSecretChats(account: TelegramAccount): boolean {
	return account.secretStore.secret !== '';
}

function reportError(hub: Hub, error: unknown) {
	for (const subscriber of hub.subscribers) subscriber.onError(error);
}

/**
 * Reads the encrypted messages that arrived while no trigger listened (updates.getDifference
 * from the last qts applied). Replays are harmless: each message's sequence number is checked.
 */
async function catchUp(session: TelegramSession, account: TelegramAccount, node: INode, hub: Hub) {
	const { Api } = session.gram;
	const options = { node, doing: 'fetching secret chat messages received while no trigger listened' };
	// Telegram pushes updates to a session once it has asked for the update state.
	const state = await call(session, new Api.updates.GetState(), options);
	if (!usesSecretChats(account)) return;
	let from = await appliedQts(session, account);
	for (let round = 0; round < CATCH_UP_ROUNDS && from < state.qts; round++) {
		const difference = await call(session, new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: from }), options);
		if (!(difference instanceof Api.updates.Difference || difference instanceof Api.updates.DifferenceSlice)) return;
		for (const message of difference.newEncryptedMessages) await apply(session, account, node, hub, new Api.UpdateNewEncryptedMessage({ message, qts: 0 }));
		for (const other of difference.otherUpdates) await apply(session, account, node, hub, other);
		const reached = difference instanceof Api.updates.Difference ? difference.state : difference.intermediateState;
		if (reached.qts <= from) return;
		from = reached.qts;
		await recordAppliedQts(session, account, from);
		if (difference instanceof Api.updates.Difference) return;
	}
}

/** Makes sure this client's updates reach the secret-chat store (idempotent per client). */
export function listenForUpdates(session: TelegramSession, account: TelegramAccount, node: INode): Hub {
	const client = session.client as object;
	let hub = hubs.get(client);
	if (hub) return hub;
	const created: Hub = { subscribers: new Set(), queue: Promise.resolve() };
	hubs.set(client, created);
	session.client.addEventHandler((update: Api.TypeUpdate) => {
		created.queue = created.queue.then(async () => await apply(session, account, node, created, update)).catch(() => undefined);
	}, new session.gram.Raw({}));
	hub = created;
	return hub;
}

/**
 * Keeps the account connected and passes its updates to `subscriber` until the returned
 * function is called (the trigger's close). One connection per account, however many triggers.
 */
export async function subscribeToUpdates(account: TelegramAccount, node: INode, subscriber: UpdateSubscriber): Promise<() => Promise<void>> {
	let stop!: () => void;
	const stopped = new Promise<void>((resolve) => (stop = resolve));
	let subscribed!: () => void;
	const ready = new Promise<void>((resolve) => (subscribed = resolve));
	const running = withTelegram(account, async (session) => {
		const hub = listenForUpdates(session, account, node);
		hub.subscribers.add(subscriber);
		subscribed();
		const queueCatchUp = (onFailure: (error: unknown) => void) => {
			hub.queue = hub.queue.then(async () => await catchUp(session, account, node, hub)).catch(onFailure);
		};
		// Now, before anything pushed meanwhile; then now and then, for what a reconnect missed
		// (a failure then is retried a minute later, so it is only logged).
		queueCatchUp((error) => subscriber.onError(error));
		const periodic = setInterval(() => queueCatchUp((error) => subscriber.onWarning(`catching up on secret chat messages failed, retrying in a minute: ${(error as Error)?.message ?? String(error)}`)), CATCH_UP_EVERY_MS);
		try {
			await stopped;
		} finally {
			clearInterval(periodic);
			hub.subscribers.delete(subscriber);
			// Deactivation ends when the updates already taken are applied and saved.
			await hub.queue;
		}
	});
	await Promise.race([ready, running]);
	running.catch((error: unknown) => subscriber.onError(error));
	return async () => {
		stop();
		await running.catch(() => undefined);
	};
}
