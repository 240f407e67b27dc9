/** One chat's state: JSON-like (bigints and Buffers allowed); the store does not look inside. */
export interface StoredChat {
	chatId: number;
	[field: string]: unknown;
}

export interface SecretChatStore<S extends StoredChat = StoredChat> {
	/**
	 * Exclusive access to one chat (in-process and across processes) for the whole callback; saves
	 * `next` unless 'unchanged' (or the very object last passed to `save`). `save` makes a state
	 * durable before the callback goes on, e.g. before sending what it sealed. `current` must not
	 * be changed in place: build the next state as a new object.
	 */
	update<T>(
		chatId: number,
		change: (
			current: S | undefined,
			save: (next: S) => Promise<void>,
		) => Promise<{ next: S | 'unchanged' | 'delete'; result: T }>,
	): Promise<T>;
	/** The last saved state, without locking (a concurrent update may be about to replace it). */
	get(chatId: number): Promise<S | undefined>;
	/** Every saved chat of the account, by chat id. */
	list(): Promise<S[]>;
	/** Waits for running calls, then lets go of files, connections and the key. */
	close(): Promise<void>;
}

export type SecretStoreConfig =
	| { kind: 'file'; folder: string; accountId: string; secret: string }
	| { kind: 'redis'; url: string; accountId: string; secret: string; keyPrefix?: string };

/** Lock timings; the defaults suit n8n, tests shorten them. */
export interface SecretStoreTimings {
	/**
	 * How long a lock outlives a holder that stopped renewing it (a crashed process or worker).
	 * Holders renew every third of it, so a live holder keeps the chat however long its update runs.
	 */
	leaseMs: number;
	/** How long update() waits for a chat another caller holds before it gives up with 'locked'. */
	lockWaitMs: number;
}

export const DEFAULT_TIMINGS: SecretStoreTimings = { leaseMs: 30_000, lockWaitMs: 120_000 };

/**
 * A chat as saved, oldest first: a sealed whole state, then the records saved after it, each a
 * whole state or a change to the one before (the store tells them apart once it opens them).
 */
export type SavedChat = Buffer[];

/** A chat's cross-process lock while held; writes and deletes go through it so they are fenced by it. */
export interface HeldChatLock {
	/** The chat as saved (read under the lock: the backend may note where its files stand). */
	read(): Promise<SavedChat | undefined>;
	/** Replaces the chat's state with a whole one, unless the lock was lost meanwhile. */
	write(blob: Buffer): Promise<void>;
	/**
	 * Saves a change to the state last read or saved, unless the lock was lost meanwhile; false
	 * (and nothing written) when the backend wants a whole state instead. Backends without it
	 * always get whole states.
	 */
	append?(change: Buffer): Promise<boolean>;
	remove(): Promise<void>;
	release(): Promise<void>;
}

/** Where sealed blobs live: a folder or Redis. Knows nothing about keys or states. */
export interface ChatBlobBackend {
	/** Names the store in messages and in-process lock keys (no credentials). */
	readonly location: string;
	/** Names one chat's blob in messages (a file path, a Redis key). */
	describeChat(chatId: number): string;
	read(chatId: number): Promise<SavedChat | undefined>;
	listChatIds(): Promise<number[]>;
	/** Takes the chat's cross-process lock, waiting until `deadline` (epoch ms). */
	lock(chatId: number, deadline: number): Promise<HeldChatLock>;
	close(): Promise<void>;
}
