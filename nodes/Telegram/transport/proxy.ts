import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { AccountSettingError } from './account';

/** A proxy in front of Telegram, as the credential (or the login command) gives it. */
export type ProxySettings =
	| { kind: 'socks5'; host: string; port: number; username?: string; password?: string }
	/** `secret`: 32 hex digits, or "dd" + 32 (random padding), as gramjs takes it. */
	| { kind: 'mtproxy'; host: string; port: number; secret: string };

/** gramjs's `proxy` option (telegram/network/connection/TCPMTProxy's ProxyInterface). */
export type GramjsProxy =
	| {
			ip: string;
			port: number;
			socksType: 5;
			username?: string;
			password?: string;
			timeout: number;
	  }
	| { ip: string; port: number; secret: string; MTProxy: true; timeout: number };

const PROXY_FIX = "Correct the credential's proxy fields, or set Proxy to None.";
// gramjs's own default is 5 s for the SOCKS handshake; a loaded proxy may need longer.
const PROXY_TIMEOUT_SECONDS = 10;

/** The names the fields have where the proxy was given: the credential, or the CLI's --proxy. */
interface FieldNames {
	host: string;
	port: string;
	username: string;
	password: string;
	secret: string;
	fix: string;
}

const CREDENTIAL_FIELDS: FieldNames = {
	host: 'Proxy Host',
	port: 'Proxy Port',
	username: 'Proxy Username',
	password: 'Proxy Password',
	secret: 'MTProxy Secret',
	fix: PROXY_FIX,
};

function checkHost(host: string, names: FieldNames): string {
	const trimmed = host.trim().replace(/^\[(.*)\]$/, '$1');
	if (trimmed === '') throw new AccountSettingError(`the ${names.host} is empty`, names.fix);
	if (!/^[A-Za-z0-9.-]+$/.test(trimmed) && !/^[0-9A-Fa-f:.]+$/.test(trimmed))
		throw new AccountSettingError(
			`the ${names.host} ("${host}") is not a host name or IP address`,
			`Enter only the host, e.g. proxy.example.com or 10.0.0.5 (the port goes in ${names.port}).`,
		);
	return trimmed;
}

function checkPort(port: unknown, names: FieldNames): number {
	const value = Number(String(port ?? '').trim());
	if (!Number.isInteger(value) || value < 1 || value > 65535)
		throw new AccountSettingError(
			`the ${names.port} ("${String(port ?? '')}") is not a port number`,
			`Enter the proxy's port, 1 to 65535 (SOCKS5 often 1080, MTProxy often 443).`,
		);
	return value;
}

/**
 * An MTProxy secret as gramjs takes it: 16 bytes (hex), optionally after "dd". Accepts hex or
 * base64(url); refuses fake-TLS "ee" secrets, which gramjs cannot speak.
 */
function checkSecret(secret: string, names: FieldNames): string {
	const text = secret.trim();
	if (text === '') throw new AccountSettingError(`the ${names.secret} is empty`, names.fix);
	const bytes = /^[0-9A-Fa-f]+$/.test(text)
		? Buffer.from(text, 'hex')
		: Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	if (bytes.length > 17 && bytes[0] === 0xee)
		throw new AccountSettingError(
			`the ${names.secret} is a fake-TLS secret (it starts with "ee"), which the telegram library cannot use`,
			'Ask the proxy for its plain or "dd" secret (32 hex digits, or dd and 32 hex digits), or use another proxy.',
		);
	const plain = bytes.length === 16 || (bytes.length === 17 && bytes[0] === 0xdd);
	if (!plain)
		throw new AccountSettingError(
			`the ${names.secret} is not an MTProxy secret`,
			'Enter the secret of the proxy link: 32 hex digits, or dd followed by 32 hex digits.',
		);
	return bytes.toString('hex');
}

