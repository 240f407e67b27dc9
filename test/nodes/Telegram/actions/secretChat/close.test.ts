import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import { skip, useSecretChatPeer } from '../../fixtures/secretChatPeer';

describe('Telegram: Secret Chat > Close', { skip }, () => {
	let fake: TelegramFake;
	let credential: ICredentialDataDecryptedObject;
	const { run, send, acceptedChat } = useSecretChatPeer({
		fake: (started) => (fake = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
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
