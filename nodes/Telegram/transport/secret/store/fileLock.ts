import { randomBytes } from 'node:crypto';
import { type BigIntStats, readlinkSync, statSync } from 'node:fs';
import { type FileHandle, link, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { errorCode, SecretStoreError, undefinedOn, unavailable } from './errors';

/**
 * A chat's lock between processes sharing the folder: a lock file that names its owner, written
 * whole to a temp file and hard-linked into place (link fails if the lock exists), so nobody ever
 * sees an empty lock file whose owner cannot be told. The owner touches it every third of the lease; a lock file is stale when
 * its owner has not touched it for a whole lease, or at once when its owner is a process on this
 * machine that no longer runs. A stale lock is removed under a short "breaker" file, after
 * checking it is still the same lock, so two waiters cannot remove a fresh lock between them.
 */

interface LockOwner {
	token: string;
	pid: number;
	/** Host name plus PID namespace: a PID only means something on the same machine and namespace. */
	host: string;
	/** Random per process: after a restart under the same PID (PID 1 in a container) the old lock is not ours. */
	instance: string;
	since: string;
}

const INSTANCE = randomBytes(8).toString('hex');
const HOST = hostIdentity();

function hostIdentity(): string {
	try {
		return `${hostname()}/${readlinkSync('/proc/self/ns/pid')}`;
	} catch {
		return hostname();
	}
}

function processIsGone(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		// EPERM: it runs, under another user.
		return errorCode(error) === 'ESRCH';
	}
}

interface SeenLock {
	owner?: LockOwner;
	/** The file's inode with its token: tells "the lock we judged" from a new one at the same path. */
	identity: string;
	touchedAt: number;
}

async function inspect(path: string): Promise<SeenLock | undefined> {
	const text = await readFile(path, 'utf8').catch(undefinedOn('ENOENT'));
	const info = text === undefined ? undefined : await stat(path).catch(undefinedOn('ENOENT'));
	if (text === undefined || !info) return undefined;
	let owner: LockOwner | undefined;
	try {
		owner = JSON.parse(text) as LockOwner;
	} catch {
		// Its creator died between creating and writing it: only the lease can free it.
	}
	return { owner, identity: `${info.ino}:${owner?.token ?? ''}`, touchedAt: info.mtimeMs };
}

function isStale(lock: SeenLock, leaseMs: number): boolean {
	if (Date.now() - lock.touchedAt > leaseMs) return true;
	const owner = lock.owner;
	if (!owner || owner.host !== HOST) return false;
	if (owner.pid === process.pid) return owner.instance !== INSTANCE;
	return processIsGone(owner.pid);
}

async function removeIfStillStale(path: string, seen: SeenLock, leaseMs: number) {
	const breaker = `${path}.break`;
	const handle = await open(breaker, 'wx', 0o600).catch(undefinedOn('EEXIST'));
	if (!handle) {
		// Someone else is breaking it; a breaker left by a crash is itself stale after a lease.
		const info = await stat(breaker).catch(() => undefined);
		if (info && Date.now() - info.mtimeMs > leaseMs) await unlink(breaker).catch(() => undefined);
		return;
	}
	try {
		await handle.close();
		const now = await inspect(path);
		if (now && now.identity === seen.identity && isStale(now, leaseMs))
			await unlink(path).catch(() => undefined);
	} finally {
		await unlink(breaker).catch(() => undefined);
	}
}

export interface FileLockHandle {
	/** Throws 'lost-lock' unless the lock file is still ours (checked right before each write). */
	assertHeld(): Promise<void>;
	release(): Promise<void>;
}

export interface FileLockRequest {
	path: string;
	chatId: number;
	/** Names the chat in messages. */
	describe: string;
	leaseMs: number;
	deadline: number;
}

export async function acquireFileLock(request: FileLockRequest): Promise<FileLockHandle> {
	const { path, chatId } = request;
	const owner: LockOwner = {
		token: randomBytes(16).toString('hex'),
		pid: process.pid,
		host: HOST,
		instance: INSTANCE,
		since: new Date().toISOString(),
	};
	const temp = lockTempPath(path);
	try {
		for (let attempt = 0; ; attempt++) {
			const created = await createLockFile(path, temp, JSON.stringify(owner)).catch(
				(error: unknown) => {
					throw unavailable(
						`Cannot lock secret chat ${chatId} (${request.describe})`,
						error,
						chatId,
					);
				},
			);
			if (created) return holdFileLock(request, owner.token, created);
			await waitOrClearLock(request, attempt);
		}
	} finally {
		await unlink(temp).catch(() => undefined);
	}
}

