import { withTimeout } from '../../../shared/timeout';
import { accountKey, type TelegramAccount } from './account';
import { closeClient, openClient, type OpenClient } from './connect';
import { closeLeaseConnection, takeConnectionLease, type ConnectionLease } from './connectionLease';

/** How long an unused client stays connected for the next item or execution. */
export const IDLE_CLOSE_MS = 60_000;
const MIGRATION_TIMEOUT_MS = 30_000;

interface PoolEntry {
	key: string;
	account: TelegramAccount;
	opening: Promise<OpenClient>;
	users: number;
	idleTimer?: NodeJS.Timeout;
	/** Dropped from the pool (dead session, broken connection); closed once its last user is done. */
	discarded: boolean;
	/** Clients replaced by a DC migration, closed when nobody uses the entry any more. */
	retired: OpenClient[];
	/** Queue mode: this process's turn on the login, released once the client is closed. */
	lease: Promise<ConnectionLease | undefined>;
	/** Users that keep the connection for as long as they run (a trigger): it is never handed over. */
	keepers: number;
	/** closeEntry ran (a hand-over and the idle timer may both ask for it): done once closed. */
	closing?: Promise<void>;
}

/** One connected client per account per process, shared by items and executions. */
const entries = new Map<string, PoolEntry>();

/** The account's client as calls see it; after a DC migration it is the client on the new DC. */
export interface TelegramSession {
	readonly gram: OpenClient['gram'];
	readonly client: OpenClient['client'];
	/** Identifies the account (for the peer cache) without holding its secrets. */
	readonly accountKey: string;
	/** Stops reusing this client: the next call connects afresh. */
	discard(): void;
	/** Moves the login to data center `dcId` (USER_MIGRATE_X): export, connect there, import. */
	migrate(dcId: number): Promise<void>;
}

function closeEntry(entry: PoolEntry): Promise<void> {
	clearTimeout(entry.idleTimer);
	if (entry.closing) return entry.closing;
	if (entries.get(entry.key) === entry) entries.delete(entry.key);
	const retired = entry.retired.splice(0);
	entry.closing = Promise.allSettled([
		entry.opening.then(closeClient),
		...retired.map(closeClient),
	]).then(async () => await releaseLease(entry));
	return entry.closing;
}

/** Hands the login to the next process only after our connection is closed. */
async function releaseLease(entry: PoolEntry) {
	await (await entry.lease.catch(() => undefined))?.release();
}

/** Connects once this process may use the login (queue mode: its lease), keeping the lease with the entry. */
function connectWithLease(account: TelegramAccount, key: string, after: Promise<unknown>) {
	const lease = takeConnectionLease(key);
	const opening = lease.then(async (held) => {
		await after;
		const opened = openClient(account);
		// A connection that failed leaves the session to the next process at once.
		opened.catch(async () => await held?.release()).catch(() => undefined);
		return await opened;
	});
	return { lease, opening };
}

function discard(entry: PoolEntry) {
	entry.discarded = true;
	if (entries.get(entry.key) === entry) entries.delete(entry.key);
}

function acquire(account: TelegramAccount): PoolEntry {
	const key = accountKey(account);
	let entry = entries.get(key);
	if (!entry) {
		// The same login under other settings (the credential's proxy or server changed): Telegram
		// revokes a session used from two connections at once, so an idle one is closed first.
		const sameLogin = [...entries.values()].filter(
			(other) => other.account.session === account.session && other.users === 0,
		);
		const created: PoolEntry = {
			key,
			account,
			...connectWithLease(account, key, Promise.all(sameLogin.map(closeEntry))),
			users: 0,
			discarded: false,
			retired: [],
			keepers: 0,
		};
		void created.lease
			.then((held) => held?.whenWanted(() => handOver(created)))
			.catch(() => undefined);
		// A failed connect is not kept: the next item or execution tries again.
		created.opening.catch(() => discard(created));
		entries.set(key, created);
		entry = created;
	}
	entry.users++;
	clearTimeout(entry.idleTimer);
	entry.idleTimer = undefined;
	return entry;
}

/**
 * Queue mode: another process waits for this login. Calls in flight finish on this client; later
 * ones here queue for the lease like everyone else, so a busy process cannot starve the others.
 * A trigger's connection is never handed over (it would stop listening).
 */
function handOver(entry: PoolEntry) {
	if (entry.keepers > 0) return;
	discard(entry);
	if (entry.users === 0) void closeEntry(entry);
}

async function release(entry: PoolEntry) {
	entry.users--;
	if (entry.users > 0) return;
	if (entry.discarded) return void closeEntry(entry);
	await Promise.allSettled(entry.retired.splice(0).map(closeClient));
	const open = await entry.opening.catch(() => undefined);
	if (entry.users > 0) return;
	open?.sockets.release();
	entry.idleTimer = setTimeout(() => void closeEntry(entry), IDLE_CLOSE_MS);
	// The idle timer must not keep the process alive: a manual run ends when its work does.
	entry.idleTimer.unref();
}

/**
 * Telegram keeps an account on one data center; USER_MIGRATE_X says it is on X. The login is
 * carried over as Telegram documents it: auth.exportAuthorization on the old DC, a new key on X
 * (DH), auth.importAuthorization there. The new client serves the account until it idles out.
 */
async function migrate(entry: PoolEntry, dcId: number): Promise<void> {
	const old = await entry.opening;
	const { Api } = old.gram;
	const exported = await withTimeout(
		old.client.invoke(new Api.auth.ExportAuthorization({ dcId })),
		MIGRATION_TIMEOUT_MS,
	);
	const address = await withTimeout(old.dcAddress(dcId), MIGRATION_TIMEOUT_MS);
	const fresh = await openClient({ ...entry.account, session: '', server: { ...address, dcId } });
	const imported = await withTimeout(
		fresh.client.invoke(
			new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes }),
		),
		MIGRATION_TIMEOUT_MS,
	).then(
		() => undefined,
		(error: unknown) => error,
	);
	if (imported !== undefined) {
		await closeClient(fresh);
		throw imported;
	}
	entry.retired.push(old);
	entry.opening = Promise.resolve(fresh);
}

function sessionOf(entry: PoolEntry, open: { current: OpenClient }): TelegramSession {
	return {
		get gram() {
			return open.current.gram;
		},
		get client() {
			return open.current.client;
		},
		accountKey: entry.key,
		discard: () => discard(entry),
		migrate: async (dcId: number) => {
			await migrate(entry, dcId);
			open.current = await entry.opening;
			open.current.sockets.hold();
		},
	};
}

/** Runs `use` with the account's connected client, connecting first if needed. */
export async function withTelegram<T>(
	account: TelegramAccount,
	use: (session: TelegramSession) => Promise<T>,
	{ keepsConnection = false }: { keepsConnection?: boolean } = {},
): Promise<T> {
	const entry = acquire(account);
	if (keepsConnection) entry.keepers++;
	try {
		const open = { current: await entry.opening };
		open.current.sockets.hold();
		return await use(sessionOf(entry, open));
	} finally {
		if (keepsConnection) entry.keepers--;
		await release(entry);
	}
}

/** Closes every pooled client now (tests, shutdown). */
export async function closeAllTelegramClients(): Promise<void> {
	const all = [...entries.values()];
	entries.clear();
	await Promise.allSettled(
		all.map(async (entry) => {
			clearTimeout(entry.idleTimer);
			await Promise.allSettled([
				entry.opening.then(closeClient),
				...entry.retired.splice(0).map(closeClient),
			]);
			await releaseLease(entry);
		}),
	);
	await closeLeaseConnection();
}
