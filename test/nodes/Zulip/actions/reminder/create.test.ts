import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import {
	assertRefusedBeforeAnyRequest,
	postsTo,
	reminderCreate,
	runZulip,
	seedMessages,
	useZulipFake,
} from '../../setup';

describe('Zulip: Reminder > Create (Zulip 11.0, feature level 415)', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['11.0']);

	test('creates a reminder with a note; the output describes it in the workflow zone', async () => {
		const [messageId] = seedMessages(fake, 1);
		const result = await runZulip(fake, {
			parameters: reminderCreate({ options: { note: 'Reply to Iago' } }),
			timezone: 'Asia/Tokyo',
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.reminders.size, 1);
		const [stored] = [...fake.reminders.values()];
		assert.equal(stored.reminder_target_message_id, messageId);
		assert.equal(stored.note, 'Reply to Iago');
		assert.ok(Math.abs(stored.scheduled_delivery_timestamp - (Date.now() / 1000 + 3 * 3600)) < 5);
		assert.deepEqual(result.items[0].json.reminder_id, stored.reminder_id);
		assert.equal(result.items[0].json.reminder_target_message_id, messageId);
		assert.match(String(result.items[0].json.scheduled_delivery_time), /\+09:00$/);
		assert.deepEqual(fake.violations, []);
	});

	test("refused before any request: a time in the past, a message ID that is not one; Zulip's own refusal for an unknown message", async () => {
		seedMessages(fake, 1);
		const past = await runZulip(fake, {
			parameters: reminderCreate({ remindAt: '={{ $now.minus({ minutes: 1 }).toISO() }}' }),
		});
		assert.match(past.error?.message ?? '', /^'Remind At' .*is in the past/);
		const notAnId = await runZulip(fake, { parameters: reminderCreate({ messageId: 'abc' }) });
		assert.match(notAnId.error?.message ?? '', /'Message ID' \("abc"\) is not an ID/);
		assert.equal(postsTo(fake, '/reminders'), 0);
		const unknown = await runZulip(fake, { parameters: reminderCreate({ messageId: '999' }) });
		assert.match(unknown.error?.message ?? '', /Zulip: Invalid message\(s\)/);
		assert.equal(fake.reminders.size, 0);
		assert.deepEqual(fake.violations, []);
	});

	test('an answer lost after the create was sent is not re-sent, even with Retry On Fail', async () => {
		seedMessages(fake, 1);
		fake.failNext({ method: 'POST', path: /\/reminders$/ }, 'drop-after-body');
		const result = await runZulip(fake, {
			parameters: reminderCreate(),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.match(result.error?.message ?? '', /may have been created/);
		assert.equal(postsTo(fake, '/reminders'), 1, 'exactly one create reached Zulip');
		assert.equal(fake.reminders.size, 1);
	});

	test('Retry On Fail after a mid-batch failure creates no duplicate', async () => {
		const ids = seedMessages(fake, 3);
		fake.failNext({ method: 'POST', path: /\/reminders$/ }, 'http-500', 1);
		const result = await runZulip(fake, {
			parameters: reminderCreate({ messageId: '={{ $json.messageId }}' }),
			items: ids.map((messageId) => ({ messageId })),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			[...fake.reminders.values()].map((reminder) => reminder.reminder_target_message_id).sort(),
			ids,
		);
		assert.deepEqual(
			result.items.map((item) => item.json.reminder_target_message_id),
			ids,
		);
	});
});

describe('Zulip: Reminder > Create on older servers', () => {
	describe('Zulip 11.0 before feature level 415', () => {
		let fake: ZulipFake;
		useZulipFake((started) => (fake = started), ZULIP_SERVERS['11.0-early']);

		test('a Note is refused before any request (the server would drop it); without one it is created', async () => {
			seedMessages(fake, 1);
			await assertRefusedBeforeAnyRequest(
				fake,
				reminderCreate({ options: { note: 'Reply' } }),
				/^'Note' needs Zulip 11\.0 or newer \(API feature level 415\); this server runs Zulip 11\.0-dev-381 \(feature level 381\)/,
			);
			const plain = await runZulip(fake, { parameters: reminderCreate() });
			assert.equal(plain.error, undefined, plain.error?.message);
			assert.equal(fake.reminders.size, 1);
			assert.deepEqual(fake.violations, []);
		});
	});

	describe('Zulip 9.0 (feature level 275)', () => {
		let fake: ZulipFake;
		useZulipFake((started) => (fake = started));

		test('is refused before any request, naming the version it needs', async () => {
			await assertRefusedBeforeAnyRequest(
				fake,
				reminderCreate(),
				/^Reminders need Zulip 11\.0 or newer \(API feature level 381\); this server runs Zulip 9\.0 \(feature level 275\)/,
			);
		});
	});
});
