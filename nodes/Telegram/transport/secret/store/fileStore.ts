import { randomBytes } from 'node:crypto';
import {
	chmod,
	link,
	mkdir,
	open,
	readdir,
	readFile,
	realpath,
	rename,
	unlink,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorCode, SecretStoreError, unavailable } from './errors';
import { acquireFileLock, lockTempPrefix } from './fileLock';
import { newStoreKeyFile, unlockStoreKeyFile } from './storeKey';
import type { ChatBlobBackend, HeldChatLock, SecretStoreTimings } from './types';

/**
 * The default store: <folder>/<accountId>/ holds store.json (key file), chat_<id>.sealed per chat
 * and chat_<id>.lock while a chat is being changed. Writes go to a temp file that is synced and
 * renamed over the old one, so a crash leaves the old state or the new one, never half of either;
 * temp files are dot files the store never reads and removes on the chat's next update.
 */

const KEY_FILE = 'store.json';
const CHAT_FILE = /^chat_(-?\d+)\.sealed$/;

const chatFile = (chatId: number) => `chat_${chatId}.sealed`;
const lockFile = (chatId: number) => `chat_${chatId}.lock`;
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

function fileBackend(dir: string, timings: SecretStoreTimings): ChatBlobBackend {
	const describeChat = (chatId: number) => join(dir, chatFile(chatId));
	return {
		location: `file:${dir}`,
		describeChat,

		async read(chatId) {
			try {
				return await readFile(describeChat(chatId));
			} catch (error) {
				if (errorCode(error) === 'ENOENT') return undefined;
				throw unavailable(
					`Cannot read secret chat ${chatId} (${describeChat(chatId)})`,
					error,
					chatId,
				);
			}
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
			const lock = await acquireFileLock({
				path: join(dir, lockFile(chatId)),
				chatId,
				describe: path,
				leaseMs: timings.leaseMs,
				deadline,
			});
			await removeLeftoverTemps(dir, chatId);
			return {
				async write(blob) {
					const temp = join(dir, newTempName(chatFile(chatId)));
					try {
						await writeSynced(temp, blob);
						await lock.assertHeld();
						await rename(temp, path);
					} catch (error) {
						await unlink(temp).catch(() => undefined);
						throw unavailable(`Cannot save secret chat ${chatId} (${path})`, error, chatId);
					}
					await syncFolder(dir);
				},
				async remove() {
					await lock.assertHeld();
					try {
						await unlink(path);
					} catch (error) {
						if (errorCode(error) === 'ENOENT') return;
						throw unavailable(`Cannot delete secret chat ${chatId} (${path})`, error, chatId);
					}
					await syncFolder(dir);
				},
				release: () => lock.release(),
			};
		},

		async close() {},
	};
}
