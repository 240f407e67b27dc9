import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import type { PythonPeer } from '../../../../fakes/secretPeer/pythonPeer';
import { NodeHost } from '../../../../harness/nodeHost';
import { ALICE, skip, useSecretChatPeer } from '../../fixtures/secretChatPeer';

describe('Telegram: Secret Chat > Send Message', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat, startTrigger } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

	test("the editor's list offers the credential's chats, and a chat picked from it is sent to", async () => {
		const chatId = await acceptedChat();
		const host = await NodeHost.create({
			type: 'telegram',
			parameters: { resource: 'secretChat', operation: 'sendMessage' },
			credentials: { telegramMtprotoApi: credential },
		});
		const listed = await host.listSearch('searchSecretChats');
		assert.deepEqual(listed.results, [
			{ name: `${chatId} with user ${ALICE} (ready)`, value: String(chatId) },
		]);
		assert.deepEqual((await host.listSearch('searchSecretChats', 'waiting')).results, []);
		const picked = await run({
			operation: 'sendMessage',
			secretChatId: { __rl: true, mode: 'list', value: listed.results[0].value },
			text: 'picked from the list',
		});
		assert.equal(picked.error, undefined, picked.error?.message);
		assert.equal(
			(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text,
			'picked from the list',
		);
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

	test('after 100 messages the key is renewed (PFS) with the peer, and later messages use the new key', async () => {
		const chatId = await acceptedChat();
		// The peer's answer (acceptKey) is an incoming message: a listening trigger reads it.
		await startTrigger({ events: ['secretMessage'] });
		const before = await peer.state();
		// With the layer notice, 99 texts make the 100 messages a key may carry.
		const texts = Array.from({ length: 99 }, (_, i) => ({ text: `message ${i}` }));
		const batch = await run(
			{ operation: 'sendMessage', secretChatId: chatId, text: '={{ $json.text }}' },
			texts,
		);
		assert.equal(batch.error, undefined, batch.error?.message);
		assert.deepEqual(
			batch.items.map((item) => item.pairedItem),
			texts.map((_, item) => ({ item })),
		);
		for (let i = 0; i < 99; i++)
			assert.equal(
				(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text,
				`message ${i}`,
			);
		// The next send starts the re-key: requestKey first, then the message under the old key.
		assert.equal((await send(chatId, 'starts the re-key')).error, undefined);
		const requestKey = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(requestKey.action?.kind, 'requestKey');
		assert.equal(
			(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text,
			'starts the re-key',
		);
		for (const reply of requestKey.replies)
			fake.sendEncryptedAs(ALICE, chatId, reply, { service: true });
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

	test('a send whose answer was lost is not duplicated, and a refused send does not use up a sequence number', async () => {
		const chatId = await acceptedChat();
		fake.dropConnectionNext('messages.SendEncrypted', 'after-apply');
		const lost = await send(chatId, 'answer lost on the way back');
		assert.equal(lost.error, undefined, lost.error?.message);
		assert.equal(lost.items[0].json.alreadySent, true);
		assert.equal(fake.encryptedChats[0].messages.filter((m) => !m.service).length, 1);
		assert.equal(
			(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).outSeqNo,
			3,
		);
		fake.injectError('messages.SendEncrypted', { code: 400, message: 'ENCRYPTION_DECLINED' });
		const refused = await send(chatId, 'refused by Telegram');
		assert.match(refused.error?.message ?? '', /ENCRYPTION_DECLINED|declined/i);
		const next = await send(chatId, 'the next one takes the free number');
		assert.equal(next.error, undefined, next.error?.message);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual([read.text, read.outSeqNo], ['the next one takes the free number', 5]);
	});
});
