import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { PeerEncrypted, PythonPeer } from '../../fakes/secretPeer/pythonPeer';
import type { TelegramFake } from '../../fakes/telegram/server';
import { ALICE, skip, useSecretChatPeer } from './fixtures/secretChatPeer';

/**
 * What the user sees when the other side breaks the protocol, and what Telegram is told:
 * through n8n's engine, the fake Telegram and the Python peer.
 */
describe('Telegram: Secret Chat protocol violations and acknowledgements', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat, startTrigger } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

	test('a message with a wrong out_seq_no aborts the chat: discarded on Telegram, the trigger says why, sending fails', async () => {
		const chatId = await acceptedChat();
		const emitted = await startTrigger({ events: ['secretMessage', 'secretChatClosed'] });
		const fine = await peer.encryptText('in order');
		fake.sendEncryptedAs(ALICE, chatId, fine.data, { randomId: fine.randomId });
		assert.equal((await emitted.nextOf('secretMessage')).text, 'in order');
		// We created the chat: the peer's out_seq_no is even; 3 is what only we may send.
		const forged = await peer.encryptText('mirrored', { outSeqNo: 3 });
		fake.sendEncryptedAs(ALICE, chatId, forged.data, { randomId: forged.randomId });
		const closed = await emitted.nextOf('secretChatClosed');
		assert.deepEqual([closed.chatId, closed.status], [chatId, 'closed']);
		assert.match(
			String(closed.closedReason),
			/out_seq_no 3 .*wrong parity.*aborted\. Start a new secret chat with this user/,
		);
		assert.equal(fake.encryptedChats[0].status, 'discarded');
		const listed = await run({ operation: 'getAll', returnAll: true });
		assert.equal(listed.items[0].json.status, 'closed');
		assert.match(String(listed.items[0].json.closedReason), /wrong parity/);
		const refused = await send(chatId, 'must not go out');
		assert.match(refused.error?.message ?? '', /is closed: .*wrong parity/);
		assert.deepEqual(
			emitted.items.map((item) => item.event),
			['secretMessage', 'secretChatClosed'],
		);
	});

	// We created the chat and sent one message (our layer notice, out_seq_no 1), which the peer read.
	const violations: Array<[string, () => Promise<PeerEncrypted>, RegExp]> = [
		[
			'an in_seq_no above what we sent',
			async () => await peer.encryptText('x', { inSeqNo: 5 }),
			/in_seq_no 5 .* received 2 messages, but only 1 were sent: the chat was aborted/,
		],
		[
			'a resend request for messages we never sent',
			async () => await peer.encryptAction({ kind: 'resend', startSeqNo: 1, endSeqNo: 5 }),
			/resend out_seq_no 1\.\.5, but we only sent up to 1: the chat was aborted/,
		],
	];
	for (const [name, forge, what] of violations)
		test(`${name} aborts the chat: discarded on Telegram, the user reads what happened and what to do`, async () => {
			const chatId = await acceptedChat();
			const emitted = await startTrigger({ events: ['secretMessage', 'secretChatClosed'] });
			const forged = await forge();
			fake.sendEncryptedAs(ALICE, chatId, forged.data, { randomId: forged.randomId });
			const closed = await emitted.nextOf('secretChatClosed');
			const hint = /\. Start a new secret chat with this user to go on talking\.$/;
			assert.match(String(closed.closedReason), what);
			assert.match(String(closed.closedReason), hint);
			// The other side learns it from Telegram: the chat is discarded there.
			assert.equal(fake.encryptedChats[0].status, 'discarded');
			const listed = await run({ operation: 'getAll', returnAll: true });
			assert.equal(listed.items[0].json.status, 'closed');
			assert.match(String(listed.items[0].json.closedReason), what);
			const refused = await send(chatId, 'must not go out');
			assert.match(refused.error?.message ?? '', /is closed: /);
			assert.match(refused.error?.message ?? '', what);
			assert.match(refused.error?.description ?? '', /Start a new secret chat/);
			assert.deepEqual(
				emitted.items.map((item) => item.event),
				['secretChatClosed'],
			);
		});

	test('a re-key request with a bad g_a is answered with abortKey; the chat goes on both ways', async () => {
		const chatId = await acceptedChat();
		const emitted = await startTrigger({ events: ['secretMessage'] });
		const request = await peer.encryptAction({
			kind: 'requestKey',
			exchangeId: 99n,
			gA: Buffer.alloc(256, 0xff),
		});
		fake.sendEncryptedAs(ALICE, chatId, request.data, {
			service: true,
			randomId: request.randomId,
		});
		const after = await peer.encryptText('still talking');
		fake.sendEncryptedAs(ALICE, chatId, after.data, { randomId: after.randomId });
		await emitted.until(() => emitted.items.find((item) => item.text === 'still talking'));
		const sent = await send(chatId, 'and back');
		assert.equal(sent.error, undefined, sent.error?.message);
		// The abort went out when the request was read, before our text.
		const abort = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.deepEqual(abort.action, { kind: 'abortKey', exchangeId: 99n });
		assert.equal(
			(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes)).text,
			'and back',
		);
		const peerState = await peer.state();
		assert.deepEqual([peerState.rekey, peerState.inCount], [null, 3]);
	});

	test("a message of ours lost on the way: the peer's resend request reaches the trigger, which sends it again; the peer reads both in order", async () => {
		const chatId = await acceptedChat();
		await peer.configure({ holdGaps: true });
		const emitted = await startTrigger({ events: ['secretMessage'] });
		assert.equal((await send(chatId, 'lost')).error, undefined);
		const lost = await fake.nextEncryptedMessage(ALICE, chatId); // never reaches the peer
		assert.equal((await send(chatId, 'second')).error, undefined);
		const second = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(second.held, true);
		assert.equal(second.replies.length, 1, 'the peer asks once for what it lacks');
		fake.sendEncryptedAs(ALICE, chatId, second.replies[0], { service: true });
		// Read by the trigger (it answers under the chat's lock), then a text of the peer's.
		const ping = await peer.encryptText('ping');
		fake.sendEncryptedAs(ALICE, chatId, ping.data, { randomId: ping.randomId });
		await emitted.until(() => emitted.items.find((item) => item.text === 'ping'));
		assert.equal((await send(chatId, 'third')).error, undefined);
		// The copy went out when the request was read: before our third text.
		const again = await fake.nextEncryptedMessage(ALICE, chatId);
		assert.equal(again.randomId, lost.randomId, 'the same message, sent again');
		const read = await peer.decrypt(again.bytes);
		assert.deepEqual(
			read.delivered.map((item) => item.text),
			['lost', 'second'],
		);
		assert.deepEqual((await peer.state()).held, []);
	});

	test('what the trigger read is confirmed to Telegram with messages.receivedQueue', async () => {
		const chatId = await acceptedChat();
		const emitted = await startTrigger({ events: ['secretMessage'] });
		for (const text of ['one', 'two']) {
			const sent = await peer.encryptText(text);
			fake.sendEncryptedAs(ALICE, chatId, sent.data, { randomId: sent.randomId });
		}
		await emitted.until(() => (emitted.items.length >= 2 ? true : undefined));
		const qts = fake.qtsOf(fake.me.id);
		assert.ok(qts >= 2);
		// The confirmation follows the emission: poll the fake (no event wakes the wait).
		while (fake.confirmedQtsOf(fake.me.id) < qts)
			await new Promise((resolveWait) => setTimeout(resolveWait, 20));
		assert.equal(fake.confirmedQtsOf(fake.me.id), qts);
	});
});
