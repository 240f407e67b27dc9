import type { Socket } from 'node:net';
import type { TelegramClient } from 'telegram';
import { settle } from '../../../shared/errors';
import { withTimeout } from '../../../shared/timeout';
import {
	AccountSettingError,
	LOGIN_FIX,
	type ServerAddress,
	type TelegramConnectionSettings,
} from './account';
import { loadGramjs, type Gramjs } from './gramjs';
import { describeProxy, toGramjsProxy } from './proxy';
import { readRpcFailure } from './rpcError';

export const CONNECT_TIMEOUT_MS = 20_000;
// Where a login starts on Telegram's test servers (https://core.telegram.org/api/auth#test-accounts).
const TEST_DC = { dcId: 2, host: '149.154.167.40', port: 443 };

/**
 * The sockets of one client. While no call is running they are unref'd, so an idle pooled client
 * never keeps n8n's process (or `n8n execute`) alive.
 */
export class SocketHold {
	private readonly sockets = new Set<Socket>();
	private held = true;

	add(socket: Socket) {
		this.sockets.add(socket);
		if (this.held) socket.ref();
		else socket.unref();
	}

	remove(socket: Socket) {
		this.sockets.delete(socket);
	}

	hold() {
		this.held = true;
		for (const socket of this.sockets) socket.ref();
	}

	release() {
		this.held = false;
		for (const socket of this.sockets) socket.unref();
	}
}

export interface OpenClient {
	gram: Gramjs;
	client: TelegramClient;
	sockets: SocketHold;
	/** Where a data center is (host and the port to dial). */
	dcAddress(dcId: number): Promise<ServerAddress>;
}

/** Why a connection could not be made; the pool turns it into a node error. */
export class ConnectFailure extends Error {
	constructor(
		message: string,
		readonly address: string,
		/** What to check, when more is known than "the network" (a proxy). */
		readonly fix?: string,
	) {
		super(message);
		this.name = 'ConnectFailure';
	}
}

type ConnectionParams = ConstructorParameters<Gramjs['ConnectionTCPFull']>[0];

function trackedSockets(gram: Gramjs, hold: SocketHold): Gramjs['PromisedNetSockets'] {
	return class TrackedNetSockets extends gram.PromisedNetSockets {
		async connect(port: number, ip: string) {
			const socketOf = () => (this as unknown as { client?: Socket }).client;
			const take = (socket: Socket) => {
				// Each MTProto packet is one write: Nagle would hold a request written while the one
				// before is unacknowledged until the server's (possibly delayed) ACK.
				socket.setNoDelay(true);
				hold.add(socket);
			};
			const connecting = super.connect(port, ip);
			const direct = socketOf();
			if (direct) take(direct);
			const result = await connecting;
			// Through a SOCKS proxy the socket exists only once the proxy connected.
			const proxied = socketOf();
			if (proxied && proxied !== direct) take(proxied);
			return result;
		}

		async close() {
			const socket = (this as unknown as { client?: Socket }).client;
			await super.close();
			if (socket) hold.remove(socket);
		}
	};
}

/**
 * gramjs dials port 80 (or 443) whatever the session or the config says, so for test servers and
 * custom addresses each data center's address comes from this table instead.
 */
function routedConnection(
	gram: Gramjs,
	addresses: Map<number, ServerAddress>,
): Gramjs['ConnectionTCPFull'] {
	return class RoutedConnection extends gram.ConnectionTCPFull {
		constructor(params: ConnectionParams) {
			const address = addresses.get(params.dcId);
			super(address ? { ...params, ip: address.host, port: address.port } : params);
		}
	};
}

// StringSession.save() writes the port as a signed 16-bit number and throws above 32767; the
// real port lives in the routing table, so sessions only ever hold this one.
const SESSION_PORT = 443;

/** Where each data center is, from help.getConfig, keeping the ports gramjs would drop. */
function routeOtherDataCenters(
	gram: Gramjs,
	client: TelegramClient,
	addresses: Map<number, ServerAddress>,
) {
	const lookUp = async (dcId: number): Promise<ServerAddress> => {
		const known = addresses.get(dcId);
		if (known) return known;
		client._config ??= await client.invoke(new gram.Api.help.GetConfig());
		const options = client._config.dcOptions.filter(
			(option) => option.id === dcId && !option.ipv6 && !option.cdn,
		);
		const option = options.find((candidate) => !candidate.mediaOnly) ?? options[0];
		if (!option)
			throw new Error(`Telegram's configuration lists no address for data center ${dcId}`);
		const address = { host: option.ipAddress, port: option.port, dcId };
		addresses.set(dcId, address);
		return address;
	};
	Object.assign(client, {
		getDC: async (dcId: number) => ({
			id: dcId,
			ipAddress: (await lookUp(dcId)).host,
			port: SESSION_PORT,
		}),
	});
	return lookUp;
}

function describeAddress(
	account: TelegramConnectionSettings,
	session: InstanceType<Gramjs['StringSession']>,
): string {
	if (account.server) return `${account.server.host}:${account.server.port}`;
	return `${session.serverAddress ?? '?'} (data center ${session.dcId})`;
}

