import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import { channelCreate, localIsoIn, postsTo, runZulip, useZulipFake } from '../../setup';

describe('Zulip: Scheduled Message > Create', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	test('schedules a channel message: Zulip holds it and the output describes it', async () => {
		const result = await runZulip(fake, { parameters: channelCreate() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.equal(fake.scheduled.size, 1);
		const [stored] = [...fake.scheduled.values()];
		assert.equal(stored.type, 'stream');
		assert.equal(stored.to, 14);
		assert.equal(stored.topic, 'Release');
		assert.equal(stored.content, 'Ship it at noon');
		const expected = Date.now() / 1000 + 7200;
		assert.ok(Math.abs(stored.scheduled_delivery_timestamp - expected) < 5);
		assert.equal(result.items.length, 1);
		assert.equal(result.items[0].json.scheduled_message_id, stored.scheduled_message_id);
		assert.equal(
			result.items[0].json.scheduled_delivery_timestamp,
			stored.scheduled_delivery_timestamp,
		);
		assert.deepEqual(result.items[0].pairedItem, { item: 0 });
	});

	test('a direct message takes user IDs and emails, resolved to IDs', async () => {
		const result = await runZulip(fake, {
			parameters: channelCreate({
				messageType: 'direct',
				users: '={{ ["9", "hamlet@example.com"] }}',
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		const [stored] = [...fake.scheduled.values()];
		assert.deepEqual(stored.to, [9, 10]);
		assert.equal(result.items[0].json.type, 'private');
	});

	test("a time without offset is read in the workflow's time zone", async () => {
		const zone = 'Asia/Tokyo';
		const sendAt = localIsoIn(90, zone);
		const result = await runZulip(fake, { parameters: channelCreate({ sendAt }), timezone: zone });
		assert.equal(result.error, undefined, result.error?.message);
		const [stored] = [...fake.scheduled.values()];
		const expected = Math.floor(Date.parse(`${sendAt}+09:00`) / 1000);
		assert.equal(stored.scheduled_delivery_timestamp, expected);
		assert.match(String(result.items[0].json.scheduled_delivery_time), /\+09:00$/);
	});

	test('many items keep their order and pairing', async () => {
		const items = [{ text: 'one' }, { text: 'two' }, { text: 'three' }];
		const result = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}' }),
			items,
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.items.map((item) => item.json.content),
			['one', 'two', 'three'],
		);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.deepEqual(
			[...fake.scheduled.values()].map((message) => message.content),
			['one', 'two', 'three'],
		);
	});

	describe('bad input is refused before anything is created', () => {
		const cases: Array<[string, IDataObject, RegExp]> = [
			[
				'a time in the past',
				{ sendAt: '={{ $now.minus({ minutes: 5 }).toISO() }}' },
				/'Send At' .*is in the past/,
			],
			[
				'a time that is not a time',
				{ sendAt: 'tomorrowish' },
				/'Send At' \("tomorrowish"\) is not a date and time/,
			],
			['a channel message without topic', { topic: '  ' }, /'Topic' is empty/],
			['empty content', { content: '={{ "" }}' }, /'Content' is empty/],
			[
				'a recipient that is neither ID nor email',
				{ messageType: 'direct', users: '={{ ["bob"] }}' },
				/"bob", which is neither a user ID nor an email/,
			],
			[
				'an email of nobody in the realm',
				{ messageType: 'direct', users: 'ghost@example.com' },
				/ghost@example.com, not a user of this Zulip organization/,
			],
			[
				'a channel that is not an ID',
				{ channel: { __rl: true, mode: 'id', value: '={{ "general" }}' } },
				/'Channel' \("general"\) is not a channel ID/,
			],
		];
		for (const [name, overrides, message] of cases) {
			test(name, async () => {
				const result = await runZulip(fake, { parameters: channelCreate(overrides) });
				assert.ok(result.error, 'the node should fail');
				assert.match(result.error.message, message);
				assert.ok(result.error.description, 'the error says how to fix it');
				assert.equal(postsTo(fake, '/scheduled_messages'), 0);
				assert.equal(fake.scheduled.size, 0);
				assert.deepEqual(fake.violations, []);
			});
		}
	});

	test("Zulip's own refusal arrives with Zulip's msg", async () => {
		const result = await runZulip(fake, {
			parameters: channelCreate({ channel: { __rl: true, mode: 'id', value: '99' } }),
		});
		assert.ok(result.error);
		assert.match(result.error.message, /Zulip: Channel with ID '99' does not exist/);
		assert.equal(result.error.httpCode, '400');
	});

	test('Continue On Fail: a bad item becomes an error item, the others are created', async () => {
		const items = [{ text: 'first' }, { text: '' }, { text: 'third' }];
		const result = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}' }),
			items,
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.equal(result.items.length, 3);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.match(String(result.items[1].json.error), /'Content' is empty/);
		assert.equal(result.items[0].json.content, 'first');
		assert.deepEqual(
			[...fake.scheduled.values()].map((message) => message.content),
			['first', 'third'],
		);
	});

	test('without Continue On Fail, items after a failing one are not sent', async () => {
		const items = [{ text: 'first' }, { text: '' }, { text: 'third' }];
		const result = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}' }),
			items,
		});
		assert.ok(result.error);
		assert.match(result.error.message, /'Content' is empty/);
		assert.equal(result.error.context?.itemIndex, 1);
		assert.deepEqual(
			[...fake.scheduled.values()].map((message) => message.content),
			['first'],
		);
	});
});

