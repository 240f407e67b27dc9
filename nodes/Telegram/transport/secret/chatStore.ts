import { createHash } from 'node:crypto';
import { AccountSettingError, type SecretStoreSettings, type TelegramAccount } from '../account';
import type { TelegramSession } from '../pool';
import type { SecretChatState } from './protocol';
import { defaultSecretStoreFolder, openSecretChatStore, type SecretChatStore } from './store';

export type SecretChats = SecretChatStore<SecretChatState & { [field: string]: unknown }>;

const SECRET_FIX =
	'Set "Secret Chat Storage Secret" in the Telegram credential (keep a copy: the stored chats cannot be read without it).';

/** A store left unused this long lets go of its connection (Redis) and key, like idle Telegram clients. */
export const STORE_IDLE_CLOSE_MS = 10_000;

/**
 * Opens the real store on first use and closes it after a quiet spell, so a finished manual run
 * or `n8n execute` keeps no Redis socket open; the next call opens it again.
 */
class IdleClosingStore implements SecretChats {
	private opened?: Promise<SecretChats>;
	private busy = 0;
	private idleTimer?: NodeJS.Timeout;

	constructor(private readonly open: () => Promise<SecretChats>) {}

	private async use<T>(call: (store: SecretChats) => Promise<T>): Promise<T> {
		this.busy++;
		clearTimeout(this.idleTimer);
		try {
			const opening = (this.opened ??= this.open());
			const store = await opening.catch((error: unknown) => {
				if (this.opened === opening) this.opened = undefined;
				throw error;
			});
			return await call(store);
		} finally {
			if (--this.busy === 0) {
				this.idleTimer = setTimeout(() => void this.close(), STORE_IDLE_CLOSE_MS);
				this.idleTimer.unref();
			}
		}
	}

	update: SecretChats['update'] = async (chatId, change) =>
		await this.use(async (store) => await store.update(chatId, change));
	get: SecretChats['get'] = async (chatId) =>
		await this.use(async (store) => await store.get(chatId));
	list: SecretChats['list'] = async () => await this.use(async (store) => await store.list());

	async close(): Promise<void> {
		clearTimeout(this.idleTimer);
		if (this.busy > 0) return;
		const opened = this.opened;
		this.opened = undefined;
		await opened?.then(async (store) => await store.close()).catch(() => undefined);
	}
}

/** One store per account and settings in a process, so every execution and the trigger share its locks. */
const stores = new Map<string, IdleClosingStore>();
/** The Telegram user id behind a session: chats belong to the account, not to one login of it. */
const accountIds = new WeakMap<object, Promise<string>>();

async function accountIdOf(session: TelegramSession, account: TelegramAccount): Promise<string> {
	const client = session.client as object;
	let id = accountIds.get(client);
	if (!id) {
		id = session.client
			.getMe()
			.then((me) => `${account.testServers ? 'test' : 'prod'}-${String(me.id)}`);
		id.catch(() => accountIds.delete(client));
		accountIds.set(client, id);
	}
	return await id;
}

function checkedSettings(settings: SecretStoreSettings): SecretStoreSettings {
	if (settings.secret.length === 0)
		throw new AccountSettingError('the Secret Chat Storage Secret is empty', SECRET_FIX);
	if (settings.secret.length < 12)
		throw new AccountSettingError(
			'the Secret Chat Storage Secret is shorter than 12 characters',
			'Use a long random secret (e.g. 32 characters) and keep a copy.',
		);
	if (settings.kind === 'redis' && !/^rediss?:\/\//.test(settings.url)) {
		throw new AccountSettingError(
			'the Redis URL is not a redis:// or rediss:// URL',
			'Enter the Redis URL as redis://user:password@host:6379/0, or choose File storage.',
		);
	}
	return settings;
}

/** The encrypted store of this account's secret chats, as the credential configures it. */
export async function secretChatsOf(
	session: TelegramSession,
	account: TelegramAccount,
): Promise<SecretChats> {
	const settings = checkedSettings(account.secretStore);
	const accountId = await accountIdOf(session, account);
	const key = createHash('sha256')
		.update(JSON.stringify([accountId, settings]))
		.digest('hex');
	let store = stores.get(key);
	if (!store) {
		store = new IdleClosingStore(async () =>
			settings.kind === 'redis'
				? await openSecretChatStore({
						kind: 'redis',
						url: settings.url,
						accountId,
						secret: settings.secret,
					})
				: await openSecretChatStore({
						kind: 'file',
						folder: settings.folder || defaultSecretStoreFolder(),
						accountId,
						secret: settings.secret,
					}),
		);
		stores.set(key, store);
	}
	return store;
}

/** Closes every open store (tests; n8n shutdown needs nothing: files are written before each call returns). */
export async function closeSecretChatStores(): Promise<void> {
	const all = [...stores.values()];
	stores.clear();
	await Promise.allSettled(all.map(async (store) => await store.close()));
}
