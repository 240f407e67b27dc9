import type { ConnectionTCPFull } from 'telegram/network';

/**
 * gramjs dials the address of its session or of its DC table, on port 80/443, whatever the
 * session string says. A test server (or a self-hosted MTProto server) needs every connection,
 * uploads and DC switches included, to go to one host:port: this connection class does that.
 *
 *   const { ConnectionTCPFull } = await import('telegram/network');
 *   new TelegramClient(session, apiId, apiHash, { connection: fixedAddressConnection({ host, port }, ConnectionTCPFull) })
 *
 * Generic on purpose (no test dependency, gramjs passed in so it can stay lazily loaded): the
 * production transport can use it for a "Server Address" credential setting.
 */

export interface ServerAddress {
	host: string;
	port: number;
}

export function fixedAddressConnection(
	address: ServerAddress,
	base: typeof ConnectionTCPFull,
): typeof ConnectionTCPFull {
	return class FixedAddressConnection extends base {
		constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
			super({ ...params, ip: address.host, port: address.port });
		}
	};
}

/** "host:port" or "[ipv6]:port" -> ServerAddress; throws on anything else. */
export function parseServerAddress(text: string): ServerAddress {
	const match = /^\s*(?:\[([^\]]+)\]|([^:\s[\]]+)):(\d{1,5})\s*$/.exec(text);
	const port = match ? Number(match[3]) : NaN;
	if (!match || port < 1 || port > 65535)
		throw new Error(`Server Address must be host:port, got "${text}"`);
	return { host: match[1] ?? match[2], port };
}
