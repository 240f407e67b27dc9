import { createHash, randomBytes } from 'node:crypto';
import {
	chmod,
	type FileHandle,
	link,
	mkdir,
	open,
	readdir,
	readFile,
	realpath,
	rename,
	unlink,
} from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorCode, SecretStoreError, undefinedOn, unavailable } from './errors';
import { acquireFileLock, lockTempPrefix } from './fileLock';
import { newStoreKeyFile, unlockStoreKeyFile } from './storeKey';
import type { ChatBlobBackend, HeldChatLock, SavedChat, SecretStoreTimings } from './types';

/**
 * The default store: <folder>/<accountId>/ holds store.json (key file), per chat a snapshot
 * chat_<id>.sealed and a journal chat_<id>.journal, and chat_<id>.lock while a chat is being
 * changed. A save appends one sealed record to the journal with one synced write (a send costs
 * one sync, not a whole-file rewrite and two syncs): what changed since the record before it, or
 * a whole state. Every 64 records, or for a large state, the whole state becomes the new snapshot
 * instead: a temp file synced and renamed over the old one, after which the old journal is void
 * (each journal names the snapshot it continues) and removed. A record is appended only once the
 * ones before it are synced, so the journal always holds a whole prefix of the saves; a crash
 * leaves the old state or the new one, never half of either; temp files are dot files the store
 * never reads and removes on the chat's next update. Stores written before the journal existed
 * are plain snapshots, and journals written before change records hold whole states: both open
 * as they are.
 */

const KEY_FILE = 'store.json';
const CHAT_FILE = /^chat_(-?\d+)\.sealed$/;