async function readSession(gram: Gramjs, account: TelegramConnectionSettings) {
	const loaded = await settle(
		(async () => {
			const parsed = new gram.StringSession(account.session);
			await parsed.load();
			return parsed;
		})(),
	);
	if (!loaded.ok)
		throw new AccountSettingError(
			`the Session String cannot be read (${(loaded.error as Error).message})`,
			LOGIN_FIX,
		);
	const session = loaded.value;
	// A blank session (a login about to start) begins at the chosen server instead of gramjs's default.
	if (account.session === '' && account.server)
		session.setDC(account.server.dcId ?? TEST_DC.dcId, account.server.host, SESSION_PORT);
	else if (account.session === '' && account.testServers)
		session.setDC(TEST_DC.dcId, TEST_DC.host, TEST_DC.port);
	return session;
}

/** Telegram's *_MIGRATE_X for a logged-in client, handed to the caller instead of gramjs's _switchDC. */
export class DcMigrationSignal extends Error {
	readonly errorMessage: string;
	readonly code = 303;

	constructor(readonly newDc: number) {
		super(`USER_MIGRATE_${newDc}`);
		this.name = 'DcMigrationSignal';
		this.errorMessage = `USER_MIGRATE_${newDc}`;
	}
}

export interface OpenOptions {
	timeoutMs?: number;
	/**
	 * 'caller': a USER_MIGRATE is thrown to the caller (the pool moves the login to the new DC
	 * with export/import authorization); gramjs's own switch drops the login and is only right
	 * before one exists ('gramjs', for the login CLI).
	 */
	migrations?: 'caller' | 'gramjs';
}

/** Makes a gramjs client for the account and connects it, within CONNECT_TIMEOUT_MS. */
export async function openClient(
	account: TelegramConnectionSettings,
	{ timeoutMs = CONNECT_TIMEOUT_MS, migrations = 'caller' }: OpenOptions = {},
): Promise<OpenClient> {
	const gram = await loadGramjs();
	const session = await readSession(gram, account);
	const addresses = new Map<number, ServerAddress>();
	const routed = account.server !== undefined || account.testServers;
	if (account.server) addresses.set(account.server.dcId ?? session.dcId, account.server);
	else if (account.testServers && session.serverAddress)
		addresses.set(session.dcId, { host: session.serverAddress, port: 443 });

	const sockets = new SocketHold();
	const client = new gram.TelegramClient(session, account.apiId, account.apiHash, {
		connection: routed ? routedConnection(gram, addresses) : gram.ConnectionTCPFull,
		networkSocket: trackedSockets(gram, sockets),
		// FLOOD_WAIT is decided by the node (wait or fail with the time), never slept inside gramjs.
		floodSleepThreshold: 0,
		connectionRetries: 2,
		retryDelay: 500,
		requestRetries: 3,
		reconnectRetries: 3,
		autoReconnect: true,
		testServers: account.testServers,
		deviceModel: 'n8n',
		appVersion: 'n8n-nodes-scheduled-messaging',
		baseLogger: new gram.Logger(gram.silentLogLevel),
		// SOCKS5 wraps each socket (routing still applies); an MTProxy replaces the connection class.
		proxy: account.proxy ? toGramjsProxy(account.proxy) : undefined,
	});
	const dcAddress = routed
		? routeOtherDataCenters(gram, client, addresses)
		: async (dcId: number) => {
				const dc = await client.getDC(dcId);
				return { host: dc.ipAddress, port: dc.port, dcId };
			};
	if (migrations === 'caller') {
		Object.assign(client, {
			_switchDC: async (newDc: number) => {
				throw new DcMigrationSignal(newDc);
			},
		});
	}
	// gramjs's ping loop leaves a 10 s timer behind every 9 s, which would keep the process alive
	// forever; the pool closes idle clients instead, so the loop is never started.
	(client as unknown as { _loopStarted: boolean })._loopStarted = true;

	const address = describeAddress(account, session);
	const connected = await settle(withTimeout(client.connect(), timeoutMs));
	if (connected.ok && connected.value) return { gram, client, sockets, dcAddress };
	// connect() resolving false leaves a client whose calls would wait forever: never hand it out.
	await closeClient({ client, sockets });
	// Telegram refused the login itself (AUTH_KEY_DUPLICATED, AUTH_KEY_UNREGISTERED...): its error
	// names the cause and the fix, which "could not connect" would hide.
	if (!connected.ok && readRpcFailure(connected.error)) throw connected.error;
	const reason = connected.ok ? '' : `: ${(connected.error as Error).message}`;
	if (account.proxy)
		throw new ConnectFailure(
			`could not connect to ${address} through ${describeProxy(account.proxy)}${reason}`,
			address,
			account.proxy.kind === 'socks5'
				? 'Check that the proxy runs at that address and accepts the Proxy Username and Proxy Password (or none), or set Proxy to None.'
				: 'Check the MTProxy address and its secret (MTProxy Secret), or set Proxy to None.',
		);
	throw new ConnectFailure(`could not connect to ${address}${reason}`, address);
}

/** Closes everything the client opened, including what destroy() misses (exported senders). */
export async function closeClient(open: Pick<OpenClient, 'client' | 'sockets'>): Promise<void> {
	const internals = open.client as unknown as {
		_exportedSenderPromises: Map<number, Promise<{ disconnect(): Promise<void> } | undefined>>;
		_exportedSenderReleaseTimeouts: Map<number, NodeJS.Timeout>;
	};
	for (const timeout of internals._exportedSenderReleaseTimeouts.values()) clearTimeout(timeout);
	internals._exportedSenderReleaseTimeouts.clear();
	const senders = [...internals._exportedSenderPromises.values()];
	internals._exportedSenderPromises.clear();
	await Promise.allSettled(senders.map(async (promise) => await (await promise)?.disconnect()));
	await Promise.allSettled([open.client.destroy()]);
	open.sockets.release();
}
