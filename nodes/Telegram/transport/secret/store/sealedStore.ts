import { acquireChatLock, ChatLockTimeout, holdsChatLock, runHoldingChatLock } from './chatLock';
import { SecretStoreError } from './errors';
import { chatBinding, openBlob, sealBlob } from './sealing';
import { decodeState, encodeState } from './stateCodec';
import { applyStateChange, DELTA_TAG, isStateChange, stateChange } from './stateDelta';
import type {
	ChatBlobBackend,
	HeldChatLock,
	SavedChat,
	SecretChatStore,
	SecretStoreTimings,
	StoredChat,
} from './types';

/** How long a chat's lock is kept after an update for the next one (a node sending item after item). */
const LINGER_MS = 20;
/** How long it is kept so in a row at most before it is let go. */
const MAX_PARKED_MS = 1_000;

/** SecretChatStore over any blob backend: sealing, the per-chat lock and the checks live here once. */
export function sealedChatStore<S extends StoredChat>(
	backend: ChatBlobBackend,
	key: Buffer,
	accountId: string,
	timings: SecretStoreTimings,
): SecretChatStore<S> {
	const running = new Set<Promise<unknown>>();
	let closed = false;

	function track<T>(work: () => Promise<T>): Promise<T> {
		if (closed)
			return Promise.reject(
				new SecretStoreError(`The secret-chat store (${backend.location}) is closed.`, 'invalid'),
			);
		const promise = work();
		running.add(promise);
		const forget = () => running.delete(promise);
		promise.then(forget, forget);
		return promise;
	}

	function checkChatId(chatId: number) {
		if (!Number.isSafeInteger(chatId))
			throw new SecretStoreError(
				`A secret chat id must be an integer, not ${String(chatId)}.`,
				'invalid',
			);
	}

	function damaged(chatId: number, why: string): SecretStoreError {
		return new SecretStoreError(
			`Secret chat ${chatId} of account "${accountId}" cannot be opened (${backend.describeChat(chatId)}): ${why} Nothing was reset. Restore it from a backup; if it is lost, remove it to give the chat up (a chat cannot be recovered without its saved key).`,
			'damaged',
			chatId,
		);
	}

	function openRecord(chatId: number, blob: Buffer): Buffer {
		const plaintext = openBlob(key, blob, chatBinding(accountId, chatId));
		// The store's check value already proved the secret, so this is damage or a copied blob.
		if (!plaintext)
			throw damaged(
				chatId,
				'the storage secret is right, so the saved state is damaged or was copied from another chat or account.',
			);
		return plaintext;
	}

	function decodeRecord(plaintext: Buffer): unknown {
		try {
			return decodeState(plaintext);
		} catch {
			return undefined;
		} finally {
			plaintext.fill(0);
		}
	}

	/** The state a saved chat adds up to: its last whole state with the changes after it applied. */
	function stateOf(chatId: number, saved: SavedChat): S {
		const plaintexts = saved.map((blob) => openRecord(chatId, blob));
		const changeStart = Buffer.from(`{"${DELTA_TAG}":`, 'utf8');
		const isChange = (plaintext: Buffer) =>
			plaintext.subarray(0, changeStart.length).equals(changeStart);
		let whole = plaintexts.length - 1;
		while (whole > 0 && isChange(plaintexts[whole])) whole--;
		let state: unknown;
		try {
			for (const plaintext of plaintexts.slice(0, whole)) plaintext.fill(0);
			state = decodeRecord(plaintexts[whole]);
			if (isStateChange(state)) state = undefined;
			for (const plaintext of plaintexts.slice(whole + 1)) {
				const change = decodeRecord(plaintext);
				state = isStateChange(change) ? applyStateChange(state, change) : undefined;
			}
		} catch {
			state = undefined;
		}
		const chat = state as S | undefined;
		if (chat === null || typeof chat !== 'object' || chat.chatId !== chatId) {
			throw damaged(chatId, "it decrypts but does not hold this chat's state.");
		}
		return chat;
	}

	async function readChat(
		chatId: number,
		read: () => Promise<SavedChat | undefined> = () => backend.read(chatId),
	): Promise<S | undefined> {
		const saved = await read();
		if (saved === undefined || saved.length === 0) return undefined;
		return stateOf(chatId, saved);
	}

	function checkNextState(chatId: number, next: S) {
		if (
			next === null ||
			typeof next !== 'object' ||
			next.chatId !== chatId ||
			Object.hasOwn(next, DELTA_TAG)
		) {
			throw new SecretStoreError(
				`The new state of secret chat ${chatId} must be an object whose chatId is ${chatId} (and no "${DELTA_TAG}" key); nothing was saved.`,
				'invalid',
				chatId,
			);
		}
	}

	/** A whole state or a change, encoded and sealed for this chat. */
	function seal(chatId: number, value: object): Buffer {
		let plaintext: Buffer | undefined;
		try {
			plaintext = encodeState(value);
		} catch {
			plaintext = undefined;
		}
		if (!plaintext) {
			throw new SecretStoreError(
				`The new state of secret chat ${chatId} cannot be saved (it holds a cycle, a function or a symbol); nothing was saved.`,
				'invalid',
				chatId,
			);
		}
		try {
			return sealBlob(key, plaintext, chatBinding(accountId, chatId));
		} finally {
			plaintext.fill(0);
		}
	}

	/**
	 * Makes `next` the chat's saved state: only what changed since the state saved last, when the
	 * backend takes changes and that state is surely the one on disk; else the whole state.
	 */
	async function saveState(chatId: number, chat: HeldChat, next: S): Promise<void> {
		checkNextState(chatId, next);
		const wasOnDisk = chat.onDisk;
		// Until this save succeeds, the disk may or may not hold it: later changes must not build on it.
		chat.onDisk = false;
		if (chat.held.append && wasOnDisk && chat.state !== undefined) {
			const change = stateChange(chat.state, next);
			if (change === 'none' || (await chat.held.append(seal(chatId, change)))) {
				chat.state = next;
				chat.onDisk = true;
				return;
			}
		}
		await chat.held.write(seal(chatId, next));
		chat.state = next;
		chat.onDisk = true;
	}

	/**
	 * A chat whose cross-process lock this store still holds after an update, with the state it
	 * saved: the next update of the chat in this process, if it comes within LINGER_MS, neither
	 * locks nor reads again (nobody else can have written while we held the lock). Held for at
	 * most MAX_PARKED_MS in a row, so other processes and workers get their turn.
	 */
	interface HeldChat {
		held: HeldChatLock;
		state: S | undefined;
		/** Whether `state` is known to be what the backend holds (false after a failed write). */
		onDisk: boolean;
		since: number;
		timer?: NodeJS.Timeout;
	}
	const parked = new Map<number, HeldChat>();
	const lingerMs = Math.min(LINGER_MS, timings.leaseMs / 10);
	const maxParkedMs = Math.min(MAX_PARKED_MS, timings.leaseMs / 3);

	async function lockAndRead(chatId: number, deadline: number): Promise<HeldChat> {
		const held = await backend.lock(chatId, deadline);
		let read = false;
		try {
			const state = await readChat(chatId, () => held.read());
			read = true;
			return { held, state, onDisk: true, since: Date.now() };
		} finally {
			if (!read) await held.release().catch(() => undefined);
		}
	}

	function park(chatId: number, chat: HeldChat) {
		chat.timer = setTimeout(() => {
			if (parked.get(chatId) !== chat) return;
			parked.delete(chatId);
			chat.held.release().catch(() => undefined);
		}, lingerMs);
		// A parked lock must not keep a finished process alive; a lock left by an exited process on this machine is taken over at once.
		chat.timer.unref();
		parked.set(chatId, chat);
	}

	/** The chat as the last update left it, if this store still holds its lock and may keep it. */
	async function unpark(chatId: number): Promise<HeldChat | undefined> {
		const chat = parked.get(chatId);
		if (!chat) return undefined;
		parked.delete(chatId);
		clearTimeout(chat.timer);
		if (Date.now() - chat.since < maxParkedMs) return chat;
		await chat.held.release().catch(() => undefined);
		return undefined;
	}

	function lockedError(chatId: number): SecretStoreError {
		return new SecretStoreError(
			`Secret chat ${chatId} of account "${accountId}" stayed locked by another run in this process for ${timings.lockWaitMs} ms; nothing was sent or saved. Try again when the other run is done.`,
			'locked',
			chatId,
		);
	}

	return {
		update(chatId, change) {
			return track(async () => {
				checkChatId(chatId);
				const lockKey = `${backend.location}#${chatId}`;
				if (holdsChatLock(lockKey)) {
					throw new SecretStoreError(
						`update() of secret chat ${chatId} was called inside its own update(); it would wait for itself forever.`,
						'invalid',
						chatId,
					);
				}
				const deadline = Date.now() + timings.lockWaitMs;
				const releaseHere = await acquireChatLock(lockKey, timings.lockWaitMs).catch(
					(error: unknown) => {
						throw error instanceof ChatLockTimeout ? lockedError(chatId) : error;
					},
				);
				try {
					const chat = (await unpark(chatId)) ?? (await lockAndRead(chatId, deadline));
					let keep = false;
					try {
						const save = (next: S) => saveState(chatId, chat, next);
						const { next, result } = await runHoldingChatLock(lockKey, () =>
							change(chat.state, save),
						);
						if (next === 'delete') {
							await chat.held.remove();
							chat.state = undefined;
						} else if (next !== 'unchanged' && next !== chat.state) await save(next);
						keep = true;
						return result;
					} finally {
						// A failed callback may have left its state half-changed in memory: read it again next time.
						if (keep && !closed) park(chatId, chat);
						// A lock we fail to release expires with its lease; the outcome above matters more.
						else await chat.held.release().catch(() => undefined);
					}
				} finally {
					releaseHere();
				}
			});
		},

		get(chatId) {
			return track(async () => {
				checkChatId(chatId);
				return readChat(chatId);
			});
		},

		list() {
			return track(async () => {
				const ids = (await backend.listChatIds()).sort((a, b) => a - b);
				const chats: S[] = [];
				for (const chatId of ids) {
					const chat = await readChat(chatId);
					// Deleted between listing and reading.
					if (chat) chats.push(chat);
				}
				return chats;
			});
		},

		async close() {
			if (closed) return;
			closed = true;
			await Promise.allSettled([...running]);
			const held = [...parked.values()];
			parked.clear();
			for (const chat of held) clearTimeout(chat.timer);
			await Promise.allSettled(held.map((chat) => chat.held.release()));
			key.fill(0);
			await backend.close();
		},
	};
}
