import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import {
	assertRefusedBeforeAnyRequest,
	createReminders,
	runZulip,
	seedMessages,
	useZulipFake,
} from '../../setup';

describe('Zulip: Reminder > Get Many (Zulip 11.0)', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['11.0']);

	test('lists the reminders, soonest first, honouring Limit', async () => {
		const messageIds = seedMessages(fake, 3);
		const ids = await createReminders(fake, messageIds);
		const all = await runZulip(fake, {
			parameters: { resource: 'reminder', operation: 'getAll', returnAll: true },
		});
		assert.equal(all.error, undefined, all.error?.message);
		assert.deepEqual(
			all.items.map((item) => item.json.reminder_id),
			ids,
		);
		assert.deepEqual(
			all.items.map((item) => item.json.reminder_target_message_id),
			messageIds,
		);
		assert.ok(all.items.every((item) => typeof item.json.scheduled_delivery_time === 'string'));
		const limited = await runZulip(fake, {
			parameters: { resource: 'reminder', operation: 'getAll', returnAll: false, limit: 1 },
		});
		assert.deepEqual(
			limited.items.map((item) => item.json.reminder_id),
			ids.slice(0, 1),
		);
		assert.deepEqual(fake.violations, []);
	});
});

describe('Zulip: Reminder > Get Many before feature level 399', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['11.0-early']);

	test('is refused before any request, naming the version it needs', async () => {
		await assertRefusedBeforeAnyRequest(
			fake,
			{ resource: 'reminder', operation: 'getAll', returnAll: true },
			/^Listing reminders needs Zulip 11\.0 or newer \(API feature level 399\); this server runs Zulip 11\.0-dev-381 \(feature level 381\)/,
		);
	});
});
