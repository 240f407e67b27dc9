import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import {
	callsOf,
	credentialData,
	runTelegram,
	scheduleAlbum,
	scheduledOp,
	scheduleTexts,
	useTelegramFake,
} from '../../setup';

describe('Telegram: Scheduled Message > Send Now', () => {
	let fake: TelegramFake;
	let credential: ICredentialDataDecryptedObject;
	useTelegramFake((started) => (fake = started));
	beforeEach(() => {
		credential = credentialData(fake);
	});

	const schedule = async (chat: string, texts: string[]) =>
		await scheduleTexts(fake, credential, chat, texts);

	test('Send Now batches the ids of all items: one call per chat', async () => {
		const alice = await schedule('@alice_test', ['a1', 'a2', 'a3']);
		const bob = await schedule('@bob_test', ['b1', 'b2']);
		const items = [
			...alice.map((id) => ({ chat: '@alice_test', id })),
			...bob.map((id) => ({ chat: '@bob_test', id })),
		];
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: '={{ $json.id }}' }),
			items,
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(callsOf(fake, 'messages.SendScheduledMessages'), 2);
		assert.equal(fake.scheduled.length, 0);
		assert.deepEqual(fake.messages.map((message) => message.text).sort(), [
			'a1',
			'a2',
			'a3',
			'b1',
			'b2',
		]);
		assert.ok(fake.messages.every((message) => message.fromScheduled));
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			items.map((_item, index) => ({ item: index })),
		);
		assert.deepEqual(
			result.items.map((item) => item.json.scheduledMessageIds),
			items.map((item) => [item.id]),
		);
		const sentIds = result.items.map((item) => (item.json.sentMessageIds as number[])[0]);
		assert.deepEqual(
			[...sentIds].sort((a, b) => a - b),
			fake.messages.map((message) => message.id).sort((a, b) => a - b),
		);
	});

	test('without Continue On Fail a wrong id fails the run with its item index, before anything is sent', async () => {
		const alice = await schedule('@alice_test', ['a1']);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: '={{ $json.id }}' }),
			items: [
				{ chat: '@alice_test', id: alice[0] },
				{ chat: '@alice_test', id: 4242 },
			],
		});
		assert.match(result.error?.message ?? '', /MESSAGE_ID_INVALID/);
		assert.equal(result.error?.context?.itemIndex, 1);
		// The queue tells before any call that item 1 is wrong: nothing is half-done.
		assert.equal(fake.messages.length, 0, 'nothing was sent');
		assert.equal(callsOf(fake, 'messages.SendScheduledMessages'), 0);
	});

	test('250 ids of one chat over 250 items go in ⌈250/100⌉ = 3 calls of at most 100 ids', async () => {
		fake.scheduledLimitPerChat = 300;
		const ids = await schedule(
			'@alice_test',
			Array.from({ length: 250 }, (_unused, index) => `m${index}`),
		);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: '={{ $json.id }}' }),
			items: ids.map((id) => ({ chat: '@alice_test', id })),
		});
		assert.equal(result.error, undefined, result.error?.message);
		const calls = fake.requests
			.filter((request) => request.name === 'messages.SendScheduledMessages')
			.map((request) => (request.request as { id: number[] }).id.length);
		assert.deepEqual(calls, [100, 100, 50]);
		assert.equal(fake.messages.length, 250);
		assert.equal(result.items.filter((item) => item.json.sentNow === true).length, 250);
	});

	test('one stale id among 100 costs no extra call: its item fails, the other 99 are sent in one call', async () => {
		const ids = await schedule(
			'@alice_test',
			Array.from({ length: 99 }, (_unused, index) => `m${index}`),
		);
		const items = [
			...ids.map((id) => ({ chat: '@alice_test', id })),
			{ chat: '@alice_test', id: 7777 },
		];
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: '={{ $json.id }}' }),
			items,
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(callsOf(fake, 'messages.SendScheduledMessages'), 1);
		assert.equal(fake.scheduled.length, 0);
		assert.equal(fake.messages.length, 99);
		assert.equal(result.items.filter((item) => item.json.sentNow === true).length, 99);
		assert.match(String(result.items[99].json.error), /7777 is not scheduled/);
	});

	test('Retry On Fail after a failure in the second call of 150 ids goes on with the rest: nothing acted on twice, no MESSAGE_ID_INVALID', async () => {
		fake.scheduledLimitPerChat = 200;
		const ids = await schedule(
			'@alice_test',
			Array.from({ length: 150 }, (_unused, index) => `m${index}`),
		);
		fake.injectError(
			(name, request) =>
				name === 'messages.SendScheduledMessages' && (request as { id: number[] }).id.length === 50,
			{ code: 500, message: 'INTERNAL_SERVER_ERROR' },
		);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: '={{ $json.ids }}' }),
			items: [{ chat: '@alice_test', ids }],
			node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		const calls = fake.requests
			.filter((request) => request.name === 'messages.SendScheduledMessages')
			.map((request) => (request.request as { id: number[] }).id.length);
		assert.deepEqual(calls, [100, 50, 50], 'the first 100 were not sent again');
		assert.equal(fake.messages.length, 150);
		assert.equal(fake.scheduled.length, 0);
		const sentIds = result.items[0].json.sentMessageIds as Array<number | null>;
		assert.equal(sentIds.length, 150);
		assert.ok(sentIds.every((id) => typeof id === 'number'));
	});

	test('a Send Now whose answer was lost is confirmed from the queue, not reported as a failure', async () => {
		const ids = await schedule('@alice_test', ['a1', 'a2']);
		fake.dropConnectionNext('messages.SendScheduledMessages', 'after-apply');
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: ids.join(',') }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 2, 'sent once');
		assert.equal(fake.scheduled.length, 0);
		assert.equal(result.items[0].json.sentNow, true);
		assert.deepEqual(result.items[0].json.scheduledMessageIds, ids);
	});

	test('Retry On Fail after a failed batch does not send the finished batches again', async () => {
		const alice = await schedule('@alice_test', ['a1', 'a2']);
		const bob = await schedule('@bob_test', ['b1']);
		fake.injectError('messages.SendScheduledMessages', {
			code: 500,
			message: 'INTERNAL_SERVER_ERROR',
		});
		const items = [
			{ chat: '@bob_test', id: bob[0] },
			{ chat: '@alice_test', id: alice[0] },
			{ chat: '@alice_test', id: alice[1] },
		];
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: '={{ $json.id }}' }),
			items,
			node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(
			callsOf(fake, 'messages.SendScheduledMessages'),
			3,
			'bob failed, then bob again; alice once',
		);
		assert.deepEqual(fake.messages.map((message) => message.text).sort(), ['a1', 'a2', 'b1']);
		assert.equal(result.items.length, 3);
	});
	test('Send Now of one message of an album acts on the whole album, as Telegram Desktop does, and says so', async () => {
		const album = await scheduleAlbum(fake, credential, '@alice_test', ['one', 'two', 'three']);
		await scheduleAlbum(fake, credential, '@alice_test', ['lone 1', 'lone 2']);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: String(album[1]) }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const json = result.items[0].json;
		assert.deepEqual(json.requestedMessageIds, [album[1]]);
		assert.deepEqual(json.scheduledMessageIds, album);
		assert.equal(json.expandedFromAlbum, true);
		assert.equal(
			fake.scheduled.filter((m) => m.text.startsWith('lone')).length,
			2,
			'the other album stays',
		);
		assert.deepEqual(
			fake.messages.map((m) => m.text),
			['one', 'two', 'three'],
		);
		assert.deepEqual(
			json.sentMessageIds,
			fake.messages.map((m) => m.id),
		);
		assert.equal(json.sentNow, true);
		assert.equal(callsOf(fake, 'messages.GetScheduledHistory'), 1);
	});

	test('a message that is not in an album is acted on alone (expandedFromAlbum false)', async () => {
		const [id] = await schedule('@alice_test', ['single']);
		await scheduleAlbum(fake, credential, '@alice_test', ['x', 'y']);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: String(id) }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.items[0].json.scheduledMessageIds, [id]);
		assert.deepEqual(result.items[0].json.requestedMessageIds, [id]);
		assert.equal(result.items[0].json.expandedFromAlbum, false);
		assert.equal(fake.scheduled.length, 2);
	});
});
