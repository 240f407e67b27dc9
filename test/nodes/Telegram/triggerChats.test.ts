import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { TelegramFake } from '../../fakes/telegram/server';
import { useTelegramFake } from './setup';
import { listenTrigger, loadTriggerOptions } from './fixtures/listenTrigger';

/**
 * Chats: "only these chats" or "all but these", picked from the account's chat list
 * (messages.getDialogs) in a searchable list, for messages, edits and deletions.
 */

const ALICE = 5000002n;
const BOB = 5000003n;
const NEWS = 1700000001n;

describe('Telegram Trigger: chat filter', () => {
	let fake: TelegramFake;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
	});

	test("the list offers the account's chats from its dialogs, newest first", async () => {
		// A second apart, so the order is by date as in Telegram's list.
		fake.postToChannel(NEWS, 'a post');
		fake.clockAheadMs += 1000;
		fake.receiveMessage(BOB, 'from bob');
		fake.clockAheadMs += 1000;
		fake.receiveMessage(ALICE, 'from alice');
		const options = await loadTriggerOptions(fake, 'getChats', {
			events: ['message'],
			chatFilter: 'only',
		});
		assert.deepEqual(
			options.map((option) => [option.name, option.value]),
			[
				['Alice Test (@alice_test)', ALICE.toString()],
				['Bob (@bob_test)', BOB.toString()],
				['News Test (@news_test)', `-100${NEWS}`],
			],
		);
		assert.ok(fake.requests.some((request) => request.name === 'messages.GetDialogs'));
	});

	test('only these chats: messages, edits and deletions of other chats do not start the workflow', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{
				events: ['message', 'messageEdited', 'messagesDeleted'],
				chatFilter: 'only',
				chats: [ALICE.toString()],
			},
			stops,
		);
		const fromBob = fake.receiveMessage(BOB, 'bob: not wanted');
		fake.editReceived(fromBob.id, 'bob: not wanted, edited');
		fake.deleteReceived([fromBob.id]);
		fake.postToChannel(NEWS, 'post: not wanted');
		const fromAlice = fake.receiveMessage(ALICE, 'alice: wanted');
		fake.deleteReceived([fromAlice.id]);
		await emitted.nextOf('messagesDeleted');
		assert.deepEqual(
			emitted.items.map((item) => [item.event, item.chatId]),
			[
				['message', ALICE.toString()],
				['messagesDeleted', ALICE.toString()],
			],
		);
	});

	test('all but these chats: every other chat starts it', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'], chatFilter: 'except', chats: [ALICE.toString(), `-100${NEWS}`] },
			stops,
		);
		fake.receiveMessage(ALICE, 'alice: left out');
		fake.postToChannel(NEWS, 'post: left out');
		fake.receiveMessage(BOB, 'bob: wanted');
		await emitted.until(() => emitted.items.find((item) => item.text === 'bob: wanted'));
		assert.deepEqual(
			emitted.items.map((item) => item.text),
			['bob: wanted'],
		);
	});
});
