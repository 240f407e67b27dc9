import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { startPythonPeer, telethonAvailable, type PythonPeer } from '../../fakes/secretPeer/pythonPeer';
import { NodeHost } from '../../harness/nodeHost';
import { Emitted } from '../../harness/triggerEvents';
import { redisMissing, startRedis, type RedisServer } from './secret/store/fixtures/harness';
import { credentialData, distTransport, runTelegram, useTelegramFake } from './setup';

/**
 * Secret chats end to end: our node (through n8n's engine) on one account of the fake Telegram,
 * and on the other account an independent peer (Python, telethon's AES-IGE and key derivation,
 * its own TL code) that accepts, decrypts and checks every byte we send, and writes back.
 */

const ALICE = 5000002n;
const telethon = telethonAvailable();
const skip = telethon.ok ? false : telethon.reason;
const STORAGE_SECRET = 'a long storage secret for tests';

describe('Telegram: Secret Chat, against an independent peer', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let folder: string;
	let credential: ICredentialDataDecryptedObject;
	let triggers: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));

	before(async () => {
		peer = await startPythonPeer();
	});
	after(async () => await peer?.stop());
	beforeEach(async () => {
		await peer.stop();
		peer = await startPythonPeer();
		folder = mkdtempSync(join(tmpdir(), 'secret-chats-'));
		credential = credentialData(fake, { e2eStorage: 'file', e2eStorageFolder: folder, e2eStorageSecret: STORAGE_SECRET });
	});
	afterEach(async () => {
		for (const stop of triggers.splice(0)) await stop();
		await distTransport.pool.closeAllTelegramClients();
		await distTransport.secretStores.closeSecretChatStores();
		// A pooled client may still be saving a pushed acceptance: retry while the folder changes.
		rmSync(folder, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
	});

	const run = async (parameters: IDataObject, items?: IDataObject[], overrides: ICredentialDataDecryptedObject = {}) =>
		await runTelegram(fake, { parameters: { resource: 'secretChat', ...parameters }, items, credential: { ...credential, ...overrides } });

	async function startTrigger(parameters: IDataObject): Promise<Emitted> {
		const emitted = new Emitted();
		const host = await NodeHost.create({ type: 'telegramTrigger', parameters, credentials: { telegramMtprotoApi: credential } });
		const response = await host.startTrigger(emitted);
		triggers.push(async () => await response.closeFunction?.());
		return emitted;
	}

	/** Start from the node; the peer accepts; our side completes the handshake and tells its layer. */
	async function acceptedChat(): Promise<number> {
		const started = await run({ operation: 'start', chat: '@alice_test' });
		assert.equal(started.error, undefined, started.error?.message);
		const chatId = Number(started.items[0].json.chatId);
		assert.equal(started.items[0].json.status, 'waiting');
		const request = await fake.nextEncryptionRequest(ALICE);
		assert.equal(request.id, chatId);
		const answer = await peer.accept({ p: fake.dhConfig.p, g: fake.dhConfig.g, gA: request.gA });
		fake.acceptEncryptionAs(ALICE, chatId, answer.gB, answer.keyFingerprint);
		// Our pooled client is still connected and gets encryptedChat: the layer notice follows.
		const notice = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(notice.kind, 'service');
		assert.deepEqual(notice.action, { kind: 'notifyLayer', layer: 73 });
		assert.deepEqual([notice.outSeqNo, notice.inSeqNo], [1, 0]);
		// The state is saved just after the notice went out; Get Many reads without the chat's lock.
		for (let attempt = 0; attempt < 100; attempt++) {
			const listed = await run({ operation: 'getAll', returnAll: true });
			if (listed.items.some((item) => item.json.chatId === chatId && item.json.status === 'ready')) return chatId;
			await new Promise((resolveWait) => setTimeout(resolveWait, 20));
		}
		throw new Error(`secret chat ${chatId} never became ready in the store`);
	}

	const send = async (chatId: number, text: string, extra: IDataObject = {}) => await run({ operation: 'sendMessage', secretChatId: chatId, text, ...extra });

	test('start, accepted by the peer, then two texts: the peer reads each with the right sequence numbers', async () => {
		const chatId = await acceptedChat();
		const first = await send(chatId, 'Hello, end to end', { options: { silent: true } });
		assert.equal(first.error, undefined, first.error?.message);
		assert.deepEqual(first.items[0].pairedItem, { item: 0 });
		assert.equal(first.items[0].json.outSeqNo, 3);
		const relayed = await fake.nextEncryptedMessage(ALICE, chatId);
		assert.equal(relayed.silent, true);
		assert.equal(relayed.service, false);
		const read = await peer.decrypt(relayed.bytes);
		assert.deepEqual([read.kind, read.text, read.layer, read.outSeqNo, read.inSeqNo], ['message', 'Hello, end to end', 73, 3, 0]);
		assert.equal(read.randomId.toString(), first.items[0].json.randomId);

		const second = await send(chatId, 'and again');
		assert.equal(second.error, undefined, second.error?.message);
		const again = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual([again.text, again.outSeqNo], ['and again', 5]);

		const listed = await run({ operation: 'getAll', returnAll: true });
		assert.equal(listed.error, undefined, listed.error?.message);
		assert.deepEqual(
			listed.items.map((item) => [item.json.chatId, item.json.status, item.json.role, item.json.messagesSent, item.json.userId]),
			[[chatId, 'ready', 'creator', 3, ALICE.toString()]],
		);
		assert.ok(!JSON.stringify(listed.items).includes('key'), 'no key material in the output');
	});

	test("the editor's list offers the credential's chats, and a chat picked from it is sent to", async () => {
		const chatId = await acceptedChat();
		const host = await NodeHost.create({ type: 'telegram', parameters: { resource: 'secretChat', operation: 'sendMessage' }, credentials: { telegramMtprotoApi: credential } });
		const listed = await host.listSearch('searchSecretChats');
		assert.deepEqual(listed.results, [{ name: `${chatId} with user ${ALICE} (ready)`, value: String(chatId) }]);
		assert.deepEqual((await host.listSearch('searchSecretChats', 'waiting')).results, []);
		const picked = await run({ operation: 'sendMessage', secretChatId: { __rl: true, mode: 'list', value: listed.results[0].value }, text: 'picked from the list' });
		assert.equal(picked.error, undefined, picked.error?.message);
		assert.equal((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text, 'picked from the list');
	});

	test('a send before the other side accepts fails saying so, and sends nothing', async () => {
		const started = await run({ operation: 'start', chat: '@alice_test' });
		const chatId = Number(started.items[0].json.chatId);
		const result = await send(chatId, 'too early');
		assert.match(result.error?.message ?? '', /not accepted yet/);
		assert.match(String(result.error?.description), /accepts the secret chat/);
		assert.equal(fake.encryptedChats[0].messages.length, 0);
		const unknown = await send(999_999, 'nowhere');
		assert.match(unknown.error?.message ?? '', /Secret Chat/);
		assert.match(unknown.error?.message ?? '', /no secret chat 999999/);
	});

	test('the trigger decrypts what the peer sends, and refuses a tampered copy and a replay', async () => {
		const chatId = await acceptedChat();
		const emitted = await startTrigger({ events: ['secretMessage'] });
		const hello = await peer.encryptText('hi from alice');
		fake.sendEncryptedAs(ALICE, chatId, hello.data, { randomId: hello.randomId });
		const item = await emitted.nextOf('secretMessage');
		assert.deepEqual([item.chatId, item.userId, item.text, item.outSeqNo, item.layer], [chatId, ALICE.toString(), 'hi from alice', hello.outSeqNo, 73]);

		const tamperedSource = await peer.encryptText('tampered in transit');
		const tampered = Buffer.from(tamperedSource.data);
		tampered[tampered.length - 1] ^= 0x40;
		fake.sendEncryptedAs(ALICE, chatId, tampered);
		fake.sendEncryptedAs(ALICE, chatId, hello.data);
		// The genuine message with that sequence number is still accepted after the forgery.
		fake.sendEncryptedAs(ALICE, chatId, tamperedSource.data, { randomId: tamperedSource.randomId });
		const next = await emitted.nextOf('secretMessage', 1);
		assert.equal(next.text, 'tampered in transit');
		assert.deepEqual(
			emitted.items.map((i) => i.text),
			['hi from alice', 'tampered in transit'],
		);
		assert.deepEqual(emitted.errors, []);
	});

	test('the trigger accepts a request automatically; the peer (as creator) and we talk both ways', async () => {
		const emitted = await startTrigger({ events: ['secretChatRequested', 'secretChatAccepted', 'secretMessage'], autoAccept: true });
		const { gA } = await peer.request({ p: fake.dhConfig.p, g: fake.dhConfig.g });
		const chat = fake.requestEncryptionAs(ALICE, fake.me.id, gA);
		const requested = await emitted.nextOf('secretChatRequested');
		assert.deepEqual([requested.chatId, requested.status, requested.role], [chat.id, 'requested', 'participant']);
		const accepted = await emitted.nextOf('secretChatAccepted');
		assert.equal(accepted.status, 'ready');
		const stored = fake.encryptedChats.find((c) => c.id === chat.id);
		assert.ok(stored?.gB && stored.keyFingerprint !== undefined);
		await peer.accepted({ gB: stored.gB, keyFingerprint: stored.keyFingerprint });
		// Our layer notice went out first, sealed with x = 8 (we are not the creator).
		const notice = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chat.id)).bytes);
		assert.deepEqual([notice.action?.kind, notice.outSeqNo, notice.inSeqNo], ['notifyLayer', 0, 1]);
		const sent = await send(chat.id, 'accepted and answering');
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chat.id)).bytes);
		assert.deepEqual([read.text, read.outSeqNo], ['accepted and answering', 2]);
		const hello = await peer.encryptText('from the creator');
		fake.sendEncryptedAs(ALICE, chat.id, hello.data, { randomId: hello.randomId });
		assert.equal((await emitted.nextOf('secretMessage')).text, 'from the creator');
	});

	test('messages that arrive while no trigger listens are read, in order, when one starts', async () => {
		const chatId = await acceptedChat();
		const first = await peer.encryptText('sent while n8n was not listening');
		const second = await peer.encryptText('and another one');
		fake.sendEncryptedAs(ALICE, chatId, first.data, { randomId: first.randomId });
		fake.sendEncryptedAs(ALICE, chatId, second.data, { randomId: second.randomId });
		// The node's connection is still open and got both pushed: it must leave them for the trigger.
		assert.equal((await run({ operation: 'getAll', returnAll: true })).items[0].json.messagesReceived, 0);
		const emitted = await startTrigger({ events: ['secretMessage'] });
		await emitted.until(() => (emitted.items.length >= 2 ? true : undefined));
		assert.deepEqual(
			emitted.items.map((item) => item.text),
			['sent while n8n was not listening', 'and another one'],
		);
		// Started again later, the trigger does not repeat what it already started workflows with.
		for (const stop of triggers.splice(0)) await stop();
		const again = await startTrigger({ events: ['secretMessage'] });
		const third = await peer.encryptText('only this one is new');
		fake.sendEncryptedAs(ALICE, chatId, third.data, { randomId: third.randomId });
		await again.until(() => again.items[0]);
		assert.deepEqual(
			again.items.map((item) => item.text),
			['only this one is new'],
		);
	});

	test('without automatic acceptance a request waits as "requested" until the Accept operation', async () => {
		const emitted = await startTrigger({ events: ['secretChatRequested', 'secretChatAccepted'] });
		const { gA } = await peer.request({ p: fake.dhConfig.p, g: fake.dhConfig.g });
		const chat = fake.requestEncryptionAs(ALICE, fake.me.id, gA);
		assert.equal((await emitted.nextOf('secretChatRequested')).status, 'requested');
		const listed = await run({ operation: 'getAll', returnAll: true, status: ['requested'] });
		assert.deepEqual(
			listed.items.map((item) => item.json.chatId),
			[chat.id],
		);
		assert.equal(fake.encryptedChats[0].status, 'requested');
		const accepted = await run({ operation: 'accept', secretChatId: chat.id });
		assert.equal(accepted.error, undefined, accepted.error?.message);
		assert.equal(accepted.items[0].json.status, 'ready');
		const stored = fake.encryptedChats[0];
		assert.ok(stored.gB && stored.keyFingerprint !== undefined);
		await peer.accepted({ gB: stored.gB, keyFingerprint: stored.keyFingerprint });
		assert.equal((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chat.id)).bytes)).action?.kind, 'notifyLayer');
		const twice = await run({ operation: 'accept', secretChatId: chat.id });
		assert.match(twice.error?.message ?? '', /no request to accept \(it is ready\)/);
	});

	test('state survives a restart: a new connection and a reopened store continue the sequence', async () => {
		const chatId = await acceptedChat();
		assert.equal((await send(chatId, 'before the restart')).error, undefined);
		await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		await distTransport.pool.closeAllTelegramClients();
		await distTransport.secretStores.closeSecretChatStores();
		const after = await send(chatId, 'after the restart');
		assert.equal(after.error, undefined, after.error?.message);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual([read.text, read.outSeqNo], ['after the restart', 5]);
	});

	test('a wrong storage secret is a clear error and nothing is sent or reset', async () => {
		const chatId = await acceptedChat();
		await distTransport.secretStores.closeSecretChatStores();
		const result = await send(chatId, 'with the right secret');
		assert.equal(result.error, undefined, 'control: the right secret works');
		await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		await distTransport.secretStores.closeSecretChatStores();
		const wrong = await run({ operation: 'sendMessage', secretChatId: chatId, text: 'x' }, undefined, { e2eStorageSecret: 'another secret entirely' });
		assert.match(`${wrong.error?.message} ${wrong.error?.description}`, /secret/i);
		assert.ok(!`${wrong.error?.message} ${wrong.error?.description}`.includes('another secret entirely'));
		assert.equal(fake.encryptedChats[0].messages.length, 2);
		await distTransport.secretStores.closeSecretChatStores();
		const right = await send(chatId, 'the right secret again');
		assert.equal(right.error, undefined, right.error?.message);
		assert.equal((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).outSeqNo, 5);
	});

	test('an acceptance whose key does not match its fingerprint leaves the chat unusable and is reported', async () => {
		const emitted = await startTrigger({ events: ['secretChatAccepted'] });
		const started = await run({ operation: 'start', chat: '@alice_test' });
		const chatId = Number(started.items[0].json.chatId);
		const request = await fake.nextEncryptionRequest(ALICE);
		const answer = await peer.accept({ p: fake.dhConfig.p, g: fake.dhConfig.g, gA: request.gA });
		fake.acceptEncryptionAs(ALICE, chatId, answer.gB, answer.keyFingerprint + 1n);
		const error = await emitted.until(() => emitted.errors[0]);
		assert.match(error.message, /does not match the fingerprint/);
		const result = await send(chatId, 'must not go out');
		assert.match(result.error?.message ?? '', /not accepted yet/);
		assert.equal(fake.encryptedChats[0].messages.length, 0);
		assert.equal(emitted.items.length, 0);
	});

	test('after 100 messages the key is renewed (PFS) with the peer, and later messages use the new key', async () => {
		const chatId = await acceptedChat();
		// The peer's answer (acceptKey) is an incoming message: a listening trigger reads it.
		await startTrigger({ events: ['secretMessage'] });
		const before = await peer.state();
		// With the layer notice, 99 texts make the 100 messages a key may carry.
		const texts = Array.from({ length: 99 }, (_, i) => ({ text: `message ${i}` }));
		const batch = await run({ operation: 'sendMessage', secretChatId: chatId, text: '={{ $json.text }}' }, texts);
		assert.equal(batch.error, undefined, batch.error?.message);
		assert.deepEqual(
			batch.items.map((item) => item.pairedItem),
			texts.map((_, item) => ({ item })),
		);
		for (let i = 0; i < 99; i++) assert.equal((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text, `message ${i}`);
		// The next send starts the re-key: requestKey first, then the message under the old key.
		assert.equal((await send(chatId, 'starts the re-key')).error, undefined);
		const requestKey = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(requestKey.action?.kind, 'requestKey');
		assert.equal((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text, 'starts the re-key');
		for (const reply of requestKey.replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		// Our client reads acceptKey and commits under the old key; the peer switches on it.
		const commit = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(commit.action?.kind, 'commitKey');
		assert.equal(commit.fingerprint, before.fingerprint);
		const switched = await peer.state();
		assert.notEqual(switched.fingerprint, before.fingerprint);
		assert.equal((await send(chatId, 'under the new key')).error, undefined);
		const fresh = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual([fresh.text, fresh.fingerprint], ['under the new key', switched.fingerprint]);
	});

	describe('with the Redis store (queue mode)', { skip: redisMissing() ?? false }, () => {
		let redis: RedisServer;
		before(async () => (redis = await startRedis()));
		after(async () => await redis?.stop());

		/** One worker process running the node; resolves with its output line. */
		function worker(chatId: number, texts: string[]): Promise<{ error?: string; items: IDataObject[] }> {
			const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'fixtures/sendSecretTexts.ts')], {
				env: { ...process.env, TELEGRAM_TEST_CREDENTIAL: JSON.stringify(credential), SECRET_CHAT_ID: String(chatId), SECRET_TEXTS: JSON.stringify(texts) },
				stdio: ['ignore', 'pipe', 'inherit'],
			});
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			return new Promise((resolveRun, reject) => {
				child.on('error', reject);
				child.on('exit', (code) => (code === 0 ? resolveRun(JSON.parse(output.trim().split('\n').at(-1) ?? '{}')) : reject(new Error(`worker exited ${code}: ${output}`))));
			});
		}

		test('two worker processes sending to one chat never share a sequence number, and the peer reads every message in order', async () => {
			credential = { ...credential, e2eStorage: 'redis', e2eStorageRedisUrl: redis.url };
			const chatId = await acceptedChat();
			const textsOf = (name: string) => Array.from({ length: 8 }, (_, i) => `${name} ${i}`);
			const [first, second] = await Promise.all([worker(chatId, textsOf('A')), worker(chatId, textsOf('B'))]);
			assert.equal(first.error, undefined, first.error);
			assert.equal(second.error, undefined, second.error);
			const seqs = [...first.items, ...second.items].map((item) => Number(item.outSeqNo)).sort((a, b) => a - b);
			assert.deepEqual(
				seqs,
				Array.from({ length: 16 }, (_, i) => 3 + 2 * i),
			);
			const read: string[] = [];
			for (let i = 0; i < 16; i++) read.push(String((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text));
			assert.deepEqual(read.filter((text) => text.startsWith('A')), textsOf('A'));
			assert.deepEqual(read.filter((text) => text.startsWith('B')), textsOf('B'));
		});
	});

	test('a send whose answer was lost is not duplicated, and a refused send does not use up a sequence number', async () => {
		const chatId = await acceptedChat();
		fake.dropConnectionNext('messages.SendEncrypted', 'after-apply');
		const lost = await send(chatId, 'answer lost on the way back');
		assert.equal(lost.error, undefined, lost.error?.message);
		assert.equal(lost.items[0].json.alreadySent, true);
		assert.equal(fake.encryptedChats[0].messages.filter((m) => !m.service).length, 1);
		assert.equal((await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).outSeqNo, 3);
		fake.injectError('messages.SendEncrypted', { code: 400, message: 'ENCRYPTION_DECLINED' });
		const refused = await send(chatId, 'refused by Telegram');
		assert.match(refused.error?.message ?? '', /ENCRYPTION_DECLINED|declined/i);
		const next = await send(chatId, 'the next one takes the free number');
		assert.equal(next.error, undefined, next.error?.message);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual([read.text, read.outSeqNo], ['the next one takes the free number', 5]);
	});

	test('close discards the chat on Telegram and forgets its keys; a send afterwards says it is closed', async () => {
		const chatId = await acceptedChat();
		const closed = await run({ operation: 'close', secretChatId: chatId, deleteHistory: true });
		assert.equal(closed.error, undefined, closed.error?.message);
		assert.equal(closed.items[0].json.status, 'closed');
		assert.equal(fake.encryptedChats[0].status, 'discarded');
		const result = await send(chatId, 'after close');
		assert.match(result.error?.message ?? '', /is closed/);
		const again = await run({ operation: 'close', secretChatId: chatId });
		assert.equal(again.error, undefined, 'closing twice changes nothing');
	});
});
