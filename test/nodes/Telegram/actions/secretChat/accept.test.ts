import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import type { PythonPeer } from '../../../../fakes/secretPeer/pythonPeer';
import { ALICE, skip, useSecretChatPeer } from '../../fixtures/secretChatPeer';

describe('Telegram: Secret Chat > Accept', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, startTrigger } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
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
		assert.equal(
			(await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chat.id)).bytes)).action?.kind,
			'notifyLayer',
		);
		const twice = await run({ operation: 'accept', secretChatId: chat.id });
		assert.match(twice.error?.message ?? '', /no request to accept \(it is ready\)/);
	});
});
