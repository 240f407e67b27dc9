import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Redis from 'ioredis';
import {
	eventKey,
	RedisSeenEventStore,
} from '../../../../nodes/Telnyx/trigger/seenEvents/redisStore';
import { REMEMBER_MS, type EventScope } from '../../../../nodes/Telnyx/trigger/seenEvents/types';
import { queueModeRedis, type QueueRedis } from '../../../../shared/n8nInstance';
import { freePort, redisMissing, startRedis, type RedisServer } from '../../../harness/redis';

const scope: EventScope = { workflowId: 'wfR', nodeId: 'node-r', test: false };

describe('Telnyx Trigger seen events: Redis (queue mode)', { skip: redisMissing() }, () => {
	let server: RedisServer;
	let client: Redis;
	const stores: RedisSeenEventStore[] = [];
	let port: number;

	/** A store as one n8n process would open it: its own connection. */
	function processStore(overrides: Partial<QueueRedis> = {}): RedisSeenEventStore {
		const store = new RedisSeenEventStore({
			options: { host: '127.0.0.1', port, db: 2 },
			prefix: 'bull',
			where: `127.0.0.1:${port}`,
			...overrides,
		});
		stores.push(store);
		return store;
	}

	before(async () => {
		server = await startRedis();
		port = Number(new URL(server.url).port);
		client = new Redis(`${server.url}/2`);
	});
	after(async () => {
		for (const store of stores) await store.close();
		await client?.quit();
		await server?.stop();
	});

	test('of concurrent claims from several processes exactly one is first; the id is kept 25 h', async () => {
		const processes = [processStore(), processStore(), processStore()];
		const id = randomUUID();
		const claims = await Promise.all(
			Array.from({ length: 30 }, async (_, index) => await processes[index % 3].claim(scope, id)),
		);
		assert.equal(claims.filter((claim) => claim === 'first').length, 1);
		const ttl = await client.pttl(eventKey('bull', scope, id));
		assert.ok(ttl > REMEMBER_MS - 60_000 && ttl <= REMEMBER_MS, `TTL ${ttl}`);
	});

	test('triggers, test listens and n8n instances (QUEUE_BULL_PREFIX) are apart', async () => {
		const store = processStore();
		const id = randomUUID();
		assert.equal(await store.claim(scope, id), 'first');
		assert.equal(await store.claim({ ...scope, nodeId: 'other' }, id), 'first');
		assert.equal(await store.claim({ ...scope, test: true }, id), 'first');
		assert.equal(await processStore({ prefix: 'staging' }).claim(scope, id), 'first');
		assert.equal(await processStore().claim(scope, id), 'duplicate');
		// A released claim (n8n could not start the run) is free for the next delivery.
		await store.release(scope, id);
		assert.equal(await processStore().claim(scope, id), 'first');
	});

	test('an unreachable Redis rejects the claim, without the password in the error', async () => {
		const closed = await freePort();
		const store = processStore({
			options: { host: '127.0.0.1', port: closed, password: 'hunter2-password' },
			where: `127.0.0.1:${closed}`,
		});
		const error = await store.claim(scope, randomUUID()).then(
			() => undefined,
			(failure: Error) => failure,
		);
		assert.ok(error, 'the claim failed');
		assert.ok(!String(error.message).includes('hunter2'), error.message);
		assert.equal(store.location, `Redis 127.0.0.1:${closed}`);
	});
});

describe("n8n's queue-mode settings", () => {
	const NAMES = [
		'EXECUTIONS_MODE',
		'QUEUE_BULL_REDIS_HOST',
		'QUEUE_BULL_REDIS_PORT',
		'QUEUE_BULL_REDIS_DB',
		'QUEUE_BULL_REDIS_USERNAME',
		'QUEUE_BULL_REDIS_PASSWORD',
		'QUEUE_BULL_REDIS_PASSWORD_FILE',
		'QUEUE_BULL_REDIS_TLS',
		'QUEUE_BULL_REDIS_CLUSTER_NODES',
		'QUEUE_BULL_PREFIX',
	];
	function withEnv(env: Record<string, string>, run: () => void) {
		const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
		for (const name of NAMES) delete process.env[name];
		Object.assign(process.env, env);
		try {
			run();
		} finally {
			for (const name of NAMES) {
				if (saved[name] === undefined) delete process.env[name];
				else process.env[name] = saved[name];
			}
		}
	}

	test('regular mode has no Redis; queue mode reads QUEUE_BULL_* as n8n does', async () => {
		const { writeFileSync, mkdtempSync } = await import('node:fs');
		const { join } = await import('node:path');
		const { tmpdir } = await import('node:os');
		const secretFile = join(mkdtempSync(join(tmpdir(), 'n8n-env-')), 'password');
		writeFileSync(secretFile, 's3cret\n');
		withEnv({}, () => assert.equal(queueModeRedis(), undefined));
		withEnv({ EXECUTIONS_MODE: 'queue' }, () =>
			assert.deepEqual(queueModeRedis(), {
				options: { host: 'localhost', port: 6379, db: 0, username: undefined, password: undefined },
				clusterNodes: undefined,
				prefix: 'bull',
				where: 'localhost:6379',
			}),
		);
		withEnv(
			{
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '"redis.internal"',
				QUEUE_BULL_REDIS_PORT: '6380',
				QUEUE_BULL_REDIS_DB: '4',
				QUEUE_BULL_REDIS_USERNAME: 'n8n',
				QUEUE_BULL_REDIS_PASSWORD_FILE: secretFile,
				QUEUE_BULL_REDIS_TLS: 'true',
				QUEUE_BULL_PREFIX: 'prod',
			},
			() => {
				const redis = queueModeRedis();
				assert.deepEqual(redis?.options, {
					host: 'redis.internal',
					port: 6380,
					db: 4,
					username: 'n8n',
					password: 's3cret',
					tls: { rejectUnauthorized: true },
				});
				assert.equal(redis?.prefix, 'prod');
				assert.equal(redis?.where, 'redis.internal:6380');
			},
		);
		withEnv({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_CLUSTER_NODES: 'r1:7000, r2:7001' }, () =>
			assert.deepEqual(queueModeRedis()?.clusterNodes, [
				{ host: 'r1', port: 7000 },
				{ host: 'r2', port: 7001 },
			]),
		);
	});
});