/** Where a lock file is prepared; a leftover one (a crash between writing and linking) matches lockTempPrefix. */
function lockTempPath(path: string): string {
	return join(
		dirname(path),
		`${lockTempPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
	);
}

export function lockTempPrefix(path: string): string {
	return `.${basename(path)}.`;
}

/** Our lock file, open while we hold it (its inode cannot be reused meanwhile); undefined when someone else holds the lock. */
async function createLockFile(
	path: string,
	temp: string,
	content: string,
): Promise<FileHandle | undefined> {
	const bytes = Buffer.from(content, 'utf8');
	// Written for every attempt: the link keeps the temp's time, which must be now, not when we began waiting.
	const handle = await open(temp, 'w', 0o600);
	const failure = await handle
		.write(bytes, 0, bytes.length, 0)
		.then(async () => await link(temp, path))
		.then(
			() => undefined,
			(error: unknown) => error ?? new Error('the lock file could not be created'),
		);
	if (failure === undefined) return handle;
	await handle.close();
	if (errorCode(failure) === 'EEXIST' || errorCode(failure) === 'ENOENT') return undefined;
	if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(errorCode(failure) ?? ''))
		throw failure;
	// A file system without hard links: create exclusively and write (a crash in between leaves an
	// empty lock file, which only its lease frees).
	const direct = await open(path, 'wx', 0o600).catch(undefinedOn('EEXIST'));
	if (!direct) return undefined;
	let written = false;
	try {
		await direct.write(bytes, 0, bytes.length, 0);
		written = true;
	} finally {
		if (!written) await direct.close();
	}
	return direct;
}

/** Returns at once when the lock is gone or was stale and removed, else after a short pause; throws at the deadline. */
async function waitOrClearLock(request: FileLockRequest, attempt: number): Promise<void> {
	const { path, chatId, leaseMs, deadline } = request;
	const seen = await inspect(path).catch((error: unknown) => {
		throw unavailable(
			`Cannot read the lock of secret chat ${chatId} (${request.describe})`,
			error,
			chatId,
		);
	});
	if (!seen) return;
	if (isStale(seen, leaseMs)) {
		await removeIfStillStale(path, seen, leaseMs).catch((error: unknown) => {
			throw unavailable(
				`Cannot remove the stale lock of secret chat ${chatId} (${request.describe})`,
				error,
				chatId,
			);
		});
		return;
	}
	if (Date.now() >= deadline) {
		const by = seen.owner
			? `process ${seen.owner.pid} on ${seen.owner.host.split('/')[0]}, since ${seen.owner.since}`
			: 'a process that is starting';
		throw new SecretStoreError(
			`Secret chat ${chatId} (${request.describe}) is still locked by another run (${by}); nothing was sent or saved. Try again when it is done; a lock left by a crash expires ${Math.round(leaseMs / 1000)} s after its last renewal.`,
			'locked',
			chatId,
		);
	}
	await pause(attempt);
}

/** 10 ms, doubling up to 200 ms, with jitter so waiting processes do not retry in step. */
function pause(attempt: number): Promise<void> {
	const ms = Math.min(10 * 2 ** attempt, 200) * (0.5 + Math.random() / 2);
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What stat says about a file, enough to tell whether it changed since (identity, size, times). */
type FileLook = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

/**
 * The lock file's look, undefined when it is gone or cannot be read. Synchronous: a stat of a file
 * this process just created comes from the kernel's cache in microseconds, where the thread-pool
 * round trip of an asynchronous one cost ~0.3-1 ms per save (a wake-up of a pool thread each) on
 * a busy machine, and it is asked before every write.
 */
function lookAt(path: string): FileLook | undefined {
	try {
		return statSync(path, { bigint: true, throwIfNoEntry: false });
	} catch {
		return undefined;
	}
}

const sameLook = (a: FileLook, b: FileLook) =>
	a.dev === b.dev &&
	a.ino === b.ino &&
	a.size === b.size &&
	a.mtimeNs === b.mtimeNs &&
	a.ctimeNs === b.ctimeNs;

function holdFileLock(request: FileLockRequest, token: string, handle: FileHandle): FileLockHandle {
	const { path, chatId, leaseMs } = request;
	let lost = false;
	let released = false;
	/** How the lock file looked when its token was last read and found ours. */
	let verified: FileLook | undefined;

	/**
	 * Checked before every write. Someone taking the lock over removes ours and links a new file
	 * (a new inode: ours stays open here, so its number cannot be reused), so a lock file that
	 * looks exactly as when its token was last read as ours is still ours; otherwise (after our
	 * renewal too) the token is read again.
	 */
	async function stillOurs(): Promise<boolean> {
		const look = lookAt(path);
		if (!look) return false;
		if (verified && sameLook(look, verified)) return true;
		const text = await readFile(path, 'utf8').catch(() => undefined);
		if (text === undefined) return false;
		let ours = false;
		try {
			ours = (JSON.parse(text) as Partial<LockOwner>).token === token;
		} catch {
			ours = false;
		}
		// The look was taken before the read: had the file changed in between, the read saw the new one.
		verified = ours ? look : undefined;
		return ours;
	}

	const renewal = setInterval(
		() => {
			void (async () => {
				if (released || lost) return;
				if (!(await stillOurs())) {
					lost = true;
					return;
				}
				const now = new Date();
				await utimes(path, now, now).catch(() => undefined);
			})();
		},
		Math.max(1, Math.floor(leaseMs / 3)),
	);
	// Renewal must not keep a finished process alive; while the update runs, its own work does.
	renewal.unref();

	return {
		async assertHeld() {
			if (!lost && (await stillOurs())) return;
			lost = true;
			throw new SecretStoreError(
				`Secret chat ${chatId} (${request.describe}): this run's lock on it was not renewed for ${Math.round(leaseMs / 1000)} s (the process stalled) and another run took it over; this change was not saved. If both runs sent messages, the chat's sequence numbers may no longer match the other side's.`,
				'lost-lock',
				chatId,
			);
		},
		async release() {
			if (released) return;
			released = true;
			clearInterval(renewal);
			if (await stillOurs()) await unlink(path).catch(() => undefined);
			await handle.close().catch(() => undefined);
		},
	};
}
