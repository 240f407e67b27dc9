import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The in-process half of a chat's lock: callers in this process queue here (first come, first
 * served) before one of them takes the cross-process lock, so they neither poll a file or Redis
 * against each other nor hold two leases for the same chat.
 */

type Waiter = () => void;

/** A key is present while someone holds it; its array lists who waits next. */
const queues = new Map<string, Waiter[]>();
/** The chat keys held by the async call chain we are in: an update inside its own update would wait for itself. */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

export class ChatLockTimeout extends Error {}

/** Resolves with a release function once `key` is ours; rejects after `waitMs` in the queue. */
export function acquireChatLock(key: string, waitMs: number): Promise<() => void> {
	const waiters = queues.get(key);
	if (!waiters) {
		queues.set(key, []);
		return Promise.resolve(releaserFor(key));
	}
	return new Promise((resolve, reject) => {
		const waiter: Waiter = () => {
			clearTimeout(timer);
			resolve(releaserFor(key));
		};
		const timer = setTimeout(() => {
			const index = waiters.indexOf(waiter);
			if (index >= 0) waiters.splice(index, 1);
			reject(new ChatLockTimeout(`waited ${waitMs} ms`));
		}, waitMs);
		waiters.push(waiter);
	});
}

function releaserFor(key: string): () => void {
	let released = false;
	return () => {
		if (released) return;
		released = true;
		const next = queues.get(key)?.shift();
		// Handing over directly keeps the key held, so nobody arriving now can jump the queue.
		if (next) next();
		else queues.delete(key);
	};
}

export function holdsChatLock(key: string): boolean {
	return heldHere.getStore()?.has(key) ?? false;
}

/** Runs `body` marked as holding `key`, for holdsChatLock. */
export function runHoldingChatLock<T>(key: string, body: () => Promise<T>): Promise<T> {
	const held = new Set(heldHere.getStore() ?? []);
	held.add(key);
	return heldHere.run(held, body);
}
