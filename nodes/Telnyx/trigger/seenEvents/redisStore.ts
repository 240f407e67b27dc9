import type { Cluster, Redis } from 'ioredis';
import type { QueueRedis } from '../../../../shared/n8nInstance';
import { connectRedis } from '../../../../shared/redis';
import { REMEMBER_MS, safePart, scopeParts, type Claim, type SeenEventStore } from './types';

/**
 * Seen event ids in the Redis of n8n's queue mode, shared by every main and webhook process:
 * `SET <key> NX EX` is the claim, and Redis forgets the id after REMEMBER_MS. Keys:
 * telnyx-trigger-events:<QUEUE_BULL_PREFIX>:<workflow>:<node>:<event id>.
 */

export const KEY_PREFIX = 'telnyx-trigger-events:';

export function eventKey(
	prefix: string,
	scope: Parameters<SeenEventStore['claim']>[0],
	eventId: string,
): string {
	return `${KEY_PREFIX}${safePart(prefix)}:${scopeParts(scope).join(':')}:${safePart(eventId)}`;
}

export class RedisSeenEventStore implements SeenEventStore {
	private client: Promise<Redis | Cluster> | undefined;

	constructor(private readonly redis: QueueRedis) {}

	get location(): string {
		return `Redis ${this.redis.where}`;
	}

	/** One connection per process, opened on first use and again after a failed connect. */
	private connection(): Promise<Redis | Cluster> {
		this.client ??= connectRedis(
			this.redis.clusterNodes
				? { clusterNodes: this.redis.clusterNodes, options: this.redis.options }
				: this.redis.options,
		).catch((error: unknown) => {
			this.client = undefined;
			throw error;
		});
		return this.client;
	}

	async claim(scope: Parameters<SeenEventStore['claim']>[0], eventId: string): Promise<Claim> {
		const redis = await this.connection();
		const key = eventKey(this.redis.prefix, scope, eventId);
		const taken = await redis.set(key, new Date().toISOString(), 'PX', REMEMBER_MS, 'NX');
		return taken === 'OK' ? 'first' : 'duplicate';
	}

	async release(scope: Parameters<SeenEventStore['claim']>[0], eventId: string): Promise<void> {
		const redis = await this.connection();
		await redis.del(eventKey(this.redis.prefix, scope, eventId));
	}

	async close(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		if (client) await (await client.catch(() => undefined))?.quit().catch(() => undefined);
	}
}
