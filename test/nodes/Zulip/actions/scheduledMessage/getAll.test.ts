import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ZulipFake } from '../../../../fakes/zulip/server';
import { runZulip, scheduleChannelMessages, useZulipFake } from '../../setup';

describe('Zulip: Scheduled Message > Get Many', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	const schedule = async (count: number) => await scheduleChannelMessages(fake, count);

	test('Get Many lists what Zulip holds, honours Limit, and pairs with the input item', async () => {
		const ids = await schedule(3);
		const all = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'getAll', returnAll: true },
		});
		assert.equal(all.error, undefined, all.error?.message);
		assert.deepEqual(
			all.items.map((item) => item.json.scheduled_message_id),
			ids,
		);
		assert.ok(all.items.every((item) => typeof item.json.scheduled_delivery_time === 'string'));
		assert.deepEqual(
			all.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 0 }, { item: 0 }],
		);

		const limited = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'getAll', returnAll: false, limit: 2 },
		});
		assert.deepEqual(
			limited.items.map((item) => item.json.scheduled_message_id),
			ids.slice(0, 2),
		);
		assert.deepEqual(fake.violations, []);
	});
});
