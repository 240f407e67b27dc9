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

const deleteReminder = (reminderId: string) => ({
	resource: 'reminder',
	operation: 'delete',
	reminderId,
});

describe('Zulip: Reminder > Delete (Zulip 11.0)', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['11.0']);

	test("deletes the reminder; an unknown id fails with Zulip's msg", async () => {
		const [first, second] = await createReminders(fake, seedMessages(fake, 2));
		const result = await runZulip(fake, { parameters: deleteReminder(String(first)) });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.items[0].json, { reminder_id: first, deleted: true });
		assert.deepEqual([...fake.reminders.keys()], [second]);
		const unknown = await runZulip(fake, { parameters: deleteReminder('999') });
		assert.match(unknown.error?.message ?? '', /Zulip: Reminder does not exist/);
		assert.deepEqual(fake.violations, []);
	});

	test('Retry On Fail after a mid-batch failure deletes each reminder once and fails none', async () => {
		const ids = await createReminders(fake, seedMessages(fake, 3));
		fake.failNext({ method: 'DELETE', path: /\/reminders\/\d+$/ }, 'http-500', 1);
		const result = await runZulip(fake, {
			parameters: deleteReminder('={{ $json.id }}'),
			items: ids.map((id) => ({ id })),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.items.map((item) => item.json),
			ids.map((id) => ({ reminder_id: id, deleted: true })),
		);
		assert.equal(fake.reminders.size, 0);
		const deletes = fake.requests
			.filter((request) => request.method === 'DELETE')
			.map((request) => Number(request.path.split('/').pop()));
		assert.deepEqual(deletes, [ids[0], ids[1], ids[1], ids[2]]);
	});
});

describe('Zulip: Reminder > Delete before feature level 399', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['11.0-early']);

	test('is refused before any request, naming the version it needs', async () => {
		await assertRefusedBeforeAnyRequest(
			fake,
			deleteReminder('1'),
			/^Deleting reminders needs Zulip 11\.0 or newer \(API feature level 399\); this server runs Zulip 11\.0-dev-381 \(feature level 381\)/,
		);
	});
});
