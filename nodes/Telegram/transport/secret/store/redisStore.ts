import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { connectRedis, redactRedisUrl } from '../../../../../shared/redis';
import { SecretStoreError, unavailable } from './errors';
import { newStoreKeyFile, unlockStoreKeyFile } from './storeKey';
import type { ChatBlobBackend, HeldChatLock, SecretStoreTimings } from './types';

/**
 * The store for n8n queue mode, where several workers send to the same chat. Per account:
 * <prefix><account>:store (key file), :chats (set of chat ids), :chat:<id> (sealed blob) and
 * :lock:<id> while a chat is being changed. The lock is SET NX PX with a random token, renewed
 * every third of the lease while held and released by compare-and-delete; writes check the token
 * in the same script, so a holder whose lease ran out can never overwrite its successor.
 */

export const DEFAULT_REDIS_KEY_PREFIX = 'n8n-telegram-secret-chats:';

const WRITE_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return 1`;
const REMOVE_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 1`;
const RENEW_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;
const REPLACE_IF_SAME = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;
const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

async function connect(url: string, where: string): Promise<Redis> {
	// A URL gives a single-node client (never a cluster).
	return (await connectRedis(url).catch((error: unknown) => {
		throw unavailable(`Cannot reach Redis (${where}) for the secret-chat store`, error);
	})) as Redis;
}

export async function openRedisBackend(
	url: string,
	keyPrefix: string,
	accountId: string,
	secret: string,
	timings: SecretStoreTimings,
): Promise<{ backend: ChatBlobBackend; key: Buffer }> {
	const where = redactRedisUrl(url);
	const redis = await connect(url, where);
	const base = `${keyPrefix}${accountId}`;
	const key = await unlockOrCreateKey(redis, base, accountId, secret, where).catch(
		(error: unknown) => {
			redis.disconnect();
			throw error;
		},
	);
	return { backend: redisBackend(redis, base, where, timings), key };
}

async function unlockOrCreateKey(
	redis: Redis,
	base: string,
	accountId: string,
	secret: string,
	where: string,
): Promise<Buffer> {
	const storeKey = `${base}:store`;
	const describe = `key ${storeKey} in ${where}`;
	try {
		const existing = await redis.get(storeKey);
		if (existing !== null) {
			const unlocked = await unlockStoreKeyFile(existing, secret, accountId, describe);
			// Re-sealed at today's cost, same data key: only if nobody changed the key meanwhile.
			if (unlocked.upgraded)
				await redis
					.eval(REPLACE_IF_SAME, 1, storeKey, existing, unlocked.upgraded)
					.catch(() => undefined);
			return unlocked.key;
		}
		const saved = await redis.scard(`${base}:chats`);
		if (saved > 0) {
			throw new SecretStoreError(
				`The Redis key ${storeKey} (${where}) is missing but ${saved} secret chat(s) of account "${accountId}" are saved; without it they cannot be opened. Nothing was reset; restore the key from a backup, or delete the account's keys to start with no secret chats.`,
				'damaged',
			);
		}
		const created = await newStoreKeyFile(secret, accountId);
		if ((await redis.set(storeKey, created.text, 'NX')) === 'OK') return created.key;
		// Another worker created it first: theirs is the one.
		created.key.fill(0);
		const theirs = await redis.get(storeKey);
		if (theirs === null)
			throw new SecretStoreError(
				`The Redis key ${storeKey} (${where}) vanished while the store was opened.`,
				'unavailable',
			);
		return (await unlockStoreKeyFile(theirs, secret, accountId, describe)).key;
	} catch (error) {
		throw unavailable(`Cannot open the secret-chat store in Redis (${where})`, error);
	}
}

