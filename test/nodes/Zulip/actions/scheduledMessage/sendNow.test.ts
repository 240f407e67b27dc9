import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
import {
	assertRefusedBeforeAnyRequest,
	channelCreate,
	runZulip,
	scheduleChannelMessages,
	useZulipFake,
} from '../../setup';

describe('Zulip: Scheduled Message > Send Now', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	const schedule = async (count: number) => await scheduleChannelMessages(fake, count);

	test('Send Now sends the same content and removes the scheduled one', async () => {
		const [id] = await schedule(1);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'sendNow',
				scheduledMessageId: String(id),
			},
		});
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
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'sendNow',
				scheduledMessageId: String(id),
			},
		});
		assert.ok(result.error);
		assert.equal(fake.sent.length, 0);
		assert.ok(fake.scheduled.has(id), 'the scheduled message is still there');
	});

	test('Send Now of a direct message and of an unknown id', async () => {
		const created = await runZulip(fake, {
			parameters: channelCreate({ messageType: 'direct', users: '={{ [10] }}' }),
		});
		const id = Number(created.items[0].json.scheduled_message_id);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'sendNow',
				scheduledMessageId: String(id),
			},
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.sent.length, 1);
		assert.equal(fake.scheduled.size, 0);

		const unknown = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'sendNow', scheduledMessageId: '777' },
		});
		assert.match(unknown.error?.message ?? '', /no scheduled message 777/);
		assert.equal(fake.sent.length, 1);
		assert.deepEqual(fake.violations, []);
	});
});

describe('Zulip: Scheduled Message > Send Now on Zulip 6.x (feature level 170)', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), ZULIP_SERVERS['6.x']);

	test('is refused before any request, naming the version it needs', async () => {
		await assertRefusedBeforeAnyRequest(
			fake,
			{ resource: 'scheduledMessage', operation: 'sendNow', scheduledMessageId: '1' },
			/^Scheduled messages need Zulip 7\.0 or newer \(API feature level 179\); this server runs Zulip 7\.0-dev-170 \(feature level 170\)/,
		);
	});
});
