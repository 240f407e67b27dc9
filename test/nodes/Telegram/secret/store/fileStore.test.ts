import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
	chmod,
	cp,
	mkdir,
	mkdtemp,
	readdir,
	readFile,
	rm,
	stat,
	unlink,
	utimes,
	writeFile,
} from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
	defaultSecretStoreFolder,
	type SecretStoreConfig,
} from '../../../../../nodes/Telegram/transport/secret/store';
import {
	chatBinding,
	checkBinding,
	deriveStoreKey,
	sealBlob,
} from '../../../../../nodes/Telegram/transport/secret/store/sealing';
import { encodeState } from '../../../../../nodes/Telegram/transport/secret/store/stateCodec';
import { startWorker } from './fixtures/harness';
import {
	newAccount,
	parkedLocksLapse,
	rejectsWithStoreError,
	sampleChat,
	SECRET,
	storeContract,
	trackStores,
} from './fixtures/storeContract';

let folder = '';
const config = (accountId: string, secret = SECRET): SecretStoreConfig => ({
	kind: 'file',
	folder,
	accountId,
	secret,
});
const chatPath = (accountId: string, chatId: number) =>
	join(folder, accountId, `chat_${chatId}.sealed`);
const lockPath = (accountId: string, chatId: number) =>
	join(folder, accountId, `chat_${chatId}.lock`);

/** Bytes of a journal in use: the records, without the zeros written ahead of them. */
async function journalBytesInUse(path: string): Promise<number> {
	const bytes = await readFile(path);
	let end = bytes.length;
	while (end > 0 && bytes[end - 1] === 0) end--;
	return end;
}

async function snapshot(accountId: string): Promise<string> {
	const dir = join(folder, accountId);
	const names = (await readdir(dir)).sort();
	const hash = createHash('sha256');
	for (const name of names)
		hash
			.update(`${name}\0`)
			.update(await readFile(join(dir, name)))
			.update('\0');
	return `${names.join(',')}:${hash.digest('hex')}`;
}

