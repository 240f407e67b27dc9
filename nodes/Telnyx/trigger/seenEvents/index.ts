import { join } from 'node:path';
import { n8nFolder, queueModeRedis } from '../../../../shared/n8nInstance';
import { FileSeenEventStore } from './fileStore';
import { RedisSeenEventStore } from './redisStore';
import type { SeenEventStore } from './types';

export { REMEMBER_MS, type Claim, type EventScope, type SeenEventStore } from './types';

/**
 * Where the trigger keeps the ids of events it already took. In queue mode (EXECUTIONS_MODE=queue)
 * several processes answer webhooks, so the ids live in the Redis n8n already uses; otherwise in
 * files in n8n's user folder, which survive a restart. One store per place, per process.
 */
const stores = new Map<string, FileSeenEventStore | RedisSeenEventStore>();

export function seenEventStore(): SeenEventStore {
	const redis = queueModeRedis();
	const place = redis
		? `redis:${JSON.stringify({ ...redis.options, clusterNodes: redis.clusterNodes })}`
		: `file:${join(n8nFolder(), 'telnyx-trigger-events')}`;
	let store = stores.get(place);
	if (!store) {
		store = redis
			? new RedisSeenEventStore(redis)
			: new FileSeenEventStore(place.slice('file:'.length));
		stores.set(place, store);
	}
	return store;
}

/** Closes Redis connections (tests; n8n ends the process itself). */
export async function closeSeenEventStores(): Promise<void> {
	const open = [...stores.values()];
	stores.clear();
	for (const store of open) if (store instanceof RedisSeenEventStore) await store.close();
}
