import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster, Redis } from 'ioredis';
import { queueModeRedis, type QueueRedis } from '../../../shared/n8nInstance';
import { connectRedis } from '../../../shared/redis';
import { AccountSettingError } from './account';
import { QUEUE_MODE_SETUP } from './errorCatalog';

/**
 * Telegram invalidates a login whose requests arrive from two TCP connections at once, from the
 * same or different IP addresses (406 AUTH_KEY_DUPLICATED, core.telegram.org/api/errors). One
 * n8n process keeps one connection per login (pool.ts); in queue mode the main process and every
 * worker are separate processes, so they take turns through a lease in n8n's own queue Redis:
 * `SET <key> <token> NX PX` while a process has the login connected, renewed every second. A
 * process that waits sets `<key>:wanted`; the holder then takes no new calls on its connection
 * and closes it as soon as the calls in flight are done (a trigger's connection excepted). Outside queue mode there is one process and no lease.
 */

export const LEASE_MS = 15_000;
const TICK_MS = 1_000;
/** How long a call waits for another process to hand the login over before it fails. */
export const CONNECTION_WAIT_MS = 60_000;
const KEY_PREFIX = 'telegram-connection:';

const RENEW_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface ConnectionLease {
	/** `onWanted` runs (every tick) while another process waits for this login. */
	whenWanted(onWanted: () => void): void;
	release(): Promise<void>;
}

let client: Promise<Redis | Cluster> | undefined;

function connection(redis: QueueRedis): Promise<Redis | Cluster> {
	client ??= connectRedis(
		redis.clusterNodes
			? { clusterNodes: redis.clusterNodes, options: redis.options }
			: redis.options,
	).catch((error: unknown) => {
		client = undefined;
		throw error;
	});
	return client;
}

/**
 * Closes the lease's Redis connection (after the clients are closed and their leases released):
 * left open, it keeps the process alive and keeps reconnecting once that Redis is gone.
 */
export async function closeLeaseConnection(): Promise<void> {
	const open = client;
	client = undefined;
	const db = await open?.catch(() => undefined);
	await db?.quit().catch(() => db.disconnect());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the login's lease (queue mode), waiting for another process to hand it over; undefined
 * outside queue mode. `loginId` identifies the login without revealing it (a hash).
 */
export async function takeConnectionLease(loginId: string): Promise<ConnectionLease | undefined> {
	const redis = queueModeRedis();
	if (!redis) return undefined;
	const db = await connection(redis).catch((error: unknown) => {
		throw new AccountSettingError(
			`the lease that keeps one connection per Telegram session in queue mode cannot be taken: Redis ${redis.where} is unreachable (${(error as Error).message})`,
			'Check the QUEUE_BULL_REDIS_* settings of this n8n process.',
		);
	});
	const key = `${KEY_PREFIX}${redis.prefix}:${loginId}`;
	const holder = `${hostname()}/${process.pid}/${randomBytes(6).toString('hex')}`;
	const deadline = Date.now() + CONNECTION_WAIT_MS;
	for (let attempt = 0; ; attempt++) {
		if ((await db.set(key, holder, 'PX', LEASE_MS, 'NX')) === 'OK') {
			// Our own wait marker would make us hand the login back at once.
			await db.del(`${key}:wanted`);
			break;
		}
		await db.set(`${key}:wanted`, holder, 'PX', 3 * TICK_MS);
		if (Date.now() >= deadline) {
			const by = (await db.get(key)) ?? 'another process';
			throw new AccountSettingError(
				`its session has been connected in another n8n process (${by.split('/').slice(0, 2).join(', pid ')}) for over ${CONNECTION_WAIT_MS / 1000} s, and a second connection would make Telegram revoke it`,
				QUEUE_MODE_SETUP,
			);
		}
		await sleep(Math.min(50 * 2 ** attempt, 500) * (0.5 + Math.random() / 2));
	}
	return holdLease(db, key, holder);
}

function holdLease(db: Redis | Cluster, key: string, holder: string): ConnectionLease {
	let released = false;
	let onWanted: (() => void) | undefined;
	const tick = setInterval(() => {
		void (async () => {
			await db.eval(RENEW_IF_HELD, 1, key, holder, LEASE_MS);
			if (onWanted && !released && (await db.exists(`${key}:wanted`)) === 1) onWanted();
		})().catch(() => undefined);
	}, TICK_MS);
	// The lease must not keep a finished process alive; its connection is closed by then.
	tick.unref();
	return {
		whenWanted(callback) {
			onWanted = callback;
		},
		async release() {
			if (released) return;
			released = true;
			clearInterval(tick);
			await db.eval(RELEASE_IF_HELD, 1, key, holder).catch(() => undefined);
		},
	};
}
