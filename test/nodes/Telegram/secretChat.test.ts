import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import type { PythonPeer } from '../../fakes/secretPeer/pythonPeer';
import { redisMissing, startRedis, type RedisServer } from './secret/store/fixtures/harness';
import { distTransport } from './setup';
import { ALICE, skip, useSecretChatPeer } from './fixtures/secretChatPeer';

describe('Telegram: Secret Chat, against an independent peer', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat, startTrigger, triggers } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

	test('the trigger decrypts what the peer sends, and refuses a tampered copy and a replay', async () => {
		const chatId = await acceptedChat();
		const emitted = await startTrigger({ events: ['secretMessage'] });
		const hello = await peer.encryptText('hi from alice');
		fake.sendEncryptedAs(ALICE, chatId, hello.data, { randomId: hello.randomId });
		const item = await emitted.nextOf('secretMessage');
		assert.deepEqual(
			[item.chatId, item.userId, item.text, item.outSeqNo, item.layer],
			[chatId, ALICE.toString(), 'hi from alice', hello.outSeqNo, 73],
		);

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
		const emitted = await startTrigger({
			events: ['secretChatRequested', 'secretChatAccepted', 'secretMessage'],
			autoAccept: true,
		});
		const { gA } = await peer.request({ p: fake.dhConfig.p, g: fake.dhConfig.g });
		const chat = fake.requestEncryptionAs(ALICE, fake.me.id, gA);
		const requested = await emitted.nextOf('secretChatRequested');
		assert.deepEqual(
			[requested.chatId, requested.status, requested.role],
			[chat.id, 'requested', 'participant'],
		);
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
		assert.equal(
			(await run({ operation: 'getAll', returnAll: true })).items[0].json.messagesReceived,
			0,
		);
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

	test('a message is saved as sent before it goes out: while Telegram holds it unanswered, the saved chat counts it', async () => {
		const chatId = await acceptedChat();
		const messagesSent = async () => {
			const listed = await run({ operation: 'getAll', returnAll: true });
			return listed.items.find((item) => item.json.chatId === chatId)?.json.messagesSent;
		};
		const before = await messagesSent();
		const held = fake.holdNext('messages.SendEncrypted');
		const sending = send(chatId, 'saved before sent');
		await held.arrived;
		// A crash at this point restarts from what is saved: it must already count this message,
		// or the next message would reuse its sequence number (and its key's message slot).
		assert.equal(await messagesSent(), Number(before) + 1);
		held.release();
		const sent = await sending;
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(read.text, 'saved before sent');
		assert.equal(await messagesSent(), Number(before) + 1);
	});

	test('a wrong storage secret is a clear error and nothing is sent or reset', async () => {
		const chatId = await acceptedChat();
		await distTransport.secretStores.closeSecretChatStores();
		const result = await send(chatId, 'with the right secret');
		assert.equal(result.error, undefined, 'control: the right secret works');
		await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		await distTransport.secretStores.closeSecretChatStores();
		const wrong = await run(
			{ operation: 'sendMessage', secretChatId: chatId, text: 'x' },
			undefined,
			{ e2eStorageSecret: 'another secret entirely' },
		);
		assert.match(`${wrong.error?.message} ${wrong.error?.description}`, /secret/i);
		assert.ok(
			!`${wrong.error?.message} ${wrong.error?.description}`.includes('another secret entirely'),
		);
		assert.equal(fake.encryptedChats[0].messages.length, 2);
		await distTransport.secretStores.closeSecretChatStores();
		const right = await send(chatId, 'the right secret again');
		assert.equal(right.error, undefined, right.error?.message);
		assert.equal(
			(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).outSeqNo,
			5,
		);
	});

	describe('with the Redis store (queue mode)', { skip: redisMissing() ?? false }, () => {
		let redis: RedisServer;
		before(async () => (redis = await startRedis()));
		after(async () => await redis?.stop());

		/** One worker process running the node; resolves with its output line. */
		function worker(
			chatId: number,
			texts: string[],
		): Promise<{ error?: string; items: IDataObject[] }> {
			const child = spawn(
				process.execPath,
				['--import', 'tsx', resolve(__dirname, 'fixtures/sendSecretTexts.ts')],
				{
					env: {
						...process.env,
						// Queue mode, as n8n's workers run: they take turns on the one session.
						EXECUTIONS_MODE: 'queue',
						QUEUE_BULL_REDIS_HOST: new URL(redis.url).hostname,
						QUEUE_BULL_REDIS_PORT: new URL(redis.url).port,
						TELEGRAM_TEST_CREDENTIAL: JSON.stringify(credential),
						SECRET_CHAT_ID: String(chatId),
						SECRET_TEXTS: JSON.stringify(texts),
					},
					stdio: ['ignore', 'pipe', 'inherit'],
				},
			);
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			return new Promise((resolveRun, reject) => {
				child.on('error', reject);
				child.on('exit', (code) =>
					code === 0
						? resolveRun(JSON.parse(output.trim().split('\n').at(-1) ?? '{}'))
						: reject(new Error(`worker exited ${code}: ${output}`)),
				);
			});
		}

		test('two worker processes sending to one chat never share a sequence number, and the peer reads every message in order', async () => {
			credential = { ...credential, e2eStorage: 'redis', e2eStorageRedisUrl: redis.url };
			const chatId = await acceptedChat();
			const textsOf = (name: string) => Array.from({ length: 8 }, (_, i) => `${name} ${i}`);
			// This process set the chat up with the session; it hangs up before the workers take turns.
			await distTransport.pool.closeAllTelegramClients();
			const qtsBefore = fake.qtsOf(ALICE);
			const [first, second] = await Promise.all([
				worker(chatId, textsOf('A')),
				worker(chatId, textsOf('B')),
			]);
			assert.equal(first.error, undefined, first.error);
			assert.equal(second.error, undefined, second.error);
			const seqs = [...first.items, ...second.items]
				.map((item) => Number(item.outSeqNo))
				.sort((a, b) => a - b);
			assert.deepEqual(
				seqs,
				Array.from({ length: 16 }, (_, i) => 3 + 2 * i),
			);
			// Exactly 16 reached the peer (none twice), in the order of their sequence numbers.
			assert.equal(fake.qtsOf(ALICE) - qtsBefore, 16);
			const read: string[] = [];
			const arrivedSeqs: number[] = [];
			for (let i = 0; i < 16; i++) {
				const message = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
				read.push(String(message.text));
				arrivedSeqs.push(Number(message.outSeqNo));
			}
			assert.deepEqual(arrivedSeqs, seqs);
			assert.equal(fake.sessionInfo(String(credential.sessionToken))?.duplicated, undefined);
			assert.deepEqual(
				read.filter((text) => text.startsWith('A')),
				textsOf('A'),
			);
			assert.deepEqual(
				read.filter((text) => text.startsWith('B')),
				textsOf('B'),
			);
		});
	});
});
