import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Redis from 'ioredis';
import type { SecretStoreConfig } from '../../../../../nodes/Telegram/transport/secret/store';
import {
	chatBinding,
	checkBinding,
	deriveStoreKey,
	sealBlob,
} from '../../../../../nodes/Telegram/transport/secret/store/sealing';
import { encodeState } from '../../../../../nodes/Telegram/transport/secret/store/stateCodec';
import { freePort, redisMissing, startRedis, type RedisServer } from './fixtures/harness';
import {
	newAccount,
	rejectsWithStoreError,
	sampleChat,
	SECRET,
	storeContract,
	trackStores,
} from './fixtures/storeContract';

const missing = redisMissing();
const PREFIX = 'test-secret-chats:';

let server: RedisServer | undefined;
let redis: Redis | undefined;
const client = () => redis!;
const config = (accountId: string, secret = SECRET): SecretStoreConfig => ({
	kind: 'redis',
	url: server!.url,
	accountId,
	secret,
	keyPrefix: PREFIX,
});
const chatKey = (accountId: string, chatId: number) => `${PREFIX}${accountId}:chat:${chatId}`;

async function snapshot(accountId: string): Promise<string> {
	const keys = (await client().keys(`${PREFIX}${accountId}:*`)).sort();
	const hash = createHash('sha256');
	for (const key of keys) {
		const type = await client().type(key);
		const value =
			type === 'set'
				? (await client().smembers(key)).sort().join(',')
				: (await client().getBuffer(key))!.toString('base64');
		hash.update(`${key}\0${type}\0${value}\0`);
	}
	return `${keys.join(',')}:${hash.digest('hex')}`;
}

describe('secret-chat store: Redis', { skip: missing }, () => {
	const open = trackStores();

	before(async () => {
		server = await startRedis();
		redis = new Redis(server.url);
	});
	after(async () => {
		await redis?.quit();
		await server?.stop();
	});

	storeContract({
		config,
		readBlob: async (accountId, chatId) =>
			(await client().getBuffer(chatKey(accountId, chatId))) ?? undefined,
		async writeBlob(accountId, chatId, blob) {
			await client().set(chatKey(accountId, chatId), blob);
			await client().sadd(`${PREFIX}${accountId}:chats`, String(chatId));
		},
		snapshot,
		async copyAccount(from, to) {
			for (const key of await client().keys(`${PREFIX}${from}:*`))
				await client().copy(key, key.replace(`${PREFIX}${from}:`, `${PREFIX}${to}:`));
		},
		async stealLock(accountId, chatId) {
			await client().set(`${PREFIX}${accountId}:lock:${chatId}`, 'someone-else', 'PX', 60_000);
		},
	});

	test('a store made with the old key (scrypt N=2^15, version 1) opens, and its key is re-sealed at N=2^17 with the chats untouched', async () => {
		const account = newAccount();
		const kdf = { N: 2 ** 15, r: 8, p: 1, salt: randomBytes(16) };
		const oldKey = await deriveStoreKey(SECRET, kdf);
		const v1 = {
			format: 'telegram-secret-chats',
			version: 1,
			accountId: account,
			kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt.toString('base64') },
			check: sealBlob(
				oldKey,
				Buffer.from('telegram-secret-chats store check', 'utf8'),
				checkBinding(account),
			).toString('base64'),
		};
		const storeKey = `${PREFIX}${account}:store`;
		await client().set(storeKey, JSON.stringify(v1));
		const chatBlob = sealBlob(oldKey, encodeState(sampleChat(1)), chatBinding(account, 1));
		await client().set(chatKey(account, 1), chatBlob);
		await client().sadd(`${PREFIX}${account}:chats`, '1');

		const store = await open(config(account));
		assert.deepEqual(await store.get(1), sampleChat(1));
		await store.close();
		const upgraded = JSON.parse((await client().get(storeKey))!) as {
			version: number;
			kdf: { N: number };
		};
		assert.equal(upgraded.version, 2);
		assert.ok(upgraded.kdf.N >= 2 ** 17, `N=${upgraded.kdf.N}`);
		assert.deepEqual(await client().getBuffer(chatKey(account, 1)), chatBlob);
		const again = await open(config(account));
		assert.deepEqual(await again.get(1), sampleChat(1));
		await again.close();
	});

	test('keys live under the prefix and the account; the lock is gone after the update', async () => {
		const account = newAccount();
		const store = await open(config(account));
		await store.update(1, async () => {
			const lock = `${PREFIX}${account}:lock:1`;
			const ttl = await client().pttl(lock);
			assert.ok(ttl > 0, 'the lock has a lease while held');
			return { next: sampleChat(1), result: undefined };
		});
		await store.close();
		assert.deepEqual((await client().keys(`${PREFIX}${account}:*`)).sort(), [
			`${PREFIX}${account}:chat:1`,
			`${PREFIX}${account}:chats`,
			`${PREFIX}${account}:store`,
		]);
	});

	test('a missing store key beside saved chats is an error, never a fresh start', async () => {
		const account = newAccount();
		const store = await open(config(account));
		await store.update(2, async () => ({ next: sampleChat(2), result: undefined }));
		await store.close();
		const storeKey = `${PREFIX}${account}:store`;
		const saved = await client().get(storeKey);
		await client().del(storeKey);
		await rejectsWithStoreError(open(config(account)), 'damaged', [
			storeKey,
			'missing',
			'Nothing was reset',
		]);
		assert.equal(await client().exists(storeKey), 0, 'no new key was made');
		await client().set(storeKey, saved!);
		const restored = await open(config(account));
		assert.deepEqual(await restored.get(2), sampleChat(2));
		await restored.close();
	});

	test("an unreachable Redis gives an error without the URL's password", async () => {
		const port = await freePort();
		const error = await rejectsWithStoreError(
			open({
				kind: 'redis',
				url: `redis://worker:hunter2-password@127.0.0.1:${port}`,
				accountId: newAccount(),
				secret: SECRET,
			}),
			'unavailable',
			[`127.0.0.1:${port}`],
		);
		assert.ok(!error.message.includes('hunter2'), error.message);
	});
});
