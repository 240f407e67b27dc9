import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import type { PythonPeer } from '../../../../fakes/secretPeer/pythonPeer';
import { ALICE, skip, useSecretChatPeer } from '../../fixtures/secretChatPeer';

describe('Telegram: Secret Chat > Start', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat, startTrigger } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

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
		assert.deepEqual(
			[read.kind, read.text, read.layer, read.outSeqNo, read.inSeqNo],
			['message', 'Hello, end to end', 73, 3, 0],
		);
		assert.equal(read.randomId.toString(), first.items[0].json.randomId);

		const second = await send(chatId, 'and again');
		assert.equal(second.error, undefined, second.error?.message);
		const again = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual([again.text, again.outSeqNo], ['and again', 5]);

		const listed = await run({ operation: 'getAll', returnAll: true });
		assert.equal(listed.error, undefined, listed.error?.message);
		assert.deepEqual(
			listed.items.map((item) => [
				item.json.chatId,
				item.json.status,
				item.json.role,
				item.json.messagesSent,
				item.json.userId,
			]),
			[[chatId, 'ready', 'creator', 3, ALICE.toString()]],
		);
		assert.ok(!JSON.stringify(listed.items).includes('key'), 'no key material in the output');
	});

	test('an acceptance whose key does not match its fingerprint discards the chat (messages.discardEncryption) and says why', async () => {
		const emitted = await startTrigger({ events: ['secretChatAccepted', 'secretChatClosed'] });
		const started = await run({ operation: 'start', chat: '@alice_test' });
		const chatId = Number(started.items[0].json.chatId);
		const request = await fake.nextEncryptionRequest(ALICE);
		const answer = await peer.accept({ p: fake.dhConfig.p, g: fake.dhConfig.g, gA: request.gA });
		fake.acceptEncryptionAs(ALICE, chatId, answer.gB, answer.keyFingerprint + 1n);
		const closed = await emitted.nextOf('secretChatClosed');
		assert.deepEqual([closed.chatId, closed.status], [chatId, 'closed']);
		assert.match(String(closed.closedReason), /does not match the fingerprint/);
		assert.equal(fake.encryptedChats[0].status, 'discarded');
		const result = await send(chatId, 'must not go out');
		assert.match(result.error?.message ?? '', /closed/);
		assert.equal(fake.encryptedChats[0].messages.length, 0);
		assert.deepEqual(
			emitted.items.map((item) => item.event),
			['secretChatClosed'],
		);
		assert.deepEqual(emitted.errors, []);
	});
});
