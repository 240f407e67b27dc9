import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import {
	assertRefusedBeforeAnyRequest,
	runZulip,
	scheduleChannelMessages,
	useZulipFake,
} from '../../setup';

describe('Zulip: Scheduled Message > Delete', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	const schedule = async (count: number) => await scheduleChannelMessages(fake, count);

	test("Delete removes the message; an unknown id fails with Zulip's msg", async () => {
		const [first, second] = await schedule(2);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'delete',
				scheduledMessageId: '={{ $json.id }}',
			},
			items: [{ id: first }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.items[0].json, { scheduled_message_id: first, deleted: true });
		assert.deepEqual([...fake.scheduled.keys()], [second]);

		const unknown = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'delete', scheduledMessageId: '999' },
		});
		assert.match(unknown.error?.message ?? '', /Zulip: Scheduled message does not exist/);
		assert.equal(unknown.error?.httpCode, '404');

		const malformed = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'delete',
				scheduledMessageId: '={{ "abc" }}',
			},
		});
		assert.match(
			malformed.error?.message ?? '',
			/'Scheduled Message ID' \("abc"\) is not a scheduled message ID/,
		);
		assert.deepEqual(fake.violations, []);
	});

	test('Delete with Continue On Fail: each item reports its own outcome', async () => {
		const [first] = await schedule(1);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'delete',
				scheduledMessageId: '={{ $json.id }}',
			},
			items: [{ id: 12345 }, { id: first }],
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.equal(result.items.length, 2);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }],
		);
		assert.equal(fake.scheduled.size, 0);
		assert.deepEqual(result.items[1].json, { scheduled_message_id: first, deleted: true });
		assert.match(JSON.stringify(result.items[0]), /Scheduled message does not exist/);
	});
});

describe('Zulip: Scheduled Message > Delete on Zulip 6.x (feature level 170)', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['6.x']);

	test('is refused before any request, naming the version it needs', async () => {
		await assertRefusedBeforeAnyRequest(
			fake,
			{ resource: 'scheduledMessage', operation: 'delete', scheduledMessageId: '1' },
			/^Scheduled messages need Zulip 7\.0 or newer \(API feature level 179\); this server runs Zulip 7\.0-dev-170 \(feature level 170\)/,
		);
	});
});
