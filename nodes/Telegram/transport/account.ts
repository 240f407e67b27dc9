import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { readProxy, type ProxySettings } from './proxy';
import { TELEGRAM_CREDENTIAL } from './constants';

export { TELEGRAM_CREDENTIAL };

/** A host and port to dial instead of the address gramjs would pick for a data center. */
export interface ServerAddress {
	host: string;
	port: number;
	/** The data center this address serves; undefined means the session's own. */
	dcId?: number;
}

/** Where secret-chat state is kept, as the credential says (checked when a secret chat is used). */
export type SecretStoreSettings =
	| { kind: 'file'; folder: string; secret: string }
	| { kind: 'redis'; url: string; secret: string };

/** What a connection needs: the app, the login and where to dial. */
export interface TelegramConnectionSettings {
	apiId: number;
	apiHash: string;
	session: string;
	testServers: boolean;
	server?: ServerAddress;
	proxy?: ProxySettings;
}

/** One Telegram login as the credential describes it. */
export interface TelegramAccount extends TelegramConnectionSettings {
	secretStore: SecretStoreSettings;
}

/** A credential value that cannot work; the transport turns it into a node error. */
export class AccountSettingError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'AccountSettingError';
	}
}

const LOGIN_FIX =
	'Run `npx n8n-nodes-scheduled-messaging telegram-login` and paste the session string it prints into the credential.';

export function parseServerAddress(text: string, dcId?: number): ServerAddress {
	const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(text.trim());
	const port = match ? Number(match[2]) : NaN;
	if (!match || port < 1 || port > 65535) {
		throw new AccountSettingError(
			`the Server Address ("${text}") is not host:port`,
			'Enter the address as host:port, e.g. 149.154.167.40:443, or turn Custom Server Address off.',
		);
	}
	if (dcId !== undefined && (!Number.isInteger(dcId) || dcId < 0 || dcId > 1000)) {
		throw new AccountSettingError(
			`the DC ID (${dcId}) is not a data center number`,
			'Enter the data center number (1..5), or 0 for the one in the session.',
		);
	}
	return { host: match[1], port, dcId: dcId ? dcId : undefined };
}

/** Reads and checks the credential's fields before anything connects. */
export function readAccount(data: ICredentialDataDecryptedObject): TelegramAccount {
	const apiId = Number(String(data.apiId ?? '').trim());
	if (!Number.isInteger(apiId) || apiId <= 0) {
		throw new AccountSettingError(
			`the API ID ("${String(data.apiId ?? '')}") is not a number`,
			'Copy the api_id from https://my.telegram.org > API development tools.',
		);
	}
	const apiHash = String(data.apiHashSecret ?? '').trim();
	if (apiHash === '') {
		throw new AccountSettingError(
			'the API Hash is empty',
			'Copy the api_hash from https://my.telegram.org > API development tools.',
		);
	}
	const session = String(data.sessionToken ?? '').trim();
	if (session === '') throw new AccountSettingError('the Session String is empty', LOGIN_FIX);
	if (!/^1[A-Za-z0-9+/=_-]{40,}$/.test(session)) {
		throw new AccountSettingError(
			'the Session String is not a gramjs session string (it should start with "1")',
			LOGIN_FIX,
		);
	}
	const account: TelegramAccount = {
		apiId,
		apiHash,
		session,
		testServers: data.environment === 'test',
		secretStore: readSecretStoreSettings(data),
	};
	if (data.customServer === true) {
		const dcId = data.dcId === undefined || data.dcId === '' ? undefined : Number(data.dcId);
		account.server = parseServerAddress(String(data.serverAddress ?? ''), dcId);
	}
	account.proxy = readProxy(data);
	if (account.proxy?.kind === 'mtproxy' && account.server)
		throw new AccountSettingError(
			'an MTProxy cannot be combined with a Custom Server Address (the proxy picks the server by data center)',
			'Turn Custom Server Address off, or use a SOCKS5 proxy.',
		);
	return account;
}

function readSecretStoreSettings(data: ICredentialDataDecryptedObject): SecretStoreSettings {
	const secret = String(data.e2eStorageSecret ?? '');
	if (data.e2eStorage === 'redis')
		return { kind: 'redis', url: String(data.e2eStorageRedisUrl ?? '').trim(), secret };
	return { kind: 'file', folder: String(data.e2eStorageFolder ?? '').trim(), secret };
}

// The pool asks for every item; an account object is read once per run and not changed.
const keyByAccount = new WeakMap<TelegramAccount, string>();

/** Identifies an account for the connection pool and the peer cache (a hash: never the secret itself). */
export function accountKey(account: TelegramAccount): string {
	let key = keyByAccount.get(account);
	if (key === undefined) keyByAccount.set(account, (key = computeAccountKey(account)));
	return key;
}

function computeAccountKey(account: TelegramAccount): string {
	const server = account.server
		? `${account.server.host}:${account.server.port}/${account.server.dcId ?? ''}`
		: '';
	return createHash('sha256')
		.update(
			JSON.stringify([
				account.apiId,
				account.apiHash,
				account.session,
				account.testServers,
				server,
				// The whole proxy, login and secret included: another proxy is another connection.
				account.proxy ?? null,
			]),
		)
		.digest('hex')
		.slice(0, 32);
}

export { LOGIN_FIX };
