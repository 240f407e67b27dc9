import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ZulipFake } from '../../../../fakes/zulip/server';
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