const chatFile = (chatId: number) => `chat_${chatId}.sealed`;
const lockFile = (chatId: number) => `chat_${chatId}.lock`;
const journalFile = (chatId: number) => `chat_${chatId}.journal`;
const newTempName = (name: string) =>
	`.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

/** Opens (or creates) the account's folder and returns its backend and the unlocked store key. */
export async function openFileBackend(
	folder: string,
	accountId: string,
	secret: string,
	timings: SecretStoreTimings,
): Promise<{ backend: ChatBlobBackend; key: Buffer }> {
	const root = resolve(folder);
	let dir = join(root, accountId);
	try {
		// Folders created here are private; a folder the user chose and made keeps its permissions,
		// only the account's own subfolder (ours by name) is made private if it already existed.
		await mkdir(dir, { recursive: true, mode: 0o700 });
		await chmod(dir, 0o700).catch(() => undefined);
		dir = await realpath(dir);
	} catch (error) {
		throw unavailable(`Cannot create the secret-chat folder ${dir}`, error);
	}
	const key = await unlockOrCreateKeyFile(dir, accountId, secret);
	return { backend: fileBackend(dir, timings), key };
}

async function listChatIds(dir: string): Promise<number[]> {
	const names = await readdir(dir);
	return names.flatMap((name) => {
		const match = CHAT_FILE.exec(name);
		return match ? [Number(match[1])] : [];
	});
}

async function unlockOrCreateKeyFile(
	dir: string,
	accountId: string,
	secret: string,
): Promise<Buffer> {
	const path = join(dir, KEY_FILE);
	const existing = await readFile(path, 'utf8').catch((error: unknown) => {
		if (errorCode(error) === 'ENOENT') return undefined;
		throw unavailable(`Cannot read ${path}`, error);
	});
	if (existing !== undefined) {
		const unlocked = await unlockStoreKeyFile(existing, secret, accountId, path);
		if (unlocked.upgraded) await replaceKeyFile(dir, path, unlocked.upgraded);
		return unlocked.key;
	}

	const orphans = await listChatIds(dir).catch((error: unknown) => {
		throw unavailable(`Cannot list ${dir}`, error);
	});
	if (orphans.length > 0) {
		// Making a new key file now would orphan those chats for good; this is never silent.
		throw new SecretStoreError(
			`The key file ${path} is missing but ${orphans.length} secret chat(s) are saved beside it (e.g. chat ${orphans[0]}); without it they cannot be opened. Nothing was reset; restore ${KEY_FILE} from a backup, or move the folder away to start with no secret chats.`,
			'damaged',
		);
	}
	const created = await newStoreKeyFile(secret, accountId);
	const temp = join(dir, newTempName(KEY_FILE));
	try {
		await writeSynced(temp, Buffer.from(created.text, 'utf8'));
		// link() fails if another process created the key file first: then theirs is the one.
		await link(temp, path);
		await syncFolder(dir);
		return created.key;
	} catch (error) {
		created.key.fill(0);
		if (errorCode(error) !== 'EEXIST') throw unavailable(`Cannot create ${path}`, error);
		const theirs = await unlockStoreKeyFile(await readFile(path, 'utf8'), secret, accountId, path);
		return theirs.key;
	} finally {
		await unlink(temp).catch(() => undefined);
	}
}

/**
 * Swaps in the key file re-sealed at today's cost (same data key, so the chats are untouched). A
 * crash leaves the old file or the new one; if it cannot be written the store still opens, and the
 * upgrade is tried again next time.
 */
async function replaceKeyFile(dir: string, path: string, text: string) {
	const temp = join(dir, newTempName(KEY_FILE));
	try {
		await writeSynced(temp, Buffer.from(text, 'utf8'));
		await rename(temp, path);
		await syncFolder(dir);
	} catch {
		await unlink(temp).catch(() => undefined);
	}
}

async function writeSynced(path: string, data: Buffer) {
	const handle = await open(path, 'wx', 0o600);
	try {
		await handle.writeFile(data);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Makes a rename or unlink in `dir` durable; not possible on every platform, and then skipped. */
async function syncFolder(dir: string) {
	try {
		const handle = await open(dir, 'r');
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	} catch {
		// Windows cannot open a folder for syncing.
	}
}

/**
 * Removes temp files crashed writers of this chat left (state and lock); safe only while holding
 * the chat's lock. A live waiter whose lock temp goes simply writes it again.
 */
async function removeLeftoverTemps(dir: string, chatId: number) {
	const prefixes = [`.${chatFile(chatId)}.`, lockTempPrefix(lockFile(chatId))];
	const names = await readdir(dir).catch(() => [] as string[]);
	const leftovers = names.filter(
		(name) => name.endsWith('.tmp') && prefixes.some((prefix) => name.startsWith(prefix)),
	);
	await Promise.all(leftovers.map((name) => unlink(join(dir, name)).catch(() => undefined)));
}

/** Where a chat's journal stands, as read under its lock; the next record goes at `size`. */
interface JournalPosition {
	/** SHA-256 of the snapshot the journal continues; undefined when the chat has no snapshot. */
	base?: Buffer;
	/** Bytes of the journal that hold whole records for this snapshot (0: none, start afresh). */
	size: number;
	records: number;
}

const JOURNAL_MAGIC = Buffer.from('TSJ1', 'latin1');
const JOURNAL_HEADER_BYTES = JOURNAL_MAGIC.length + 32;
/** Per record: its length (4 bytes), a check (8), then the sealed blob. */
const RECORD_HEADER_BYTES = 12;
/** A journal this long (or a state this large) is folded into a new snapshot. */
const COMPACT_RECORDS = 64;
const COMPACT_BYTES = 512 * 1024;
/**
 * A new journal is written with zeros after its first record up to this size (64 records of a
 * short text's change fit), in the same synced write. Later records overwrite those zeros in
 * place: the file's size does not change, so a synced write only waits for its data, not for
 * the file system's own journal as an append that grows the file does (ext4, xfs). A zeroed tail
 * reads as the end of the records (a record's check is never zero). Past it, records append.
 */
const JOURNAL_PREALLOCATED_BYTES = 64 * 1024;

/**
 * How the journal is opened. On Linux with O_DSYNC, a write returns once its data (and the size)
 * is on disk, as write + fdatasync would (both are "synchronized I/O data integrity completion"),
 * in one call. Elsewhere a datasync follows each write: on macOS libuv's datasync is a full
 * F_FULLFSYNC, which O_DSYNC is not.
 */
const JOURNAL_FLAGS =
	process.platform === 'linux' && constants.O_DSYNC
		? {
				synced: true,
				fresh: constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_DSYNC,
				append: constants.O_RDWR | constants.O_DSYNC,
			}
		: { synced: false, fresh: 'w', append: 'r+' };

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
/** Ties a record to its place after one snapshot: a record of an older journal never passes. */
const recordCheck = (base: Buffer, blob: Buffer) =>
	createHash('sha256').update(base).update(blob).digest().subarray(0, 8);

function readOrNothing(path: string): Promise<Buffer | undefined> {
	return readFile(path).catch(undefinedOn('ENOENT'));
}

/**
 * The chat as saved: its snapshot, then the whole records of the journal that continues it. A
 * record cut short or garbled at the end is one whose write never finished (its sync had not
 * returned, so nothing it sealed was sent): it and anything after it are skipped, and
 * overwritten next.
 */
async function readChatFiles(
	snapshotPath: string,
	journalPath: string,
): Promise<{ saved?: SavedChat; position: JournalPosition }> {
	const snapshot = await readOrNothing(snapshotPath);
	if (!snapshot) return { position: { size: 0, records: 0 } };
	const base = sha256(snapshot);
	const journal = await readOrNothing(journalPath);
	const start: JournalPosition = { base, size: 0, records: 0 };
	if (
		!journal ||
		journal.length < JOURNAL_HEADER_BYTES ||
		!journal.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC) ||
		!journal.subarray(JOURNAL_MAGIC.length, JOURNAL_HEADER_BYTES).equals(base)
	)
		return { saved: [snapshot], position: start };
	const saved = [snapshot];
	let offset = JOURNAL_HEADER_BYTES;
	let records = 0;
	while (offset + RECORD_HEADER_BYTES <= journal.length) {
		const length = journal.readUInt32BE(offset);
		const end = offset + RECORD_HEADER_BYTES + length;
		if (end > journal.length) break;
		const blob = journal.subarray(offset + RECORD_HEADER_BYTES, end);
		if (!recordCheck(base, blob).equals(journal.subarray(offset + 4, offset + RECORD_HEADER_BYTES)))
			break;
		saved.push(blob);
		offset = end;
		records++;
	}
	return { saved, position: { base, size: offset, records } };
}

function fileBackend(dir: string, timings: SecretStoreTimings): ChatBlobBackend {
	const describeChat = (chatId: number) => join(dir, chatFile(chatId));
	const journalPath = (chatId: number) => join(dir, journalFile(chatId));
	const readFailed = (chatId: number) => (error: unknown) => {
		throw unavailable(`Cannot read secret chat ${chatId} (${describeChat(chatId)})`, error, chatId);
	};
	return {
		location: `file:${dir}`,
		describeChat,

		async read(chatId) {
			const { saved } = await readChatFiles(describeChat(chatId), journalPath(chatId)).catch(
				readFailed(chatId),
			);
			return saved;
		},

		async listChatIds() {
			try {
				return await listChatIds(dir);
			} catch (error) {
				throw unavailable(`Cannot list the secret chats in ${dir}`, error);
			}
		},

		async lock(chatId, deadline): Promise<HeldChatLock> {
			const path = describeChat(chatId);
			const journal = journalPath(chatId);
			const lock = await acquireFileLock({
				path: join(dir, lockFile(chatId)),
				chatId,
				describe: path,
				leaseMs: timings.leaseMs,
				deadline,
			});
			await removeLeftoverTemps(dir, chatId);
			let position: JournalPosition | undefined;
			/** The journal, open while the lock is held (a send then costs a write and a sync, no open or close). */
			let journalHandle: FileHandle | undefined;

			async function closeJournal() {
				const handle = journalHandle;
				journalHandle = undefined;
				await handle?.close().catch(() => undefined);
			}

			/** Writes at `at` and syncs; `fresh` starts the journal file anew. */
			async function writeJournal(data: Buffer, at: number, fresh: boolean) {
				if (fresh) {
					await closeJournal();
					journalHandle = await open(journal, JOURNAL_FLAGS.fresh, 0o600);
				} else journalHandle ??= await open(journal, JOURNAL_FLAGS.append, 0o600);
				await journalHandle.write(data, 0, data.length, at);
				if (!JOURNAL_FLAGS.synced) await journalHandle.datasync();
			}

			/** Replaces the snapshot (temp file, synced, renamed, folder synced); the old journal is void from then on. */
			async function writeSnapshot(blob: Buffer) {
				const temp = join(dir, newTempName(chatFile(chatId)));
				let renamed = false;
				try {
					await writeSynced(temp, blob);
					await lock.assertHeld();
					await rename(temp, path);
					renamed = true;
				} finally {
					if (!renamed) await unlink(temp).catch(() => undefined);
				}
				await syncFolder(dir);
				position = { base: sha256(blob), size: 0, records: 0 };
				// Void already (it continues the old snapshot); removed so no old state lingers on disk.
				await closeJournal();
				await unlink(journal).catch(() => undefined);
			}

			/** Appends one record (one synced write); the first record of a journal also writes its header. */
			async function appendRecord(blob: Buffer, at: JournalPosition & { base: Buffer }) {
				const header = Buffer.alloc(RECORD_HEADER_BYTES);
				header.writeUInt32BE(blob.length, 0);
				recordCheck(at.base, blob).copy(header, 4);
				await lock.assertHeld();
				if (at.size === 0) {
					const first = Buffer.concat([JOURNAL_MAGIC, at.base, header, blob]);
					const zeros = Buffer.alloc(Math.max(0, JOURNAL_PREALLOCATED_BYTES - first.length));
					await writeJournal(Buffer.concat([first, zeros]), 0, true);
					// A new file's name must be durable too, or a crash could lose the journal.
					await syncFolder(dir);
					position = {
						...at,
						size: JOURNAL_HEADER_BYTES + header.length + blob.length,
						records: 1,
					};
				} else {
					await writeJournal(Buffer.concat([header, blob]), at.size, false);
					position = {
						...at,
						size: at.size + header.length + blob.length,
						records: at.records + 1,
					};
				}
			}

			/** Where the files stand is unknown after a failure: read again before the next write. */
			async function failed(error: unknown): Promise<never> {
				position = undefined;
				await closeJournal();
				throw unavailable(`Cannot save secret chat ${chatId} (${path})`, error, chatId);
			}

			return {
				async read() {
					const read = await readChatFiles(path, journal).catch(readFailed(chatId));
					position = read.position;
					return read.saved;
				},
				async append(change) {
					const at = position;
					// A change builds on the record before it: only where that record is known to stand.
					if (
						at?.base === undefined ||
						at.records >= COMPACT_RECORDS ||
						at.size + RECORD_HEADER_BYTES + change.length > COMPACT_BYTES
					)
						return false;
					await appendRecord(change, { ...at, base: at.base }).catch(failed);
					return true;
				},
				async write(blob) {
					try {
						position ??= (await readChatFiles(path, journal)).position;
						const at = position;
						const grown = at.size + RECORD_HEADER_BYTES + blob.length;
						if (
							at.base === undefined ||
							at.records >= COMPACT_RECORDS ||
							grown > COMPACT_BYTES ||
							blob.length > COMPACT_BYTES / 4
						)
							await writeSnapshot(blob);
						else await appendRecord(blob, { ...at, base: at.base });
					} catch (error) {
						await failed(error);
					}
				},
				async remove() {
					await lock.assertHeld();
					position = undefined;
					await closeJournal();
					try {
						// The snapshot first: a journal without one is never read.
						await unlink(path);
					} catch (error) {
						if (errorCode(error) === 'ENOENT') return;
						throw unavailable(`Cannot delete secret chat ${chatId} (${path})`, error, chatId);
					}
					await unlink(journal).catch(() => undefined);
					await syncFolder(dir);
				},
				async release() {
					await closeJournal();
					await lock.release();
				},
			};
		},

		async close() {},
	};
}
