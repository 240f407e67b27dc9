import { join } from 'node:path';
import { n8nFolder } from '../../../../../shared/n8nInstance';
import { SecretStoreError } from './errors';
import { openFileBackend } from './fileStore';
import { DEFAULT_REDIS_KEY_PREFIX, openRedisBackend } from './redisStore';
import { sealedChatStore } from './sealedStore';
import { checkStorageSecret } from './storeKey';
import {
	DEFAULT_TIMINGS,
	type SecretChatStore,
	type SecretStoreConfig,
	type SecretStoreTimings,
	type StoredChat,
} from './types';

export { SecretStoreError, type SecretStoreErrorReason } from './errors';
export { DEFAULT_REDIS_KEY_PREFIX } from './redisStore';
export {
	DEFAULT_TIMINGS,
	type SecretChatStore,
	type SecretStoreConfig,
	type SecretStoreTimings,
	type StoredChat,
} from './types';

/** Where chats are kept by default: beside n8n's own data (N8N_USER_FOLDER, else the home folder). */
export function defaultSecretStoreFolder(): string {
	return join(n8nFolder(), 'telegram-secret-chats');
}

/** Account ids become a folder name or part of a Redis key: nothing that could climb out of either. */
function checkAccountId(accountId: unknown): asserts accountId is string {
	if (typeof accountId !== 'string' || !/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/.test(accountId)) {
		throw new SecretStoreError(
			`The secret-chat store's account id ("${String(accountId)}") must be 1-128 letters, digits, "_", "-" or "." (not first).`,
			'invalid',
		);
	}
}

/**
 * Opens an account's secret-chat store, creating it on first use. Derives the key from the
 * storage secret once (scrypt) and proves it against the store's check value, so a wrong secret
 * fails here, before any chat is read. `timings` is for tests; n8n uses the defaults.
 */
export async function openSecretChatStore<S extends StoredChat>(
	config: SecretStoreConfig,
	timings: SecretStoreTimings = DEFAULT_TIMINGS,
): Promise<SecretChatStore<S>> {
	checkAccountId(config.accountId);
	checkStorageSecret(config.secret);
	const opened =
		config.kind === 'file'
			? await openFileBackend(config.folder, config.accountId, config.secret, timings)
			: await openRedisBackend(
					config.url,
					config.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX,
					config.accountId,
					config.secret,
					timings,
				);
	return sealedChatStore<S>(opened.backend, opened.key, config.accountId, timings);
}