describe('Zulip: Scheduled Message > Create on older servers', () => {
	describe('Zulip 6.x (feature level 170): no scheduled messages', () => {
		let fake: ZulipFake;
		useZulipFake((started) => (fake = started), ZULIP_SERVERS['6.x']);

		test('refused before any request, naming the version it needs and the one the server runs', async () => {
			const result = await runZulip(fake, { parameters: channelCreate() });
			assert.match(
				result.error?.message ?? '',
				/^Scheduled messages need Zulip 7\.0 or newer \(API feature level 179\); this server runs Zulip 7\.0-dev-170 \(feature level 170\)/,
			);
			assert.match(String(result.error?.description), /upgrade the server/);
			assert.deepEqual(fake.requests, [], 'no request left');
		});
	});

	describe('Zulip 7.0 (feature level 185)', () => {
		let fake: ZulipFake;
		useZulipFake((started) => (fake = started), ZULIP_SERVERS['7.0']);

		test("'Mark as Read by Sender' (8.0) is refused before any request", async () => {
			const result = await runZulip(fake, {
				parameters: channelCreate({ options: { readBySender: false } }),
			});
			assert.match(
				result.error?.message ?? '',
				/^'Mark as Read by Sender' needs Zulip 8\.0 or newer \(API feature level 236\); this server runs Zulip 7\.0 \(feature level 185\)/,
			);
			assert.match(String(result.error?.description), /Remove the option/);
			assert.deepEqual(fake.requests, []);
		});

		test('a channel message goes as type "stream" (this server has no "channel" type)', async () => {
			const result = await runZulip(fake, { parameters: channelCreate() });
			assert.equal(result.error, undefined, result.error?.message);
			assert.equal(fake.requests.at(-1)?.body.type, 'stream');
			assert.equal(fake.scheduled.size, 1);
			assert.deepEqual(fake.violations, []);
		});
	});

	describe('Zulip 9.0 (feature level 275)', () => {
		let fake: ZulipFake;
		useZulipFake((started) => (fake = started));

		test('a channel message goes as type "channel", and Mark as Read by Sender is sent', async () => {
			const result = await runZulip(fake, {
				parameters: channelCreate({ options: { readBySender: true } }),
			});
			assert.equal(result.error, undefined, result.error?.message);
			const body = fake.requests.at(-1)?.body;
			assert.equal(body?.type, 'channel');
			assert.equal(body?.read_by_sender, true);
			assert.deepEqual(fake.violations, []);
		});
	});
});

describe("Zulip: Scheduled Message > Create within the organization's length limits", () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), { maxMessageLength: 40, maxTopicLength: 12 });

	test('content over the limit is refused before any request, with its length and the limit', async () => {
		const result = await runZulip(fake, {
			parameters: channelCreate({ content: 'x'.repeat(41) }),
		});
		assert.match(
			result.error?.message ?? '',
			/^'Content' is 41 characters long \(Unicode code points, as Zulip counts them\), over this organization's limit of 40/,
		);
		assert.match(String(result.error?.description), /Zulip would cut it to 40 without an error/);
		assert.deepEqual(fake.requests, []);
	});

	test('a topic over the limit is refused before any request', async () => {
		const result = await runZulip(fake, {
			parameters: channelCreate({ topic: 'Release 2026-12' }),
		});
		assert.match(result.error?.message ?? '', /^'Topic' is 15 characters long .* limit of 12/);
		assert.deepEqual(fake.requests, []);
	});

	test('lengths are counted as Zulip counts them: code points, after trailing whitespace', async () => {
		// 40 emoji are 80 UTF-16 units but 40 code points; the trailing newlines do not count.
		const content = `${'🎉'.repeat(40)}\n\n`;
		const result = await runZulip(fake, {
			parameters: channelCreate({ content, topic: 'Ünïcödé 🎉🎉🎉🎉' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [stored] = [...fake.scheduled.values()];
		assert.equal(stored.content, '🎉'.repeat(40), 'Zulip kept it whole');
		assert.deepEqual(fake.violations, []);
	});
});
