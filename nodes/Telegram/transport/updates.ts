import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import type { TelegramAccount } from './account';
import { withTelegram, type TelegramSession } from './pool';
import { toMessageRecord, type MessageRecord } from './records';
import { acceptSecretChat, handleSecretUpdate, type SecretChatEvent } from './secret/secretChats';

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

async function apply(session: TelegramSession, account: TelegramAccount, node: INode, hub: Hub, update: Api.TypeUpdate) {
	const options = { node, doing: 'answering a secret chat update' };
	const events: TelegramUpdateEvent[] = [];
	const cloudMessage = messageEvent(session.gram, update);
	if (cloudMessage) events.push(cloudMessage);
	const secret = await handleSecretUpdate(session, account, update, options).catch((error: unknown) => {
		for (const subscriber of hub.subscribers) subscriber.onError(error);
		return [];
	});
	events.push(...secret);
	for (const event of secret) {
		if (event.event !== 'secretChatRequested' || ![...hub.subscribers].some((s) => s.autoAccept)) continue;
		const accepted = await acceptSecretChat(session, account, event.state.chatId, options).then(
			(state): TelegramUpdateEvent => ({ event: 'secretChatAccepted', state }),
			(error: unknown) => {
				for (const subscriber of hub.subscribers) subscriber.onError(error);
				return undefined;
			},
		);
		if (accepted) events.push(accepted);
	}
	for (const event of events) for (const subscriber of hub.subscribers) subscriber.onEvent(event);
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
		try {
			// Telegram pushes updates to a session once it has asked for the update state.
			await session.client.invoke(new session.gram.Api.updates.GetState());
			await stopped;
		} finally {
			hub.subscribers.delete(subscriber);
		}
	});
	await Promise.race([ready, running]);
	running.catch((error: unknown) => subscriber.onError(error));
	return async () => {
		stop();
		await running.catch(() => undefined);
	};
}
