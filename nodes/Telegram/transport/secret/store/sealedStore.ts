import { acquireChatLock, ChatLockTimeout, holdsChatLock, runHoldingChatLock } from './chatLock';
import { SecretStoreError } from './errors';
import { chatBinding, openBlob, sealBlob } from './sealing';
import { decodeState, encodeState } from './stateCodec';
import type { ChatBlobBackend, SecretChatStore, SecretStoreTimings, StoredChat } from './types';

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

	async function readChat(chatId: number): Promise<S | undefined> {
		const blob = await backend.read(chatId);
		if (blob === undefined) return undefined;
		const plaintext = openBlob(key, blob, chatBinding(accountId, chatId));
		// The store's check value already proved the secret, so this is damage or a copied blob.
		if (!plaintext)
			return Promise.reject(
				damaged(
					chatId,
					'the storage secret is right, so the saved state is damaged or was copied from another chat or account.',
				),
			);
		let state: unknown;
		try {
			state = decodeState(plaintext);
		} catch {
			state = undefined;
		} finally {
			plaintext.fill(0);
		}
		const chat = state as S | undefined;
		if (chat === null || typeof chat !== 'object' || chat.chatId !== chatId) {
			throw damaged(chatId, "it decrypts but does not hold this chat's state.");
		}
		return chat;
	}

	function sealChat(chatId: number, next: S): Buffer {
		if (next === null || typeof next !== 'object' || next.chatId !== chatId) {
			throw new SecretStoreError(
				`The new state of secret chat ${chatId} must be an object whose chatId is ${chatId}; nothing was saved.`,
				'invalid',
				chatId,
			);
		}
		let plaintext: Buffer | undefined;
		try {
			plaintext = encodeState(next);
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
					const held = await backend.lock(chatId, deadline);
					try {
						const current = await readChat(chatId);
						const { next, result } = await runHoldingChatLock(lockKey, () => change(current));
						if (next === 'delete') await held.remove();
						else if (next !== 'unchanged') await held.write(sealChat(chatId, next));
						return result;
					} finally {
						// A lock we fail to release expires with its lease; the outcome above matters more.
						await held.release().catch(() => undefined);
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
			key.fill(0);
			await backend.close();
		},
	};
}
