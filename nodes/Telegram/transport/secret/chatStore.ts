import { createHash } from 'node:crypto';
import { AccountSettingError, type SecretStoreSettings, type TelegramAccount } from '../account';
import type { TelegramSession } from '../pool';
import type { SecretChatState } from './protocol';
import { defaultSecretStoreFolder, openSecretChatStore, type SecretChatStore } from './store';

export type SecretChats = SecretChatStore<SecretChatState & { [field: string]: unknown }>;

const SECRET_FIX = 'Set "Secret Chat Storage Secret" in the Telegram credential (keep a copy: the stored chats cannot be read without it).';

/** One store per account and settings in a process, so every execution and the trigger share its locks. */
const stores = new Map<string, Promise<SecretChats>>();
/** The Telegram user id behind a session: chats belong to the account, not to one login of it. */
const accountIds = new WeakMap<object, Promise<string>>();

async function accountIdOf(session: TelegramSession, account: TelegramAccount): Promise<string> {
	const client = session.client as object;
	let id = accountIds.get(client);
	if (!id) {
		id = session.client.getMe().then((me) => `${account.testServers ? 'test' : 'prod'}-${String(me.id)}`);
		id.catch(() => accountIds.delete(client));
		accountIds.set(client, id);
	}
	return await id;
}

function checkedSettings(settings: SecretStoreSettings): SecretStoreSettings {
	if (settings.secret.length === 0) throw new AccountSettingError('the Secret Chat Storage Secret is empty', SECRET_FIX);
	if (settings.secret.length < 12) throw new AccountSettingError('the Secret Chat Storage Secret is shorter than 12 characters', 'Use a long random secret (e.g. 32 characters) and keep a copy.');
	if (settings.kind === 'redis' && !/^rediss?:\/\//.test(settings.url)) {
		throw new AccountSettingError('the Redis URL is not a redis:// or rediss:// URL', 'Enter the Redis URL as redis://user:password@host:6379/0, or choose File storage.');
	}
	return settings;
}

/** The encrypted store of this account's secret chats, as the credential configures it. */
export async function secretChatsOf(session: TelegramSession, account: TelegramAccount): Promise<SecretChats> {
	const settings = checkedSettings(account.secretStore);
	const accountId = await accountIdOf(session, account);
	const key = createHash('sha256').update(JSON.stringify([accountId, settings])).digest('hex');
	let store = stores.get(key);
	if (!store) {
		store =
			settings.kind === 'redis'
				? openSecretChatStore({ kind: 'redis', url: settings.url, accountId, secret: settings.secret })
				: openSecretChatStore({ kind: 'file', folder: settings.folder || defaultSecretStoreFolder(), accountId, secret: settings.secret });
		store.catch(() => stores.delete(key));
		stores.set(key, store);
	}
	return await store;
}

/** Closes every open store (tests; n8n shutdown needs nothing: files are written before each call returns). */
export async function closeSecretChatStores(): Promise<void> {
	const all = [...stores.values()];
	stores.clear();
	await Promise.allSettled(all.map(async (store) => await (await store).close()));
}
