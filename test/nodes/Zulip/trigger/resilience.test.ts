import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { ZulipFake } from '../../../fakes/zulip/server';
import {
	ALL_EVENTS,
	channelParameters,
	clock,
	events,
	hostTrigger,
	listen,
	schedule,
	settled,
	startFake,
	waitFor,
	zulipApi,
	type Listening,
} from './listen';

const IAGO = 'iago@example.com';
const LATER = 2 * 3_600 + 600;
const PARAMETERS = { events: ALL_EVENTS, ...channelParameters([14]) };

const registrations = (fake: ZulipFake) =>
	fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/register')).length;

describe('Zulip Trigger: lost queues, restarts and stopping', () => {
	let fake: ZulipFake;
	const running: Listening[] = [];
	before(async () => (fake = await startFake()));
	after(async () => await fake.stop());
	beforeEach(() => fake.reset());
	afterEach(async () => {
		for (const { response } of running.splice(0)) await response.closeFunction?.();
		assert.deepEqual(fake.violations, []);
	});

	async function start(host?: Awaited<ReturnType<typeof hostTrigger>>) {
		const listening = await listen(fake, PARAMETERS, host);
		running.push(listening);
		return listening;
	}

	/** Changes made while the trigger has no queue (all in one tick, before it can register again). */
	function changesWhileAway(ids: { edit: number; remove: number; due: number }) {
		const posted = fake.postChannelMessage(IAGO, 14, 'Away', 'while you were out');
		fake.scheduled.set(ids.edit, {
			...fake.scheduled.get(ids.edit)!,
			content: 'edited while away',
		});
		fake.scheduled.delete(ids.remove);
		fake.deliverDue(clock.now() + 120_000);
		return posted;
	}

	function assertCaughtUp(
		listening: Listening,
		posted: number,
		ids: { edit: number; remove: number; due: number },
	) {
		const { emitted } = listening;
		assert.deepEqual(
			events(emitted, 'channelMessage').map((item) => item.id),
			[posted],
		);
		assert.deepEqual(
			events(emitted, 'scheduledMessageEdited').map((item) => [
				item.scheduled_message_id,
				item.content,
			]),
			[[ids.edit, 'edited while away']],
		);
		assert.deepEqual(
			events(emitted, 'scheduledMessageDeleted').map((item) => item.scheduled_message_id),
			[ids.remove],
		);
		assert.deepEqual(
			events(emitted, 'scheduledMessageSent').map((item) => item.scheduled_message_id),
			[ids.due],
		);
	}

	async function threeScheduled() {
		return {
			edit: await schedule(fake, 'draft', LATER),
			remove: await schedule(fake, 'to cancel', LATER),
			due: await schedule(fake, 'due soon', 60),
		};
	}

	test('an expired queue: registers again and catches up, nothing lost or repeated', async () => {
		const ids = await threeScheduled();
		const listening = await start();
		fake.postChannelMessage(IAGO, 14, 'Before', 'seen live');
		await listening.emitted.nextOf('channelMessage');
		fake.queues.expire();
		const posted = changesWhileAway(ids);
		await waitFor(() => registrations(fake) === 2);
		await listening.emitted.nextOf('scheduledMessageSent');
		await settled(fake);

		assert.equal(events(listening.emitted, 'channelMessage').length, 2);
		listening.emitted.items.splice(0, 1);
		assertCaughtUp(listening, posted, ids);
		assert.equal(listening.emitted.items.length, 4);
		assert.equal(fake.queues.count, 1);
	});

	test('a Zulip server restart (all queues gone, connections dropped): same catch-up', async () => {
		const ids = await threeScheduled();
		const listening = await start();
		await settled(fake);
		fake.restart();
		const posted = changesWhileAway(ids);
		await waitFor(() => registrations(fake) === 2);
		await listening.emitted.nextOf('scheduledMessageSent');
		await settled(fake);

		assertCaughtUp(listening, posted, ids);
		assert.equal(listening.emitted.items.length, 4);
	});

	test('an n8n restart: the workflow static data carries the place over, nothing repeats', async () => {
		const ids = await threeScheduled();
		const host = await hostTrigger(fake, PARAMETERS);
		const first = await start(host);
		const before = fake.postChannelMessage(IAGO, 14, 'Before', 'seen by the first run');
		await first.emitted.nextOf('channelMessage');
		await first.response.closeFunction?.();
		running.splice(running.indexOf(first), 1);

		const posted = changesWhileAway(ids);
		const second = await start(host);
		await second.emitted.nextOf('scheduledMessageSent');
		await settled(fake);

		assert.ok(!second.emitted.items.some((item) => item.id === before));
		assertCaughtUp(second, posted, ids);
		assert.equal(second.emitted.items.length, 4);
	});

	test('the first activation starts from now: nothing that existed before is emitted', async () => {
		await threeScheduled();
		fake.postChannelMessage(IAGO, 14, 'Old', 'history');
		const { emitted } = await start();
		await settled(fake);
		assert.deepEqual(emitted.items, []);
	});

	test('deactivation ends the long poll, deletes the queue, and no request follows', async () => {
		const listening = await start();
		await settled(fake);
		await listening.response.closeFunction?.();
		running.splice(0);
		assert.equal(fake.queues.count, 0);
		const last = fake.requests.at(-1);
		assert.deepEqual([last?.method, last?.path], ['DELETE', '/api/v1/events']);
		const seen = fake.requests.length;
		// Events that would have woken it, and time for several heartbeats and a back-off.
		fake.postChannelMessage(IAGO, 14, 'After', 'nobody listens');
		await zulipApi(fake, 'GET', '/users/me');
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		assert.equal(fake.requests.length, seen + 1);
		assert.deepEqual(listening.emitted.items, []);
	});

	test('deactivation while Zulip is unreachable ends the retry wait at once', async () => {
		const listening = await start();
		await settled(fake);
		fake.failNext({ method: 'GET', path: /\/events$/ }, 'http-500');
		fake.failNext({ method: 'GET', path: /\/events$/ }, 'http-500');
		await waitFor(() => fake.requests.filter((r) => r.path.endsWith('/events')).length >= 4);
		await listening.response.closeFunction?.();
		running.splice(0);
		assert.equal(fake.queues.count, 0);
	});

	test('"listen for test event" neither replays nor moves the active trigger\'s place', async () => {
		const host = await hostTrigger(fake, PARAMETERS);
		const active = await start(host);
		await settled(fake);
		const stored = JSON.stringify(host.staticData());
		await active.response.closeFunction?.();
		running.splice(0);
		fake.postChannelMessage(IAGO, 14, 'Away', 'for the active trigger');
		const manual = await listen(fake, PARAMETERS, await hostTrigger(fake, PARAMETERS), 'manual');
		running.push(manual);
		await settled(fake);
		assert.equal(manual.emitted.items.length, 0);
		assert.equal(JSON.stringify(host.staticData()), stored);
	});
});