function checkSocksLogin(
	username: string,
	password: string,
	names: FieldNames,
): { username?: string; password?: string } {
	if (username === '' && password !== '')
		throw new AccountSettingError(
			`the ${names.password} is set but the ${names.username} is empty`,
			`Enter the ${names.username} too, or clear the ${names.password} for a proxy without login.`,
		);
	for (const [name, value] of [
		[names.username, username],
		[names.password, password],
	])
		if (Buffer.byteLength(value) > 255)
			throw new AccountSettingError(
				`the ${name} is longer than SOCKS5 allows (255 bytes)`,
				names.fix,
			);
	return username === '' ? {} : { username, password };
}

/** The credential's proxy fields, checked; undefined when Proxy is None. */
export function readProxy(data: ICredentialDataDecryptedObject): ProxySettings | undefined {
	const type = data.proxyType ?? 'none';
	if (type === 'none') return undefined;
	if (type !== 'socks5' && type !== 'mtproxy')
		throw new AccountSettingError(
			`the Proxy ("${String(type)}") is not None, SOCKS5 or MTProxy`,
			'Choose None, SOCKS5 or MTProxy.',
		);
	const host = checkHost(String(data.proxyHost ?? ''), CREDENTIAL_FIELDS);
	const port = checkPort(data.proxyPort, CREDENTIAL_FIELDS);
	if (type === 'mtproxy')
		return {
			kind: 'mtproxy',
			host,
			port,
			secret: checkSecret(String(data.proxySecret ?? ''), CREDENTIAL_FIELDS),
		};
	const login = checkSocksLogin(
		String(data.proxyUsername ?? ''),
		String(data.proxyPassword ?? ''),
		CREDENTIAL_FIELDS,
	);
	return { kind: 'socks5', host, port, ...login };
}

const URL_FIELDS: FieldNames = {
	host: 'proxy host',
	port: 'proxy port',
	username: 'proxy user name',
	password: 'proxy password',
	secret: 'MTProxy secret',
	fix: 'Give --proxy as socks5://[user:password@]host:port or an MTProxy link (tg://proxy?server=...&port=...&secret=...).',
};

/**
 * The login command's --proxy (or TELEGRAM_PROXY): `socks5://[user:password@]host:port`, or an
 * MTProxy link as Telegram shares them (`tg://proxy?server=&port=&secret=`, `https://t.me/proxy?...`).
 */
export function parseProxyUrl(text: string): ProxySettings {
	const url = URL.canParse(text.trim()) ? new URL(text.trim()) : undefined;
	if (!url) throw new AccountSettingError(`the proxy ("${text}") is not a URL`, URL_FIELDS.fix);
	if (url.protocol === 'socks5:' || url.protocol === 'socks5h:') {
		const login = checkSocksLogin(
			decodeURIComponent(url.username),
			decodeURIComponent(url.password),
			URL_FIELDS,
		);
		return {
			kind: 'socks5',
			host: checkHost(url.hostname, URL_FIELDS),
			port: checkPort(url.port || '1080', URL_FIELDS),
			...login,
		};
	}
	const isLink =
		(url.protocol === 'tg:' && url.hostname === 'proxy') ||
		(/^https?:$/.test(url.protocol) && url.hostname === 't.me' && url.pathname === '/proxy');
	if (isLink) {
		const query = url.searchParams;
		return {
			kind: 'mtproxy',
			host: checkHost(query.get('server') ?? '', URL_FIELDS),
			port: checkPort(query.get('port') ?? '', URL_FIELDS),
			secret: checkSecret(query.get('secret') ?? '', URL_FIELDS),
		};
	}
	throw new AccountSettingError(
		`the proxy ("${url.protocol}//...") is neither SOCKS5 nor an MTProxy link`,
		URL_FIELDS.fix,
	);
}

export function toGramjsProxy(proxy: ProxySettings): GramjsProxy {
	const base = { ip: proxy.host, port: proxy.port, timeout: PROXY_TIMEOUT_SECONDS };
	if (proxy.kind === 'mtproxy') return { ...base, secret: proxy.secret, MTProxy: true };
	return { ...base, socksType: 5, username: proxy.username, password: proxy.password };
}

/** For messages: the kind and address, never the login or secret. */
export function describeProxy(proxy: ProxySettings): string {
	return `the ${proxy.kind === 'socks5' ? 'SOCKS5 proxy' : 'MTProxy'} ${proxy.host}:${proxy.port}`;
}
