import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { runTelegram, scheduleText, sendCalls, sendText, useTelegramFake } from './setup';

const FORUM_ID = 1700000002n;

const albumInTopic = (topicId: number, extra: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: 'sendAlbum',
	chat: '@forum_test',
	media: {
		items: ['a', 'b'].map((name) => ({
			source: 'url',
			url: `https://example.com/${name}.jpg`,
			caption: name,
			kind: 'photo',
		})),
	},
	sendWhen: 'now',
	options: { topicId },
	...extra,
});

/** Sends into forum topics: a supergroup with topics, where a post goes to one topic. */
describe('Telegram: forum topics', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));
	beforeEach(() => {
		fake.channels.push({
			id: FORUM_ID,
			accessHash: 7201000000000000002n,
			title: 'Forum Test',
			username: 'forum_test',
			megagroup: true,
			forum: true,
			adminIds: [],
			memberIds: [fake.me.id],
			topics: [
				{ id: 10, title: 'Releases' },
				{ id: 20, title: 'Archive', closed: true },
				{ id: 30, title: 'Old', deleted: true },
			],
		});
	});

	test('a text sent now and one scheduled land in the topic, and the outputs say which', async () => {
		const now = await runTelegram(fake, {
			parameters: sendText({ chat: '@forum_test', options: { topicId: 10 } }),
		});
		const later = await runTelegram(fake, {
			parameters: scheduleText({ chat: '@forum_test', options: { topicId: 10 } }),
		});
		assert.equal(now.error, undefined, now.error?.message);
		assert.equal(later.error, undefined, later.error?.message);
		assert.equal(fake.messages[0].topicId, 10);
		assert.equal(fake.scheduled[0].topicId, 10);
		assert.equal(fake.messages[0].replyToMsgId, undefined, 'a post in the topic, not a reply');
		assert.equal(now.items[0].json.topicId, 10);
		assert.equal(later.items[0].json.topicId, 10);
		assert.equal(now.items[0].json.replyToMessageId, undefined);
	});

	test('a reply inside a topic keeps both the topic and the message replied to', async () => {
		const result = await runTelegram(fake, {
			parameters: sendText({
				chat: '@forum_test',
				options: { topicId: 10, replyToMessageId: 12 },
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual([fake.messages[0].topicId, fake.messages[0].replyToMsgId], [10, 12]);
		assert.deepEqual(
			[result.items[0].json.topicId, result.items[0].json.replyToMessageId],
			[10, 12],
		);
	});

	test('an album sent now and one scheduled land in the topic, every part of them', async () => {
		const now = await runTelegram(fake, { parameters: albumInTopic(10) });
		const later = await runTelegram(fake, {
			parameters: albumInTopic(10, {
				sendWhen: 'at',
				sendAt: '={{ $now.plus({ hours: 3 }).toISO() }}',
			}),
		});
		assert.equal(now.error, undefined, now.error?.message);
		assert.equal(later.error, undefined, later.error?.message);
		assert.deepEqual(
			[...fake.messages, ...fake.scheduled].map((m) => m.topicId),
			[10, 10, 10, 10],
		);
		const parts = [
			...(now.items[0].json.messages as IDataObject[]),
			...(later.items[0].json.messages as IDataObject[]),
		];
		assert.deepEqual(
			parts.map((part) => part.topicId),
			[10, 10, 10, 10],
		);
	});

	for (const [topicId, error] of [
		[20, /forum topic is closed \(TOPIC_CLOSED\)/],
		[30, /forum topic does not exist .*\(TOPIC_DELETED\)/],
		[99, /forum topic does not exist .*\(TOPIC_DELETED\)/],
	] as const) {
		test(`topic ${topicId} is refused as Telegram refuses it, and nothing is posted`, async () => {
			const text = await runTelegram(fake, {
				parameters: sendText({ chat: '@forum_test', options: { topicId } }),
			});
			const album = await runTelegram(fake, { parameters: albumInTopic(topicId) });
			assert.match(text.error?.message ?? '', error);
			assert.match(album.error?.message ?? '', error);
			assert.equal(fake.messages.length + fake.scheduled.length, 0);
		});
	}

	test('a Topic ID that is no ID is refused before any call', async () => {
		const result = await runTelegram(fake, {
			parameters: sendText({ chat: '@forum_test', options: { topicId: -4 } }),
		});
		assert.match(result.error?.message ?? '', /'Topic ID'/);
		assert.equal(sendCalls(fake), 0);
	});
});
