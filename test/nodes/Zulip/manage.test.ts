import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ZulipFake } from '../../fakes/zulip/server';
import { channelCreate, runZulip } from './setup';

describe('Zulip: Get Many, Update, Delete, Send Now, Send', () => {
	let fake: ZulipFake;
	before(async () => {
		fake = await ZulipFake.start();
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake.reset());

	async function schedule(count: number): Promise<number[]> {
		const items = Array.from({ length: count }, (_, index) => ({ text: `message ${index + 1}`, hours: index + 1 }));
		const result = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}', sendAt: '={{ $now.plus({ hours: $json.hours }).toISO() }}' }),
			items,
		});
		assert.equal(result.error, undefined, result.error?.message);
		return result.items.map((item) => Number(item.json.scheduled_message_id));
	}

	test('Get Many lists what Zulip holds, honours Limit, and pairs with the input item', async () => {
		const ids = await schedule(3);
		const all = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'getAll', returnAll: true } });
		assert.equal(all.error, undefined, all.error?.message);
		assert.deepEqual(all.items.map((item) => item.json.scheduled_message_id), ids);
		assert.ok(all.items.every((item) => typeof item.json.scheduled_delivery_time === 'string'));
		assert.deepEqual(all.items.map((item) => item.pairedItem), [{ item: 0 }, { item: 0 }, { item: 0 }]);

		const limited = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'getAll', returnAll: false, limit: 2 } });
		assert.deepEqual(limited.items.map((item) => item.json.scheduled_message_id), ids.slice(0, 2));
		assert.deepEqual(fake.violations, []);
	});

	test('Update changes content, time and topic; the output is what Zulip now holds', async () => {
		const [id] = await schedule(1);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: String(id),
				updateFields: { content: 'Changed', topic: 'New topic', sendAt: '={{ $now.plus({ days: 2 }).toISO() }}' },
			},
		});
		assert.equal(result.error, undefined, result.error?.message);
		const stored = fake.scheduled.get(id);
		assert.equal(stored?.content, 'Changed');
		assert.equal(stored?.topic, 'New topic');
		assert.ok(Math.abs((stored?.scheduled_delivery_timestamp ?? 0) - (Date.now() / 1000 + 2 * 86400)) < 5);
		assert.equal(result.items[0].json.content, 'Changed');
		assert.deepEqual(fake.violations, []);
	});

	test('Update moves a message to another channel keeping its topic, or to users', async () => {
		const [id] = await schedule(1);
		const moved = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'update', scheduledMessageId: String(id), updateFields: { channel: { __rl: true, mode: 'id', value: '15' } } },
		});
		assert.equal(moved.error, undefined, moved.error?.message);
		assert.equal(fake.scheduled.get(id)?.to, 15);
		assert.equal(fake.scheduled.get(id)?.topic, 'Release');

		const direct = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'update', scheduledMessageId: String(id), updateFields: { users: '={{ "othello@example.com, 9" }}' } },
		});
		assert.equal(direct.error, undefined, direct.error?.message);
		assert.deepEqual(fake.scheduled.get(id)?.to, [11, 9]);
		assert.deepEqual(fake.violations, []);
	});

	test('Update refuses nothing-to-change, both recipients, and a past time, before any PATCH', async () => {
		const [id] = await schedule(1);
		const base = { resource: 'scheduledMessage', operation: 'update', scheduledMessageId: String(id) };
		const cases = [
			[{}, /'Update Fields' is empty/],
			[{ channel: { __rl: true, mode: 'id', value: '15' }, users: '={{ [9] }}' }, /'Channel' and Users are both set/],
			[{ sendAt: '={{ $now.minus({ hours: 1 }).toISO() }}' }, /'Send At' .*is in the past/],
		] as const;
		for (const [updateFields, message] of cases) {
			const result = await runZulip(fake, { parameters: { ...base, updateFields } });
			assert.match(result.error?.message ?? '', message);
		}
		assert.equal(fake.requests.filter((request) => request.method === 'PATCH').length, 0);
	});

	test('Delete removes the message; an unknown id fails with Zulip\'s msg', async () => {
		const [first, second] = await schedule(2);
		const result = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'delete', scheduledMessageId: '={{ $json.id }}' },
			items: [{ id: first }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.items[0].json, { scheduled_message_id: first, deleted: true });
		assert.deepEqual([...fake.scheduled.keys()], [second]);

		const unknown = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'delete', scheduledMessageId: '999' } });
		assert.match(unknown.error?.message ?? '', /Zulip: Scheduled message does not exist/);
		assert.equal(unknown.error?.httpCode, '404');

		const malformed = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'delete', scheduledMessageId: '={{ "abc" }}' } });
		assert.match(malformed.error?.message ?? '', /'Scheduled Message ID' \("abc"\) is not a scheduled message ID/);
		assert.deepEqual(fake.violations, []);
	});

	test('Delete with Continue On Fail: each item reports its own outcome', async () => {
		const [first] = await schedule(1);
		const result = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'delete', scheduledMessageId: '={{ $json.id }}' },
			items: [{ id: 12345 }, { id: first }],
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.equal(result.items.length, 2);
		assert.deepEqual(result.items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }]);
		assert.equal(fake.scheduled.size, 0);
		assert.deepEqual(result.items[1].json, { scheduled_message_id: first, deleted: true });
		assert.match(JSON.stringify(result.items[0]), /Scheduled message does not exist/);
	});

	test('Send Now sends the same content and removes the scheduled one', async () => {
		const [id] = await schedule(1);
		const result = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'sendNow', scheduledMessageId: String(id) } });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled.size, 0);
		assert.equal(fake.sent.length, 1);
		assert.equal(fake.sent[0].content, 'message 1');
		assert.equal(fake.sent[0].topic, 'Release');
		assert.equal(result.items[0].json.message_id, fake.sent[0].id);
		assert.deepEqual(fake.violations, []);
	});

	test('Send Now keeps the scheduled message when the send fails', async () => {
		const [id] = await schedule(1);
		fake.failNext({ method: 'POST', path: /\/messages$/ }, 'http-500');
		const result = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'sendNow', scheduledMessageId: String(id) } });
		assert.ok(result.error);
		assert.equal(fake.sent.length, 0);
		assert.ok(fake.scheduled.has(id), 'the scheduled message is still there');
	});

	test('Send Now of a direct message and of an unknown id', async () => {
		const created = await runZulip(fake, { parameters: channelCreate({ messageType: 'direct', users: '={{ [10] }}' }) });
		const id = Number(created.items[0].json.scheduled_message_id);
		const result = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'sendNow', scheduledMessageId: String(id) } });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.sent.length, 1);
		assert.equal(fake.scheduled.size, 0);

		const unknown = await runZulip(fake, { parameters: { resource: 'scheduledMessage', operation: 'sendNow', scheduledMessageId: '777' } });
		assert.match(unknown.error?.message ?? '', /no scheduled message 777/);
		assert.equal(fake.sent.length, 1);
		assert.deepEqual(fake.violations, []);
	});

	test('Message > Send posts to a channel and to users', async () => {
		const result = await runZulip(fake, {
			parameters: { resource: 'message', operation: 'send', messageType: 'channel', channel: { __rl: true, mode: 'list', value: '16' }, topic: 'Standup', content: 'Hello' },
		});
		assert.equal(result.error, undefined, result.error?.message);
		const direct = await runZulip(fake, {
			parameters: { resource: 'message', operation: 'send', messageType: 'direct', users: '={{ ["iago@example.com"] }}', content: 'Hi Iago' },
		});
		assert.equal(direct.error, undefined, direct.error?.message);
		assert.equal(fake.sent.length, 2);
		assert.equal(fake.sent[0].topic, 'Standup');
		assert.deepEqual(fake.sent[1].to, [9]);
		assert.equal(result.items[0].json.message_id, fake.sent[0].id);
		assert.deepEqual(fake.violations, []);
	});
});
