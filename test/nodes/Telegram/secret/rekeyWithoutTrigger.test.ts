import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { PythonPeer } from '../../../fakes/secretPeer/pythonPeer';
import type { TelegramFake } from '../../../fakes/telegram/server';
import { NodeHost } from '../../../harness/nodeHost';
import { INBOX_MAX } from '../../../../nodes/Telegram/transport/secret/inbox';
import { distTransport } from '../setup';
import { EmittedItems } from '../fixtures/listenTrigger';
import { ALICE, skip, useSecretChatPeer } from '../fixtures/secretChatPeer';

/**
 * A re-key we start is answered by an encrypted message (acceptKey). Through n8n's engine, the
 * fake Telegram and the independent Python peer: a sending node with no trigger listening reads
 * that answer itself and completes the re-key; what the peer wrote meanwhile is kept (sealed) for
 * the trigger, which emits it later, once, in order.
 */
describe('Telegram: Secret Chat re-key without a listening trigger', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat, startTrigger, triggers } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

	const nextAtPeer = async (chatId: number) =>
		await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);

	/**
	 * 99 texts after the layer notice fill the key; the next send starts the re-key. The peer
	 * writes `before` first, then reads the request: returns its acceptKey.
	 */
	async function startRekey(chatId: number, before: string[]): Promise<Buffer[]> {
		const texts = Array.from({ length: 99 }, (_, i) => ({ text: `message ${i}` }));
		const batch = await run(
			{ operation: 'sendMessage', secretChatId: chatId, text: '={{ $json.text }}' },
			texts,
		);
		assert.equal(batch.error, undefined, batch.error?.message);
		for (let i = 0; i < 99; i++) assert.equal((await nextAtPeer(chatId)).text, `message ${i}`);
		assert.equal((await send(chatId, 'starts the re-key')).error, undefined);
		for (const text of before) await peerWrites(chatId, text);
		const requestKey = await nextAtPeer(chatId);
		assert.equal(requestKey.action?.kind, 'requestKey');
		assert.equal((await nextAtPeer(chatId)).text, 'starts the re-key');
		return requestKey.replies;
	}

	async function peerWrites(chatId: number, text: string) {
		const sealed = await peer.encryptText(text);
		fake.sendEncryptedAs(ALICE, chatId, sealed.data, { randomId: sealed.randomId });
	}

	/** The next sends commit the new key: commitKey under the old key, then the text under the new one. */
	async function expectCommitThenNewKey(
		chatId: number,
		oldFingerprint: bigint | undefined,
		text: string,
	) {
		const commit = await nextAtPeer(chatId);
		assert.equal(commit.action?.kind, 'commitKey');
		assert.equal(commit.fingerprint, oldFingerprint);
		const switched = await peer.state();
		assert.notEqual(switched.fingerprint, oldFingerprint);
		const fresh = await nextAtPeer(chatId);
		assert.deepEqual([fresh.text, fresh.fingerprint], [text, switched.fingerprint]);
		assert.equal(switched.rekey, null);
	}

	test('a send reads the answer and completes the re-key; texts the peer wrote meanwhile survive a restart and are emitted once, in order', async () => {
		const chatId = await acceptedChat();
		const before = await peer.state();
		// The peer writes, answers the re-key, and writes again; no trigger listens (the node's
		// client gets them pushed and leaves them alone).
		const replies = await startRekey(chatId, ['written before the answer']);
		for (const reply of replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		await peerWrites(chatId, 'written after the answer');
		const sent = await send(chatId, 'under the new key');
		assert.equal(sent.error, undefined, sent.error?.message);
		await expectCommitThenNewKey(chatId, before.fingerprint, 'under the new key');
		// What was read is confirmed to Telegram (messages.receivedQueue).
		assert.equal(fake.confirmedQtsOf(fake.me.id), fake.qtsOf(fake.me.id));

		// A crash (or the run's end) before any trigger emitted them: the texts are in the sealed store.
		await distTransport.pool.closeAllTelegramClients();
		await distTransport.secretStores.closeSecretChatStores();
		const emitted = await startTrigger({ events: ['secretMessage'] });
		await emitted.until(() => (emitted.items.length >= 2 ? true : undefined));
		await peerWrites(chatId, 'after the trigger started');
		await emitted.until(() => (emitted.items.length >= 3 ? true : undefined));
		assert.deepEqual(
			emitted.items.map((item) => item.text),
			['written before the answer', 'written after the answer', 'after the trigger started'],
		);
		assert.deepEqual(emitted.errors, []);

		// Started again, the trigger repeats none of them.
		for (const stop of triggers.splice(0)) await stop();
		const again = await startTrigger({ events: ['secretMessage'] });
		await peerWrites(chatId, 'only this one is new');
		await again.until(() => again.items[0]);
		assert.deepEqual(
			again.items.map((item) => item.text),
			['only this one is new'],
		);
	});

	test('the next re-key starts after 100 messages under the new key: a send reads the message that shows the peer switched', async () => {
		const chatId = await acceptedChat();
		const before = await peer.state();
		const replies = await startRekey(chatId, []);
		for (const reply of replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		assert.equal((await send(chatId, 'under the new key')).error, undefined);
		await expectCommitThenNewKey(chatId, before.fingerprint, 'under the new key');
		// The peer writes under the new key: until it is read, the key before is kept (a message
		// under it may still come), and a re-key cannot start.
		await peerWrites(chatId, 'the peer switched');
		const texts = Array.from({ length: 110 }, (_, i) => ({ text: `new key ${i}` }));
		const batch = await run(
			{ operation: 'sendMessage', secretChatId: chatId, text: '={{ $json.text }}' },
			texts,
		);
		assert.equal(batch.error, undefined, batch.error?.message);
		const actions: string[] = [];
		for (let i = 0; i < 110; ) {
			const next = await nextAtPeer(chatId);
			if (next.action) actions.push(next.action.kind);
			else assert.equal(next.text, `new key ${i++}`);
		}
		// Without that read no request would come before 200 messages under the new key.
		assert.deepEqual(actions, ['requestKey']);
	});

	test('a file the peer sends meanwhile keeps its address: the trigger started later downloads and decrypts it', async () => {
		const chatId = await acceptedChat();
		const before = await peer.state();
		const replies = await startRekey(chatId, []);
		for (const reply of replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		const contents = randomBytes(70_000);
		const sealed = await peer.encryptFile(contents, {
			media: 'document',
			mimeType: 'application/pdf',
			fileName: 'while-sending.pdf',
		});
		fake.sendEncryptedFileAs(
			ALICE,
			chatId,
			sealed.data,
			{ bytes: sealed.file, keyFingerprint: sealed.fileKeyFingerprint },
			{ randomId: sealed.randomId },
		);
		assert.equal((await send(chatId, 'under the new key')).error, undefined);
		await expectCommitThenNewKey(chatId, before.fingerprint, 'under the new key');
		const emitted = new EmittedItems();
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters: { events: ['secretMessage'], downloadMedia: true },
			credentials: { telegramMtprotoApi: credential },
		});
		const response = await host.startTrigger(emitted);
		triggers.push(async () => await response.closeFunction?.());
		const item = await emitted.until(() => emitted.whole[0]);
		const binary = item.binary?.data;
		assert.ok(binary, `binary data under "data": ${JSON.stringify(item.json)}`);
		assert.ok(Buffer.from(binary.data, 'base64').equals(contents), 'byte for byte');
		assert.equal(binary.fileName, 'while-sending.pdf');
	});

	test('more than the inbox holds: the rest stays on Telegram; the trigger emits all of it once, in order, and completes the re-key', async () => {
		const chatId = await acceptedChat();
		const before = await peer.state();
		const texts = Array.from({ length: INBOX_MAX + 2 }, (_, i) => `meanwhile ${i}`);
		const replies = await startRekey(chatId, texts);
		for (const reply of replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		// The send reads what fits; the answer, behind the rest, is not read: no commit yet.
		assert.equal((await send(chatId, 'still under the old key')).error, undefined);
		const old = await nextAtPeer(chatId);
		assert.deepEqual([old.text, old.fingerprint], ['still under the old key', before.fingerprint]);
		// What was read (and kept) is confirmed to Telegram; the rest waits there.
		const confirmed = fake.confirmedQtsOf(fake.me.id);
		assert.ok(confirmed > 0 && confirmed < fake.qtsOf(fake.me.id), `confirmed ${confirmed}`);
		const emitted = await startTrigger({ events: ['secretMessage'] });
		await emitted.until(() => (emitted.items.length >= texts.length ? true : undefined));
		// The trigger read the answer: the commit goes out, and the next message uses the new key.
		const commit = await nextAtPeer(chatId);
		assert.equal(commit.action?.kind, 'commitKey');
		assert.equal((await send(chatId, 'under the new key')).error, undefined);
		const fresh = await nextAtPeer(chatId);
		assert.deepEqual(
			[fresh.text, fresh.fingerprint],
			['under the new key', (await peer.state()).fingerprint],
		);
		assert.notEqual(fresh.fingerprint, before.fingerprint);
		assert.deepEqual(
			emitted.items.map((item) => item.text),
			texts,
		);
	});

	test('a protocol violation read by a send aborts the chat: the send fails saying so, the trigger started later emits the closing', async () => {
		const chatId = await acceptedChat();
		const replies = await startRekey(chatId, ['before the violation']);
		// We created the chat: the peer's out_seq_no is even; 3 is what only we may send.
		const forged = await peer.encryptText('mirrored', { outSeqNo: 3 });
		fake.sendEncryptedAs(ALICE, chatId, forged.data, { randomId: forged.randomId });
		for (const reply of replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		const refused = await send(chatId, 'must not go out');
		assert.match(refused.error?.message ?? '', /closed/);
		assert.equal(fake.encryptedChats[0].status, 'discarded');
		const emitted = await startTrigger({ events: ['secretMessage', 'secretChatClosed'] });
		await emitted.until(() => (emitted.items.length >= 2 ? true : undefined));
		assert.deepEqual(
			emitted.items.map((item) => [item.event, item.text ?? item.status]),
			[
				['secretMessage', 'before the violation'],
				['secretChatClosed', 'closed'],
			],
		);
		assert.match(String(emitted.items[1].closedReason), /out_seq_no 3 .*wrong parity/);
	});

	test('a trigger listening while a send reads the same messages: each text emitted once, in order', async () => {
		const chatId = await acceptedChat();
		const before = await peer.state();
		const emitted = await startTrigger({ events: ['secretMessage'] });
		// The trigger's queue stops at its confirmation of the first text, so what the peer sends
		// next waits there while the send below reads the same messages from Telegram.
		const held = fake.holdNext('messages.ReceivedQueue', { overlap: true });
		const replies = await startRekey(chatId, ['one', 'two']);
		await held.arrived;
		for (const reply of replies) fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
		await peerWrites(chatId, 'three');
		const sent = await send(chatId, 'under the new key');
		assert.equal(sent.error, undefined, sent.error?.message);
		await expectCommitThenNewKey(chatId, before.fingerprint, 'under the new key');
		held.release();
		await emitted.until(() => (emitted.items.length >= 3 ? true : undefined));
		await peerWrites(chatId, 'four');
		await emitted.until(() => (emitted.items.length >= 4 ? true : undefined));
		assert.deepEqual(
			emitted.items.map((item) => item.text),
			['one', 'two', 'three', 'four'],
		);
		assert.deepEqual(emitted.errors, []);
	});
});
