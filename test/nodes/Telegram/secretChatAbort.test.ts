import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { PythonPeer } from '../../fakes/secretPeer/pythonPeer';
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
		assert.match(String(closed.closedReason), /out_seq_no 3 .*wrong parity.*aborted/);
		assert.equal(fake.encryptedChats[0].status, 'discarded');
		const listed = await run({ operation: 'getAll', returnAll: true });
		assert.equal(listed.items[0].json.status, 'closed');
		assert.match(String(listed.items[0].json.closedReason), /wrong parity/);
		const refused = await send(chatId, 'must not go out');
		assert.match(refused.error?.message ?? '', /closed/);
		assert.deepEqual(
			emitted.items.map((item) => item.event),
			['secretMessage', 'secretChatClosed'],
		);
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
