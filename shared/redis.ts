import type { Cluster, ClusterNode, Redis, RedisOptions } from 'ioredis';

/** The URL without user name and password, for messages. */
export function redactRedisUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = '';
		parsed.password = '';
		return parsed.toString();
	} catch {
		return 'the configured Redis URL';
	}
}

/** What to connect to: a redis:// URL, connection options, or the nodes of a cluster. */
export type RedisTarget =
	| string
	| RedisOptions
	| { clusterNodes: ClusterNode[]; options: RedisOptions };

/**
 * A connected ioredis client (loaded only when needed). A command waits through at most a few
 * reconnects, then fails, so callers get an error instead of a hang. Rejects with why the
 * connection failed (ECONNREFUSED, auth), not ioredis's bare "Connection is closed".
 */
export async function connectRedis(target: RedisTarget): Promise<Redis | Cluster> {
	const { default: RedisClient, Cluster: ClusterClient } = await import('ioredis');
	const behaviour: RedisOptions = {
		lazyConnect: true,
		connectTimeout: 10_000,
		maxRetriesPerRequest: 3,
		retryStrategy: (times) => Math.min(times * 200, 2_000),
	};
	const redis =
		typeof target === 'string'
			? new RedisClient(target, behaviour)
			: 'clusterNodes' in target
				? new ClusterClient(target.clusterNodes, {
						lazyConnect: true,
						redisOptions: { ...target.options, ...behaviour },
					})
				: new RedisClient({ ...target, ...behaviour });
	// Without a listener ioredis prints every connection error; failures reach callers as rejections.
	let lastError: unknown;
	redis.on('error', (error: unknown) => (lastError = error));
	try {
		await redis.connect();
		return redis;
	} catch (error) {
		redis.disconnect();
		throw lastError ?? error;
	}
}
