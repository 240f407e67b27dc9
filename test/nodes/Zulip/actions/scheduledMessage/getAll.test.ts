import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import {
	assertRefusedBeforeAnyRequest,
	runZulip,
	scheduleChannelMessages,
	useZulipFake,
} from '../../setup';

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

describe('Zulip: Scheduled Message > Get Many on Zulip 6.x (feature level 170)', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['6.x']);

	test('is refused before any request, naming the version it needs', async () => {
		await assertRefusedBeforeAnyRequest(
			fake,
			{ resource: 'scheduledMessage', operation: 'getAll', returnAll: true },
			/^Scheduled messages need Zulip 7\.0 or newer \(API feature level 179\); this server runs Zulip 7\.0-dev-170 \(feature level 170\)/,
		);
	});
});
