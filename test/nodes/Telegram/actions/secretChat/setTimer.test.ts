import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import type { PythonPeer } from '../../../../fakes/secretPeer/pythonPeer';
import { ALICE, skip, useSecretChatPeer } from '../../fixtures/secretChatPeer';

describe('Telegram: Secret Chat > Set Self-Destruct Timer, and message timers', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat, startTrigger } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

	const storedTimer = async (chatId: number) =>
		(await run({ operation: 'getAll', returnAll: true })).items.find(
			(item) => item.json.chatId === chatId,
		)?.json.selfDestructSeconds;

	test('the timer goes out as decryptedMessageActionSetMessageTTL and later messages carry it; a bad value sends nothing', async () => {
		const chatId = await acceptedChat();
		const set = await run({ operation: 'setTimer', secretChatId: chatId, ttlSeconds: 30 });
		assert.equal(set.error, undefined, set.error?.message);
		assert.equal(set.items[0].json.ttlSeconds, 30);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual(read.action, { kind: 'setMessageTtl', ttlSeconds: 30 });
		assert.equal(fake.encryptedChats[0].messages.at(-1)?.service, true);
		assert.equal(await storedTimer(chatId), 30);

		const timed = await send(chatId, 'lives 30 seconds once read');
		assert.equal(timed.error, undefined, timed.error?.message);
		assert.equal(timed.items[0].json.ttlSeconds, 30);
		const own = await send(chatId, 'lives 5 seconds', { options: { ttlSeconds: 5 } });
		assert.equal(own.error, undefined, own.error?.message);
		const [first, second] = [
			await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes),
			await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes),
		];
		assert.deepEqual([first.text, first.ttl], ['lives 30 seconds once read', 30]);
		assert.deepEqual([second.text, second.ttl], ['lives 5 seconds', 5]);

		const before = fake.encryptedChats[0].messages.length;
		const bad = await run({ operation: 'setTimer', secretChatId: chatId, ttlSeconds: 10_000_000 });
		assert.match(bad.error?.message ?? '', /Self-Destruct Timer/);
		const badMessage = await send(chatId, 'x', { options: { ttlSeconds: -1 } });
		assert.match(badMessage.error?.message ?? '', /Self-Destruct After/);
		assert.equal(fake.encryptedChats[0].messages.length, before);
	});

	test("the peer's timer (chat-level action) and a message's own timer reach the trigger's items", async () => {
		const chatId = await acceptedChat();
		const emitted = await startTrigger({ events: ['secretMessage', 'secretChatTimerSet'] });
		const timer = await peer.encryptAction({ kind: 'setMessageTtl', ttlSeconds: 60 });
		fake.sendEncryptedAs(ALICE, chatId, timer.data, { service: true, randomId: timer.randomId });
		const timerItem = await emitted.nextOf('secretChatTimerSet');
		assert.deepEqual(
			[timerItem.chatId, timerItem.userId, timerItem.ttlSeconds, timerItem.randomId],
			[chatId, ALICE.toString(), 60, timer.randomId.toString()],
		);
		const timed = await peer.encryptText('gone a minute after reading', { ttl: 60 });
		fake.sendEncryptedAs(ALICE, chatId, timed.data, { randomId: timed.randomId });
		const item = await emitted.nextOf('secretMessage');
		assert.deepEqual([item.text, item.ttlSeconds], ['gone a minute after reading', 60]);
		assert.equal(await storedTimer(chatId), 60);
		// Our next message follows the timer the peer set.
		assert.equal((await send(chatId, 'answering under the timer')).error, undefined);
		const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(read.ttl, 60);
	});
});
