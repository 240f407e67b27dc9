import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import type { ZulipFake } from '../../../fakes/zulip/server';
import {
	ALL_EVENTS,
	channelParameters,
	clock,
	events,
	listen,
	schedule,
	settled,
	startFake,
	waitFor,
	zulipApi,
	type Listening,
} from './listen';

const IAGO = 'iago@example.com';
// An hour ahead of the fake's clock: still in the future for the trigger when it is deleted.
const LATER = 2 * 3_600 + 600;

describe('Zulip Trigger: events', () => {
	let fake: ZulipFake;
	const running: Listening[] = [];
	before(async () => (fake = await startFake()));
	after(async () => await fake.stop());
	beforeEach(() => fake.reset());
	afterEach(async () => {
		for (const { response } of running.splice(0)) await response.closeFunction?.();
		assert.deepEqual(fake.violations, []);
	});

	async function start(
		parameters: IDataObject = { events: ALL_EVENTS, ...channelParameters([14]) },
	) {
		const listening = await listen(fake, parameters);
		running.push(listening);
		return listening;
	}

	test('scheduled messages: created, edited, deleted, sent and failed, each once', async () => {
		const { emitted } = await start();
		const deleted = await schedule(fake, 'cancel me', LATER);
		const edited = await schedule(fake, 'draft', LATER);
		await zulipApi(fake, 'PATCH', `/scheduled_messages/${edited}`, { content: 'final' });
		await zulipApi(fake, 'DELETE', `/scheduled_messages/${deleted}`);
		const sent = await schedule(fake, 'on time', 60);
		const failing = await schedule(fake, 'will fail', 90);
		fake.deliverDue(clock.now() + 120_000, [failing]);
		await emitted.nextOf('scheduledMessageFailed');
		await settled(fake);

		assert.deepEqual(
			events(emitted, 'scheduledMessageCreated').map((item) => item.scheduled_message_id),
			[deleted, edited, sent, failing],
		);
		const [edit] = events(emitted, 'scheduledMessageEdited');
		assert.deepEqual([edit.scheduled_message_id, edit.content], [edited, 'final']);
		assert.deepEqual(
			events(emitted, 'scheduledMessageDeleted').map((item) => [
				item.scheduled_message_id,
				item.content,
			]),
			[[deleted, 'cancel me']],
		);
		assert.deepEqual(
			events(emitted, 'scheduledMessageSent').map((item) => [
				item.scheduled_message_id,
				item.content,
			]),
			[[sent, 'on time']],
		);
		const [failure] = events(emitted, 'scheduledMessageFailed');
		assert.deepEqual([failure.scheduled_message_id, failure.failed], [failing, true]);
		assert.equal(typeof failure.scheduled_delivery_time, 'string');
		// The sent message also landed in #general, but it is this account's own: not a channel event.
		assert.deepEqual(events(emitted, 'channelMessage'), []);
		assert.equal(emitted.items.length, 8);
	});

	test('new messages only from the chosen channels, own ones only when asked', async () => {
		const { emitted } = await start({ events: ['channelMessage'], ...channelParameters([14, 16]) });
		const withOwn = await start({
			events: ['channelMessage'],
			...channelParameters([14]),
			includeOwn: true,
		});
		fake.postChannelMessage(IAGO, 15, 'Elsewhere', 'not here');
		const general = fake.postChannelMessage(IAGO, 14, 'Lunch', 'pizza?');
		const design = fake.postChannelMessage(IAGO, 16, 'Logo', 'v2 attached');
		await zulipApi(fake, 'POST', '/messages', {
			type: 'stream',
			to: 14,
			topic: 'Lunch',
			content: 'yes',
		});
		await waitFor(() => withOwn.emitted.items.length === 2);
		await settled(fake);

		assert.deepEqual(
			emitted.items.map((item) => [
				item.id,
				item.channel_id,
				item.channel,
				item.topic,
				item.sender_email,
			]),
			[
				[general, 14, 'general', 'Lunch', IAGO],
				[design, 16, 'design', 'Logo', IAGO],
			],
		);
		assert.deepEqual(
			withOwn.emitted.items.map((item) => item.content),
			['<p>pizza?</p>', '<p>yes</p>'],
		);
	});

	test('reminders: created, deleted and sent (Zulip 11 event type "reminders")', async () => {
		const { emitted } = await start({
			events: ['reminderCreated', 'reminderDeleted', 'reminderSent'],
		});
		const target = fake.postChannelMessage(IAGO, 14, 'Lunch', 'book a table');
		const kept = fake.scheduleReminder(target, Math.floor(clock.now() / 1000) + 60);
		const dropped = fake.scheduleReminder(target, Math.floor(Date.now() / 1000) + LATER);
		fake.deleteReminder(dropped);
		fake.deliverDue(clock.now() + 120_000);
		await emitted.nextOf('reminderSent');
		await settled(fake);

		assert.deepEqual(
			emitted.items.map((item) => [item.event, item.reminder_id, item.reminder_target_message_id]),
			[
				['reminderCreated', kept, target],
				['reminderCreated', dropped, target],
				['reminderDeleted', dropped, target],
				['reminderSent', kept, target],
			],
		);
	});

	test('only the chosen events start the workflow, and Zulip is asked only for their types', async () => {
		const { emitted } = await start({ events: ['scheduledMessageSent'] });
		const register = fake.requests.find((r) => r.path.endsWith('/register'));
		assert.deepEqual(register?.body.event_types, ['scheduled_messages']);
		await schedule(fake, 'first', 60);
		fake.deliverDue(clock.now() + 120_000);
		await emitted.nextOf('scheduledMessageSent');
		await settled(fake);
		assert.deepEqual(
			emitted.items.map((item) => item.event),
			['scheduledMessageSent'],
		);
	});

	test('refuses New Channel Message without channels, naming the field', async () => {
		await assert.rejects(start({ events: ['channelMessage'] }), /'Channels' is empty/);
		assert.equal(fake.queues.count, 0);
	});
});