describe('secret-chat store: file', () => {
	const open = trackStores();

	before(async () => {
		folder = join(
			await mkdtemp(join(tmpdir(), 'secret-store-')),
			'nested',
			'telegram-secret-chats',
		);
	});
	after(async () => {
		await rm(join(folder, '..', '..'), { recursive: true, force: true });
	});

	storeContract({
		config,
		readBlob: (accountId, chatId) => readFile(chatPath(accountId, chatId)).catch(() => undefined),
		writeBlob: (accountId, chatId, blob) => writeFile(chatPath(accountId, chatId), blob),
		snapshot,
		copyAccount: (from, to) => cp(join(folder, from), join(folder, to), { recursive: true }),
		async stealLock(accountId, chatId) {
			await writeFile(
				lockPath(accountId, chatId),
				JSON.stringify({
					token: 'someone-else',
					pid: 1,
					host: 'elsewhere',
					instance: 'x',
					since: new Date().toISOString(),
				}),
			);
		},
	});

	test('files are 0600 and folders 0700', async () => {
		const account = newAccount();
		const store = await open(config(account));
		await store.update(1, async () => ({ next: sampleChat(1), result: undefined }));
		await store.close();
		for (const dir of [folder, join(folder, account)])
			assert.equal((await stat(dir)).mode & 0o777, 0o700, dir);
		const names = await readdir(join(folder, account));
		assert.deepEqual(names.sort(), ['chat_1.sealed', 'store.json']);
		for (const name of names)
			assert.equal((await stat(join(folder, account, name))).mode & 0o777, 0o600, name);
	});

	test('a store made with the old key file (scrypt N=2^15, version 1) opens, and its key file is re-sealed at N=2^17 with the chats untouched', async () => {
		const account = newAccount();
		const dir = join(folder, account);
		await mkdir(dir, { recursive: true });
		const kdf = { N: 2 ** 15, r: 8, p: 1, salt: randomBytes(16) };
		const oldKey = await deriveStoreKey(SECRET, kdf);
		const v1 = {
			format: 'telegram-secret-chats',
			version: 1,
			accountId: account,
			kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt.toString('base64') },
			check: sealBlob(
				oldKey,
				Buffer.from('telegram-secret-chats store check', 'utf8'),
				checkBinding(account),
			).toString('base64'),
		};
		await writeFile(join(dir, 'store.json'), JSON.stringify(v1));
		const chatBlob = sealBlob(oldKey, encodeState(sampleChat(1)), chatBinding(account, 1));
		await writeFile(chatPath(account, 1), chatBlob);

		const store = await open(config(account));
		assert.deepEqual(await store.get(1), sampleChat(1));
		await store.close();
		const upgraded = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as {
			version: number;
			kdf: { N: number; salt: string };
			check?: string;
		};
		assert.equal(upgraded.version, 2);
		assert.ok(upgraded.kdf.N >= 2 ** 17, `N=${upgraded.kdf.N}`);
		assert.notEqual(upgraded.kdf.salt, v1.kdf.salt, 'a new salt');
		assert.equal(upgraded.check, undefined, 'the old check value (a cheap guess target) is gone');
		assert.deepEqual(await readFile(chatPath(account, 1)), chatBlob, 'the chat was not rewritten');

		const again = await open(config(account));
		assert.deepEqual(await again.get(1), sampleChat(1));
		await again.update(2, async () => ({ next: sampleChat(2), result: undefined }));
		assert.deepEqual(await again.get(2), sampleChat(2));
		await again.close();
		await rejectsWithStoreError(open(config(account, 'not the storage secret')), 'wrong-secret');
	});

	test('a new store records scrypt N=2^17 or more in its key file', async () => {
		const account = newAccount();
		await (await open(config(account))).close();
		const file = JSON.parse(await readFile(join(folder, account, 'store.json'), 'utf8')) as {
			version: number;
			kdf: { N: number; r: number };
		};
		assert.equal(file.version, 2);
		assert.ok(file.kdf.N >= 2 ** 17 && file.kdf.r >= 8, JSON.stringify(file.kdf));
	});

	test("a folder the user made keeps its permissions; only the store's own subfolder is made 0700", async () => {
		const chosen = await mkdtemp(join(tmpdir(), 'secret-store-chosen-'));
		try {
			await chmod(chosen, 0o755);
			const account = newAccount();
			const store = await open({
				kind: 'file',
				folder: chosen,
				accountId: account,
				secret: SECRET,
			});
			await store.update(1, async () => ({ next: sampleChat(1), result: undefined }));
			await store.close();
			assert.equal((await stat(chosen)).mode & 0o777, 0o755, 'the chosen folder');
			assert.equal((await stat(join(chosen, account))).mode & 0o777, 0o700, 'its subfolder');
		} finally {
			await rm(chosen, { recursive: true, force: true });
		}
	});

	test('a damaged or missing key file is an error naming the file, never a fresh start', async () => {
		const account = newAccount();
		const store = await open(config(account));
		await store.update(1, async () => ({ next: sampleChat(1), result: undefined }));
		await store.close();
		const keyFile = join(folder, account, 'store.json');
		const original = await readFile(keyFile, 'utf8');

		// A flipped bit in the wrapped data key cannot be told from a wrong secret: the message says both.
		const parsed = JSON.parse(original) as { dataKey: string };
		const wrapped = Buffer.from(parsed.dataKey, 'base64');
		wrapped[wrapped.length - 1] ^= 0x80;
		await writeFile(keyFile, JSON.stringify({ ...parsed, dataKey: wrapped.toString('base64') }));
		await rejectsWithStoreError(open(config(account)), 'wrong-secret', [keyFile, 'damaged']);

		await writeFile(keyFile, original.slice(0, 40));
		await rejectsWithStoreError(open(config(account)), 'damaged', [keyFile, 'Nothing was reset']);

		await rm(keyFile);
		await rejectsWithStoreError(open(config(account)), 'damaged', [keyFile, 'missing', 'chat 1']);
		assert.deepEqual(
			await readdir(join(folder, account)),
			['chat_1.sealed'],
			'no new key file was made',
		);

		await writeFile(keyFile, original);
		const restored = await open(config(account));
		assert.deepEqual(await restored.get(1), sampleChat(1));
		await restored.close();
	});

	test("temp files left by a crashed writer are ignored, and removed by the chat's next update", async () => {
		const account = newAccount();
		const store = await open(config(account));
		await store.update(3, async () => ({ next: { chatId: 3, counter: 1 }, result: undefined }));
		await parkedLocksLapse();
		const dir = join(folder, account);
		const leftover = join(dir, '.chat_3.sealed.99999.abcdef.tmp');
		const otherChatLeftover = join(dir, '.chat_4.sealed.99999.abcdef.tmp');
		await writeFile(leftover, (await readFile(chatPath(account, 3))).subarray(0, 20));
		await writeFile(otherChatLeftover, 'partial');
		await writeFile(join(dir, '.chat_3.lock.99999.abcdef.tmp'), '{"token":');
		assert.equal((await store.get(3))?.counter, 1);
		assert.deepEqual(
			(await store.list()).map((chat) => chat.chatId),
			[3],
		);
		await store.update(3, async (current) => ({
			next: { chatId: 3, counter: current!.counter + 1 },
			result: undefined,
		}));
		const names = await readdir(dir);
		assert.ok(
			!names.includes('.chat_3.sealed.99999.abcdef.tmp') &&
				!names.includes('.chat_3.lock.99999.abcdef.tmp'),
		);
		// Only the chat's own leftovers are removed: another chat's may belong to a live writer.
		assert.ok(names.includes('.chat_4.sealed.99999.abcdef.tmp'));
		assert.equal((await store.get(3))?.counter, 2);
		await store.close();
	});

	for (const phase of ['writing', 'renaming'] as const) {
		test(`a writer that dies while ${phase} its temp file leaves the old state, and its temp file is cleared`, async () => {
			const account = newAccount();
			const dir = join(folder, account);
			const writer = startWorker({ kind: 'stuck', phase, config: config(account), chatId: 9 });
			const stuck = await writer.until((line) => line.stuck === phase);
			await writer.kill();
			const names = (await readdir(dir)).sort();
			assert.deepEqual(
				names,
				[
					'.' + String(stuck.path).split('/.')[1],
					'chat_9.lock',
					'chat_9.sealed',
					'store.json',
				].sort(),
				"a temp file and the dead writer's lock are left behind",
			);

			const store = await open(config(account));
			assert.deepEqual(await store.get(9), { chatId: 9, counter: 1 });
			assert.deepEqual(
				(await store.list()).map((chat) => chat.counter),
				[1],
			);
			await store.update(9, async (current) => ({
				next: { chatId: 9, counter: current!.counter + 1 },
				result: undefined,
			}));
			assert.deepEqual(await store.get(9), { chatId: 9, counter: 2 });
			await store.close();
			assert.deepEqual((await readdir(dir)).sort(), [
				'chat_9.journal',
				'chat_9.sealed',
				'store.json',
			]);
		});
	}

	test('a writer that dies half way through appending to the journal leaves the state before it; the next save goes where the torn one was', async () => {
		const account = newAccount();
		const dir = join(folder, account);
		const writer = startWorker({
			kind: 'stuck',
			phase: 'appending',
			config: config(account),
			chatId: 8,
		});
		await writer.until((line) => line.stuck === 'appending');
		await writer.kill();
		assert.ok((await readdir(dir)).includes('chat_8.journal'));

		const store = await open(config(account));
		assert.deepEqual(await store.get(8), { chatId: 8, counter: 2 });
		await store.update(8, async (current) => ({
			next: { chatId: 8, counter: current!.counter + 1 },
			result: undefined,
		}));
		await store.close();
		const reopened = await open(config(account));
		assert.deepEqual(await reopened.get(8), { chatId: 8, counter: 3 });
		await reopened.close();
	});

	test('saves go to the journal and are folded into the snapshot; a journal of an older snapshot is never read', async () => {
		const account = newAccount();
		const journal = join(folder, account, 'chat_5.journal');
		const store = await open(config(account));
		const increment = () =>
			store.update(5, async (current) => ({
				next: { chatId: 5, counter: (current?.counter ?? 0) + 1 },
				result: undefined,
			}));
		for (let i = 0; i < 3; i++) await increment();
		const oldJournal = await readFile(journal);
		for (let i = 3; i < 80; i++) await increment();
		await store.close();
		await writeFile(journal, oldJournal);
		const reopened = await open(config(account));
		const counter = (await reopened.get(5))?.counter ?? 0;
		assert.ok(counter > 3 && counter <= 80, `an old journal rolled the chat back to ${counter}`);
		await reopened.close();
	});

	test('a save writes what changed, not the whole state: a sent log gaining one entry adds a small record', async () => {
		const account = newAccount();
		const journal = join(folder, account, 'chat_12.journal');
		const store = await open(config(account));
		const entry = (n: number) => ({ randomId: String(n), envelope: 'e'.repeat(200) });
		const first = { ...sampleChat(12), sentLog: Array.from({ length: 100 }, (_u, n) => entry(n)) };
		await store.update(12, async () => ({ next: first, result: undefined }));
		const stateBytes = (await stat(chatPath(account, 12))).size;
		const sizes: number[] = [];
		for (let n = 100; n < 110; n++) {
			await store.update(12, async (current) => ({
				next: {
					...current!,
					counter: n,
					sentLog: [...(current!.sentLog as unknown[]), entry(n)].slice(-100),
				},
				result: undefined,
			}));
			sizes.push(await journalBytesInUse(journal));
		}
		const perSave = (sizes[sizes.length - 1] - sizes[0]) / (sizes.length - 1);
		assert.ok(perSave < stateBytes / 10, `${perSave} bytes a save for a ${stateBytes}-byte state`);
		await store.close();
		const reopened = await open(config(account));
		const chat = await reopened.get(12);
		assert.equal(chat?.counter, 109);
		assert.deepEqual(
			(chat?.sentLog as Array<{ randomId: string }>).map((sent) => Number(sent.randomId)),
			Array.from({ length: 100 }, (_u, n) => n + 10),
		);
		await reopened.close();
	});

	test('a new journal is written ahead with zeros: saves overwrite them without growing the file, then append past them; all read back', async () => {
		const account = newAccount();
		const journal = join(folder, account, 'chat_16.journal');
		const store = await open(config(account));
		const save = (counter: number, note = '') =>
			store.update(16, async (current) => ({
				next: { ...(current ?? sampleChat(16)), counter, note },
				result: undefined,
			}));
		await save(0);
		await save(1);
		const ahead = (await stat(journal)).size;
		const used = await journalBytesInUse(journal);
		assert.ok(ahead > used * 8, `${ahead} bytes written for ${used} in use`);
		for (let counter = 2; counter < 10; counter++) await save(counter);
		assert.equal((await stat(journal)).size, ahead, 'small saves overwrite the zeros in place');
		assert.ok((await journalBytesInUse(journal)) > used);
		// Changes of 4 KB each outgrow the zeros: the journal grows, every record is read back.
		for (let counter = 10; counter < 40; counter++)
			await save(counter, randomBytes(2048).toString('hex'));
		assert.ok((await stat(journal)).size > ahead);
		await store.close();
		const reopened = await open(config(account));
		assert.equal((await reopened.get(16))?.counter, 39);
		await reopened.close();
	});

	test('after a save that failed once its record may be on disk, the next save in the same update is a whole state, not a change built on the wrong one', async () => {
		const account = newAccount();
		const store = await open(config(account));
		const log = (...numbers: number[]) => numbers.map((n) => ({ n }));
		const first = { chatId: 15, counter: 0, log: log(1, 2, 3) };
		await store.update(15, async () => ({ next: first, result: undefined }));
		// The journal's next write lands whole, then reports a failure (as a sync failing after the write could).
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const fsp = require('node:fs/promises') as {
			open: (...args: unknown[]) => Promise<FileHandle>;
		};
		const realOpen = fsp.open;
		let armed = true;
		fsp.open = async (...args) => {
			const handle = await realOpen(...args);
			if (String(args[0]).endsWith('.journal')) {
				const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
				handle.write = (async (...a: unknown[]) => {
					await write(...a);
					if (armed) {
						armed = false;
						throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
					}
				}) as unknown as FileHandle['write'];
			}
			return handle;
		};
		try {
			await parkedLocksLapse();
			await store.update(15, async (current, save) => {
				const logOf = (chat: typeof current) => chat!.log as Array<{ n: number }>;
				const failed = await save({ ...current!, counter: 1, log: [...logOf(current), ...log(4)] })
					.then(() => false)
					.catch(() => true);
				assert.ok(failed, 'the armed write failed');
				const next = { ...current!, counter: 2, log: [...logOf(current).slice(1), ...log(5)] };
				await save(next);
				return { next, result: undefined };
			});
		} finally {
			fsp.open = realOpen;
		}
		await store.close();
		const reopened = await open(config(account));
		assert.deepEqual(await reopened.get(15), { chatId: 15, counter: 2, log: log(2, 3, 5) });
		await reopened.close();
	});

	test('a journal of whole states (written before change records) opens at its last state and takes changes after it', async () => {
		const account = newAccount();
		const dir = join(folder, account);
		await mkdir(dir, { recursive: true });
		const kdf = { N: 2 ** 15, r: 8, p: 1, salt: randomBytes(16) };
		const key = await deriveStoreKey(SECRET, kdf);
		await writeFile(
			join(dir, 'store.json'),
			JSON.stringify({
				format: 'telegram-secret-chats',
				version: 1,
				accountId: account,
				kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt.toString('base64') },
				check: sealBlob(
					key,
					Buffer.from('telegram-secret-chats store check', 'utf8'),
					checkBinding(account),
				).toString('base64'),
			}),
		);
		const sealed = (counter: number) =>
			sealBlob(key, encodeState({ ...sampleChat(13), counter }), chatBinding(account, 13));
		const snapshot = sealed(1);
		await writeFile(chatPath(account, 13), snapshot);
		// The journal format: magic, SHA-256 of the snapshot, then records of length, check, blob.
		const base = createHash('sha256').update(snapshot).digest();
		const record = (blob: Buffer) => {
			const header = Buffer.alloc(12);
			header.writeUInt32BE(blob.length, 0);
			createHash('sha256').update(base).update(blob).digest().copy(header, 4, 0, 8);
			return Buffer.concat([header, blob]);
		};
		await writeFile(
			join(dir, 'chat_13.journal'),
			Buffer.concat([Buffer.from('TSJ1', 'latin1'), base, record(sealed(2)), record(sealed(3))]),
		);

		const store = await open(config(account));
		assert.deepEqual(await store.get(13), { ...sampleChat(13), counter: 3 });
		await store.update(13, async (current) => ({
			next: { ...current!, counter: current!.counter + 1 },
			result: undefined,
		}));
		await store.close();
		const reopened = await open(config(account));
		assert.deepEqual(await reopened.get(13), { ...sampleChat(13), counter: 4 });
		await reopened.close();
	});

	test('a writer killed at any moment while rewriting a large state leaves a whole state', async () => {
		const account = newAccount();
		const dir = join(folder, account);
		// Each round: start a process rewriting a 1 MB state, kill it at whatever point it has reached.
		for (let round = 1; round <= 3; round++) {
			const writer = startWorker({ kind: 'churn', config: config(account), chatId: 6 });
			await writer.until((line) => typeof line.wrote === 'number' && line.wrote >= round);
			await writer.kill();
			const store = await open(config(account));
			const chat = await store.get(6);
			assert.ok(chat && chat.counter >= round, `round ${round}: a saved state survives`);
			assert.equal((chat.padding as string | undefined)?.length, 1024 * 1024);
			// The next update takes over the dead writer's lock and clears its temp file.
			await store.update(6, async (current) => ({
				next: { ...current!, counter: current!.counter },
				result: undefined,
			}));
			await store.close();
			assert.deepEqual((await readdir(dir)).sort(), ['chat_6.sealed', 'store.json']);
		}
	});

	test('a lock taken over as a takeover does it (ours removed, a new file of the same size linked in) fences the next save', async () => {
		const account = newAccount();
		const store = await open(config(account));
		await store.update(14, async () => ({ next: { chatId: 14, counter: 1 }, result: undefined }));
		await rejectsWithStoreError(
			store.update(14, async (current, save) => {
				const ours = await readFile(lockPath(account, 14), 'utf8');
				const token = (JSON.parse(ours) as { token: string }).token;
				await unlink(lockPath(account, 14));
				await writeFile(lockPath(account, 14), ours.replace(token, 'f'.repeat(token.length)));
				await save({ chatId: 14, counter: current!.counter + 1 });
				return { next: 'unchanged', result: undefined };
			}),
			'lost-lock',
			['Secret chat 14'],
		);
		await unlink(lockPath(account, 14));
		assert.equal((await store.get(14))?.counter, 1);
		await store.close();
	});

	test('a lock left by a killed process on this machine is taken over at once, without waiting for its lease', async () => {
		const account = newAccount();
		const long = { leaseMs: 10 * 60_000, lockWaitMs: 20_000 };
		const holder = startWorker({
			kind: 'hold',
			config: config(account),
			timings: long,
			chatId: 13,
		});
		await holder.until((line) => line.holding === true);
		const lock = JSON.parse(await readFile(lockPath(account, 13), 'utf8')) as { pid: number };
		assert.equal(lock.pid, holder.child.pid);
		await holder.kill();
		const store = await open(config(account), long);
		assert.equal(
			await store.update(13, async () => ({ next: { chatId: 13, counter: 1 }, result: 'mine' })),
			'mine',
		);
		await store.close();
		assert.deepEqual((await readdir(join(folder, account))).sort(), [
			'chat_13.sealed',
			'store.json',
		]);
	});

	test('a lock held from another machine is respected until its lease runs out, then taken over', async () => {
		const account = newAccount();
		const store = await open(config(account), { leaseMs: 60_000, lockWaitMs: 300 });
		await mkdir(join(folder, account), { recursive: true });
		await writeFile(
			lockPath(account, 14),
			JSON.stringify({
				token: 't',
				pid: process.pid,
				host: `not-${hostname()}`,
				instance: 'i',
				since: '2026-01-01T00:00:00.000Z',
			}),
		);
		await rejectsWithStoreError(
			store.update(14, async () => ({ next: { chatId: 14, counter: 1 }, result: undefined })),
			'locked',
			['Secret chat 14', 'still locked'],
		);
		assert.equal(await store.get(14), undefined);

		// Its owner stopped renewing it two lease lengths ago.
		const stale = new Date(Date.now() - 120_000);
		await utimes(lockPath(account, 14), stale, stale);
		assert.equal(
			await store.update(14, async () => ({ next: { chatId: 14, counter: 1 }, result: 'taken' })),
			'taken',
		);
		await store.close();
	});

	test('the default folder is <N8N_USER_FOLDER or home>/.n8n/telegram-secret-chats', () => {
		const saved = process.env.N8N_USER_FOLDER;
		try {
			process.env.N8N_USER_FOLDER = '/srv/n8n-data';
			assert.equal(defaultSecretStoreFolder(), '/srv/n8n-data/.n8n/telegram-secret-chats');
			delete process.env.N8N_USER_FOLDER;
			assert.equal(defaultSecretStoreFolder(), join(homedir(), '.n8n', 'telegram-secret-chats'));
		} finally {
			if (saved === undefined) delete process.env.N8N_USER_FOLDER;
			else process.env.N8N_USER_FOLDER = saved;
		}
	});

	test('an unsafe account id or an empty secret is refused before anything is created', async () => {
		for (const accountId of ['', '..', '../escape', 'a/b', '.hidden', 'x'.repeat(129)]) {
			await rejectsWithStoreError(open(config(accountId)), 'invalid', ['account id']);
		}
		await rejectsWithStoreError(open(config(newAccount(), '')), 'invalid', ['storage secret']);
		assert.deepEqual(
			(await readdir(folder)).filter((name) => !name.startsWith('acct-')),
			[],
		);
	});
});
