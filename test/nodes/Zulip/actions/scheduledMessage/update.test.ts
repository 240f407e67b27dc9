import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import {
	assertRefusedBeforeAnyRequest,
	runZulip,
	scheduleChannelMessages,
	useZulipFake,
} from '../../setup';

describe('Zulip: Scheduled Message > Update', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	const schedule = async (count: number) => await scheduleChannelMessages(fake, count);

	test('Update changes content, time and topic; the output is what Zulip now holds', async () => {
		const [id] = await schedule(1);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: String(id),
				updateFields: {
					content: 'Changed',
					topic: 'New topic',
					sendAt: '={{ $now.plus({ days: 2 }).toISO() }}',
				},
			},
		});
		assert.equal(result.error, undefined, result.error?.message);
		const stored = fake.scheduled.get(id);
		assert.equal(stored?.content, 'Changed');
		assert.equal(stored?.topic, 'New topic');
		assert.ok(
			Math.abs((stored?.scheduled_delivery_timestamp ?? 0) - (Date.now() / 1000 + 2 * 86400)) < 5,
		);
		assert.equal(result.items[0].json.content, 'Changed');
		assert.deepEqual(fake.violations, []);
	});

	test('Update moves a message to another channel keeping its topic, or to users', async () => {
		const [id] = await schedule(1);
		const moved = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: String(id),
				updateFields: { channel: { __rl: true, mode: 'id', value: '15' } },
			},
		});
		assert.equal(moved.error, undefined, moved.error?.message);
		assert.equal(fake.scheduled.get(id)?.to, 15);
		assert.equal(fake.scheduled.get(id)?.topic, 'Release');

		const direct = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: String(id),
				updateFields: { users: '={{ "othello@example.com, 9" }}' },
			},
		});
		assert.equal(direct.error, undefined, direct.error?.message);
		assert.deepEqual(fake.scheduled.get(id)?.to, [11, 9]);
		assert.deepEqual(fake.violations, []);
	});

	test('Update refuses nothing-to-change, both recipients, and a past time, before any PATCH', async () => {
		const [id] = await schedule(1);
		const base = {
			resource: 'scheduledMessage',
			operation: 'update',
			scheduledMessageId: String(id),
		};
		const cases = [
			[{}, /'Update Fields' is empty/],
			[
				{ channel: { __rl: true, mode: 'id', value: '15' }, users: '={{ [9] }}' },
				/'Channel' and Users are both set/,
			],
			[{ sendAt: '={{ $now.minus({ hours: 1 }).toISO() }}' }, /'Send At' .*is in the past/],
		] as const;
		for (const [updateFields, message] of cases) {
			const result = await runZulip(fake, { parameters: { ...base, updateFields } });
			assert.match(result.error?.message ?? '', message);
		}
		assert.equal(fake.requests.filter((request) => request.method === 'PATCH').length, 0);
	});
});

describe('Zulip: Scheduled Message > Update on a server before feature level 184', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), { featureLevel: 182, zulipVersion: '7.0-dev-182' });

	test('is refused before any request, naming the version it needs', async () => {
		await assertRefusedBeforeAnyRequest(
			fake,
			{
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: '1',
				updateFields: { content: 'Changed' },
			},
			/^Updating a scheduled message needs Zulip 7\.0 or newer \(API feature level 184\); this server runs Zulip 7\.0-dev-182 \(feature level 182\)/,
		);
	});
});

describe('Zulip: Scheduled Message > Update on Zulip 8.0 (feature level 237), limits 30/10', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), {
		...ZULIP_SERVERS['8.0'],
		maxMessageLength: 30,
		maxTopicLength: 10,
	});

	test('moving a message to a channel sends type "stream"; over-long content is refused before any request', async () => {
		const [id] = await scheduleChannelMessages(fake, 1);
		fake.requests = [];
		const moved = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: String(id),
				updateFields: { channel: { __rl: true, mode: 'id', value: '15' }, topic: 'Moved' },
			},
		});
		assert.equal(moved.error, undefined, moved.error?.message);
		const patch = fake.requests.find((request) => request.method === 'PATCH');
		assert.equal(patch?.body.type, 'stream');
		assert.equal(fake.scheduled.get(id)?.to, 15);

		fake.requests = [];
		const tooLong = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'update',
				scheduledMessageId: String(id),
				updateFields: { content: 'y'.repeat(31) },
			},
		});
		assert.match(tooLong.error?.message ?? '', /^'Content' is 31 characters long .* limit of 30/);
		assert.deepEqual(fake.requests, []);
		assert.equal(fake.scheduled.get(id)?.content, 'message 1');
		assert.deepEqual(fake.violations, []);
	});
});
