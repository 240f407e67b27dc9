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

describe('Telegram: Scheduled Message > Delete', () => {
	let fake: TelegramFake;
	let credential: ICredentialDataDecryptedObject;
	useTelegramFake((started) => (fake = started));
	beforeEach(() => {
		credential = credentialData(fake);
	});

	const schedule = async (chat: string, texts: string[]) =>
		await scheduleTexts(fake, credential, chat, texts);

	test('more than 100 ids of one chat take one call per 100', async () => {
		fake.scheduledLimitPerChat = 150;
		const ids = await schedule(
			'@alice_test',
			Array.from({ length: 120 }, (_unused, index) => `m${index}`),
		);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('delete', { messageIds: '={{ $json.ids }}' }),
			items: [
				{ chat: '@alice_test', ids: ids.slice(0, 30) },
				{ chat: '@alice_test', ids: ids.slice(30, 90) },
				{ chat: '@alice_test', ids: ids.slice(90) },
			],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const deletes = fake.requests.filter(
			(request) => request.name === 'messages.DeleteScheduledMessages',
		);
		assert.deepEqual(
			deletes.map((request) => (request.request as { id: number[] }).id.length),
			[90, 30],
		);
		assert.equal(fake.scheduled.length, 0);
		assert.deepEqual(
			result.items.map((item) => item.json.deleted),
			[true, true, true],
		);
	});

	test('Delete batches too, and a wrong id fails only its own item (Continue On Fail)', async () => {
		const alice = await schedule('@alice_test', ['a1', 'a2', 'a3']);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('delete', { messageIds: '={{ $json.id }}' }),
			items: [
				{ chat: '@alice_test', id: alice[0] },
				{ chat: '@alice_test', id: 999 },
				{ chat: '@alice_test', id: alice[2] },
			],
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(
			fake.scheduled.map((message) => message.text),
			['a2'],
		);
		assert.equal(
			callsOf(fake, 'messages.DeleteScheduledMessages'),
			1,
			'the wrong id is known from the queue before any delete',
		);
		assert.equal(callsOf(fake, 'messages.GetScheduledHistory'), 1);
		assert.equal(result.items[0].json.deleted, true);
		assert.match(
			String(result.items[1].json.error),
			/message 999 is not scheduled in .* \(MESSAGE_ID_INVALID\)/,
		);
		assert.equal(result.items[2].json.deleted, true);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
	});

	test('a Delete whose answer was lost is repeated by gramjs; Telegram answers the repeat without error and the item says deleted', async () => {
		const ids = await schedule('@alice_test', ['a1', 'a2']);
		fake.dropConnectionNext('messages.DeleteScheduledMessages', 'after-apply');
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('delete', { messageIds: ids.join(',') }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled.length, 0);
		const deletes = fake.requests.filter((r) => r.name === 'messages.DeleteScheduledMessages');
		assert.equal(deletes.length, 2, "the call and gramjs's resend after the reconnect");
		assert.equal(deletes[1].error, undefined, 'unknown ids are no error on Telegram');
		assert.equal(result.items[0].json.deleted, true);
		assert.deepEqual(result.items[0].json.scheduledMessageIds, ids);
	});

	test('ids that are not ids are refused before any call', async () => {
		await schedule('@alice_test', ['a1']);
		const before = fake.requests.length;
		for (const messageIds of [', ,', 'abc', '12, -3', '1.5']) {
			const result = await runTelegram(fake, {
				credential,
				parameters: scheduledOp('delete', { messageIds }),
				items: [{ chat: '@alice_test' }],
			});
			assert.match(
				result.error?.message ?? '',
				/'Scheduled Message IDs' (is empty|contains)/,
				messageIds,
			);
		}
		assert.equal(fake.requests.length, before);
		assert.equal(fake.scheduled.length, 1);
	});
	test('Delete of one message of an album acts on the whole album, as Telegram Desktop does, and says so', async () => {
		const album = await scheduleAlbum(fake, credential, '@alice_test', ['one', 'two', 'three']);
		await scheduleAlbum(fake, credential, '@alice_test', ['lone 1', 'lone 2']);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('delete', { messageIds: String(album[1]) }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		const json = result.items[0].json;
		assert.deepEqual(json.requestedMessageIds, [album[1]]);
		assert.deepEqual(json.scheduledMessageIds, album);
		assert.equal(json.expandedFromAlbum, true);
		assert.deepEqual(
			fake.scheduled.map((m) => m.text),
			['lone 1', 'lone 2'],
			'the other album stays',
		);
		assert.equal(json.deleted, true);
		assert.equal(callsOf(fake, 'messages.GetScheduledHistory'), 1);
	});

	test('a message that is not in an album is acted on alone (expandedFromAlbum false)', async () => {
		const [id] = await schedule('@alice_test', ['single']);
		await scheduleAlbum(fake, credential, '@alice_test', ['x', 'y']);
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('delete', { messageIds: String(id) }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.items[0].json.scheduledMessageIds, [id]);
		assert.deepEqual(result.items[0].json.requestedMessageIds, [id]);
		assert.equal(result.items[0].json.expandedFromAlbum, false);
		assert.equal(fake.scheduled.length, 2);
	});
});