/** 10 ms, doubling up to 200 ms, with jitter so waiting workers do not retry in step. */
function pause(attempt: number): Promise<void> {
	const ms = Math.min(10 * 2 ** attempt, 200) * (0.5 + Math.random() / 2);
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function redisBackend(
	redis: Redis,
	base: string,
	where: string,
	timings: SecretStoreTimings,
): ChatBlobBackend {
	const chatKey = (chatId: number) => `${base}:chat:${chatId}`;
	const lockKey = (chatId: number) => `${base}:lock:${chatId}`;
	const indexKey = `${base}:chats`;
	const describeChat = (chatId: number) => `key ${chatKey(chatId)} in ${where}`;
	const failed = (what: string, chatId?: number) => (error: unknown) => {
		throw unavailable(`Redis (${where}) failed to ${what}`, error, chatId);
	};

	async function takeLock(chatId: number, deadline: number): Promise<string> {
		const token = randomBytes(16).toString('hex');
		for (let attempt = 0; ; attempt++) {
			if ((await redis.set(lockKey(chatId), token, 'PX', timings.leaseMs, 'NX')) === 'OK')
				return token;
			if (Date.now() >= deadline) {
				throw new SecretStoreError(
					`Secret chat ${chatId} (${describeChat(chatId)}) is still locked by another run or worker; nothing was sent or saved. Try again when it is done; a lock left by a crashed worker expires ${Math.round(timings.leaseMs / 1000)} s after its last renewal.`,
					'locked',
					chatId,
				);
			}
			await pause(attempt);
		}
	}

	/** A chat is one key holding its whole state (no change records). */
	async function read(chatId: number) {
		const blob = await redis
			.getBuffer(chatKey(chatId))
			.catch(failed(`read secret chat ${chatId}`, chatId));
		return blob ? [blob] : undefined;
	}

	return {
		location: `redis:${where}#${base}`,
		describeChat,
		read,

		async listChatIds() {
			const members = await redis.smembers(indexKey).catch(failed('list the secret chats'));
			return members.map(Number).filter((chatId) => Number.isSafeInteger(chatId));
		},

		async lock(chatId, deadline): Promise<HeldChatLock> {
			const token = await takeLock(chatId, deadline).catch(
				failed(`lock secret chat ${chatId}`, chatId),
			);
			let lost = false;
			let released = false;
			const renewal = setInterval(
				() => {
					if (released || lost) return;
					redis.eval(RENEW_IF_HELD, 1, lockKey(chatId), token, timings.leaseMs).then(
						(renewed) => {
							if (Number(renewed) !== 1) lost = true;
						},
						// A failed renewal is retried next time; the write's own check settles it.
						() => undefined,
					);
				},
				Math.max(1, Math.floor(timings.leaseMs / 3)),
			);
			renewal.unref();

			const lostLock = () =>
				new SecretStoreError(
					`Secret chat ${chatId} (${describeChat(chatId)}): this run's lock on it was not renewed for ${Math.round(timings.leaseMs / 1000)} s (the process stalled or Redis was unreachable) and another run may have taken it over; this change was not saved. If both runs sent messages, the chat's sequence numbers may no longer match the other side's.`,
					'lost-lock',
					chatId,
				);

			return {
				read: () => read(chatId),
				async write(blob) {
					const done = await redis
						.eval(
							WRITE_IF_HELD,
							3,
							lockKey(chatId),
							chatKey(chatId),
							indexKey,
							token,
							blob,
							String(chatId),
						)
						.catch(failed(`save secret chat ${chatId}`, chatId));
					if (Number(done) !== 1) {
						lost = true;
						throw lostLock();
					}
				},
				async remove() {
					const done = await redis
						.eval(
							REMOVE_IF_HELD,
							3,
							lockKey(chatId),
							chatKey(chatId),
							indexKey,
							token,
							String(chatId),
						)
						.catch(failed(`delete secret chat ${chatId}`, chatId));
					if (Number(done) !== 1) {
						lost = true;
						throw lostLock();
					}
				},
				async release() {
					if (released) return;
					released = true;
					clearInterval(renewal);
					await redis
						.eval(RELEASE_IF_HELD, 1, lockKey(chatId), token)
						.catch(failed(`unlock secret chat ${chatId}`, chatId));
				},
			};
		},

		async close() {
			await redis.quit().catch(() => redis.disconnect());
		},
	};
}
