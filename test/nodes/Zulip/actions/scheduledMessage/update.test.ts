import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ZulipFake } from '../../../../fakes/zulip/server';
import { runZulip, scheduleChannelMessages, useZulipFake } from '../../setup';

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
