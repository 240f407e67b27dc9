import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Api } from 'telegram';
import type { IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { closeFakeClient, connectedFakeClient } from '../../fakes/telegram/testClient';
import { credentialData, useTelegramFake } from './setup';
import { listenTrigger } from './fixtures/listenTrigger';

/**
 * Message Edited and Messages Deleted: Telegram's updateEditMessage / updateEditChannelMessage and
 * updateDeleteMessages / updateDeleteChannelMessages, pushed or fetched after a stop, each once.
 */

const ALICE = 5000002n;
const NEWS = 1700000001n;
const NEWS_CHAT_ID = `-100${NEWS}`;

describe('Telegram Trigger: Message Edited and Messages Deleted', () => {
	let fake: TelegramFake;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
	});

	const bold = () => [new Api.MessageEntityBold({ offset: 0, length: 5 })];

	test('an edit gives the chat, the message id, the new text and its entities; a deletion the ids', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['messageEdited', 'messagesDeleted'] },
			stops,
		);
		const { id } = fake.receiveMessage(ALICE, 'hello there');
		fake.editReceived(id, 'HELLO there', { entities: bold() });
		const edited = await emitted.nextOf('messageEdited');
		assert.deepEqual(
			[edited.messageId, edited.chatId, edited.text, edited.outgoing],
			[id, ALICE.toString(), 'HELLO there', false],
		);
		assert.deepEqual(edited.entities, [{ type: 'bold', offset: 0, length: 5 }]);
		assert.match(String(edited.editedAt), /^\d{4}-\d\d-\d\dT/);

		fake.deleteReceived([id]);
		const deleted = await emitted.nextOf('messagesDeleted');
		// Telegram names no chat for private chats; the trigger knows it from the message it saw.
		assert.deepEqual([deleted.messageIds, deleted.chatId], [[id], ALICE.toString()]);
		assert.equal(
			emitted.items.filter((item) => item.event === 'message').length,
			0,
			'New Message was not picked',
		);

		const post = fake.postToChannel(NEWS, 'channel post');
		fake.editReceived(post.id, 'channel post, edited', { channelId: NEWS });
		fake.deleteReceived([post.id], { channelId: NEWS });
		const channelEdit = await emitted.until(() =>
			emitted.items.find((item) => item.event === 'messageEdited' && item.chatId === NEWS_CHAT_ID),
		);
		assert.equal(channelEdit.text, 'channel post, edited');
		const channelDeletion = await emitted.until(() =>
			emitted.items.find(
				(item) => item.event === 'messagesDeleted' && item.chatId === NEWS_CHAT_ID,
			),
		);
		assert.deepEqual(channelDeletion.messageIds, [post.id]);
		assert.deepEqual(emitted.errors, []);
	});

	test('a deletion of a message the trigger never saw says the chat is unknown', async () => {
		const earlier = fake.receiveMessage(ALICE, 'before the trigger listened');
		const { emitted } = await listenTrigger(fake, { events: ['messagesDeleted'] }, stops);
		fake.deleteReceived([earlier.id]);
		const deleted = await emitted.nextOf('messagesDeleted');
		assert.deepEqual([deleted.messageIds, deleted.chatId], [[earlier.id], null]);
		assert.match(String(deleted.note), /does not say which chat/);
	});

	test('edits and deletions made while the trigger was stopped come after it is back', async () => {
		const credential = credentialData(fake);
		const first = await listenTrigger(
			fake,
			{ events: ['messageEdited', 'messagesDeleted'] },
			stops,
			credential,
		);
		await stops.pop()?.();
		const state = JSON.parse(JSON.stringify(first.host.workflow.staticData)) as IDataObject;
		const { id } = fake.receiveMessage(ALICE, 'typo');
		fake.editReceived(id, 'fixed');
		fake.deleteReceived([id]);
		const second = await listenTrigger(
			fake,
			{ events: ['messageEdited', 'messagesDeleted'] },
			stops,
			credential,
			state,
		);
		await second.emitted.nextOf('messagesDeleted');
		assert.deepEqual(
			second.emitted.items.map((item) => [item.event, item.text ?? item.messageIds]),
			[
				['messageEdited', 'fixed'],
				['messagesDeleted', [id]],
			],
		);
	});

	test('a deletion made on another device of this account reaches the trigger, with its chat', async () => {
		const { emitted } = await listenTrigger(fake, { events: ['messagesDeleted'] }, stops);
		const phone = await connectedFakeClient(fake);
		try {
			const sent = await phone.sendMessage('@alice_test', { message: 'oops' });
			await phone.invoke(new Api.messages.DeleteMessages({ id: [sent.id], revoke: true }));
			const deleted = await emitted.nextOf('messagesDeleted');
			// The send reached the trigger by the catch-up the deletion's pts gap started.
			assert.deepEqual([deleted.messageIds, deleted.chatId], [[sent.id], ALICE.toString()]);
		} finally {
			await closeFakeClient(phone);
		}
	});
});
