import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { IDataObject, ITriggerResponse } from 'n8n-workflow';
import { DEFAULT_UPDATE_LIMITS, type TelegramFake } from '../../fakes/telegram/server';
import { NodeHost } from '../../harness/nodeHost';
import { Emitted } from '../../harness/triggerEvents';
import { credentialData, runTelegram, sendText, useTelegramFake } from './setup';

/**
 * The Telegram Trigger misses nothing: messages that arrive while its connection is down or
 * while it is stopped (an n8n restart: a new workflow object from the saved static data) are
 * fetched with updates.getDifference / getChannelDifference when it is back, each emitted once,
 * in order, and nothing emitted before comes again.
 */

const ALICE = 5000002n;
const BOB = 5000003n;
const NEWS = 1700000001n;

/** n8n-core's logger (its own copy of @n8n/di), where the trigger's warnings go. */
function n8nLogger(): { warn(message: string, meta?: unknown): void } {
	const fromCore = createRequire(require.resolve('n8n-core'));
	const { Container } = fromCore('@n8n/di') as typeof import('@n8n/di');
	const { Logger } = fromCore('@n8n/backend-common') as {
		Logger: new () => { warn(message: string, meta?: unknown): void };
	};
	return Container.get(Logger);
}

describe('Telegram Trigger: catching up on what it missed', () => {
	let fake: TelegramFake;
	const stops: Array<() => Promise<void>> = [];
	/** One session per test: triggers on the same account share its connection, as in n8n. */
	let credential: ReturnType<typeof credentialData>;
	const warnings: string[] = [];
	let restoreWarn: (() => void) | undefined;
	useTelegramFake((started) => (fake = started));

	beforeEach(() => {
		credential = credentialData(fake);
		warnings.length = 0;
		const logger = n8nLogger();
		const original = logger.warn.bind(logger);
		logger.warn = (message: string) => {
			if (message.startsWith('Telegram trigger')) warnings.push(message);
		};
		restoreWarn = () => (logger.warn = original);
	});
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
		restoreWarn?.();
	});

	/**
	 * Activates the trigger on a new workflow object whose static data is `saved` (as n8n reads it
	 * back from its database after a restart); returns the trigger's stop.
	 */
	async function activate(
		emitted: Emitted,
		saved: IDataObject = {},
		parameters: IDataObject = { events: ['message'] },
		mode: 'trigger' | 'manual' = 'trigger',
	): Promise<{ host: NodeHost; stop: () => Promise<void>; response: ITriggerResponse }> {
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters,
			credentials: { telegramMtprotoApi: credential },
		});
		Object.assign(host.workflow.staticData, JSON.parse(JSON.stringify(saved)) as IDataObject);
		const response = await host.startTrigger(emitted, mode);
		let stopped = false;
		const stop = async () => {
			if (stopped) return;
			stopped = true;
			await response.closeFunction?.();
		};
		stops.push(stop);
		return { host, stop, response };
	}

	/** The static data as n8n would save it (JSON), without n8n's change marker. */
	const saved = (host: NodeHost): IDataObject =>
		JSON.parse(JSON.stringify(host.workflow.staticData)) as IDataObject;
	const texts = (emitted: Emitted) => emitted.items.map((item) => item.text);
	const waitForText = async (emitted: Emitted, text: string) =>
		await emitted.until(() => emitted.items.find((item) => item.text === text));
	const calls = (name: string) => fake.requests.filter((request) => request.name === name).length;

	test('before, during a dropped connection, while stopped and after a restart: each message once, in order', async () => {
		const emitted = new Emitted();
		const first = await activate(emitted);
		fake.receiveMessage(ALICE, 'before the drop');
		await waitForText(emitted, 'before the drop');
		fake.postToChannel(NEWS, 'channel before the drop');
		await waitForText(emitted, 'channel before the drop');

		// The connection drops; what Telegram sends before the client is back reaches no one.
		assert.ok(fake.dropConnections() > 0, 'a connection was open');
		fake.receiveMessage(ALICE, 'during the drop');
		fake.receiveMessage(BOB, 'during the drop, from bob');
		fake.postToChannel(NEWS, 'channel during the drop');
		// Back: the client asks Telegram for something, and from then on gets pushes again.
		const dropped = fake.requests.length;
		await until(() => fake.requests.length > dropped);
		fake.receiveMessage(ALICE, 'after the reconnect');
		await waitForText(emitted, 'after the reconnect');
		assert.deepEqual(texts(emitted), [
			'before the drop',
			'channel before the drop',
			'during the drop',
			'during the drop, from bob',
			'channel during the drop',
			'after the reconnect',
		]);

		// n8n stops (deploy, restart): the trigger closes; its state is what n8n saved.
		await first.stop();
		const state = saved(first.host);
		fake.receiveMessage(ALICE, 'while stopped 1');
		fake.postToChannel(NEWS, 'channel while stopped');
		fake.receiveMessage(BOB, 'while stopped 2');

		// Activation returns once the trigger has caught up: what it missed is out already.
		const second = await activate(emitted, state);
		fake.receiveMessage(ALICE, 'after the restart');
		await waitForText(emitted, 'after the restart');

		assert.deepEqual(texts(emitted), [
			'before the drop',
			'channel before the drop',
			'during the drop',
			'during the drop, from bob',
			'channel during the drop',
			'after the reconnect',
			'while stopped 1',
			'while stopped 2',
			'channel while stopped',
			'after the restart',
		]);
		assert.deepEqual(
			emitted.items
				.filter((item) => String(item.text).startsWith('channel'))
				.map((item) => item.chatId),
			['-1001700000001', '-1001700000001', '-1001700000001'],
		);
		assert.deepEqual([...emitted.errors, ...warnings], []);
		// The restart fetched what it missed; it did not start over from Telegram's current state.
		assert.ok(calls('updates.GetDifference') >= 2 && calls('updates.GetChannelDifference') >= 2);
		await second.stop();
	});

	test('a trigger that was stopped gets what it missed even while another trigger on the account kept listening', async () => {
		const stayed = new Emitted();
		const restarted = new Emitted();
		await activate(stayed);
		const paused = await activate(restarted);
		fake.receiveMessage(ALICE, 'both listen');
		await waitForText(restarted, 'both listen');
		await paused.stop();
		const state = saved(paused.host);
		fake.receiveMessage(ALICE, 'only one listens');
		await waitForText(stayed, 'only one listens');
		await activate(restarted, state);
		assert.deepEqual(
			texts(restarted),
			['both listen', 'only one listens'],
			'caught up when activation returned',
		);
		fake.receiveMessage(ALICE, 'both again');
		await waitForText(restarted, 'both again');
		await waitForText(stayed, 'both again');
		assert.deepEqual(texts(restarted), ['both listen', 'only one listens', 'both again']);
		assert.deepEqual(texts(stayed), ['both listen', 'only one listens', 'both again']);
	});

	test('a gap in the pushed updates (a message this account sent from another device) is filled before the next one', async () => {
		const emitted = new Emitted();
		await activate(emitted, {}, { events: ['message'], includeOutgoing: true });
		fake.receiveMessage(ALICE, 'first');
		await waitForText(emitted, 'first');
		// Another device of the account sends: Telegram numbers it (pts) but pushes it to no session here.
		const sent = await runTelegram(fake, { parameters: sendText({ text: 'sent from my phone' }) });
		assert.equal(sent.error, undefined);
		fake.receiveMessage(ALICE, 'second');
		await waitForText(emitted, 'second');
		assert.deepEqual(texts(emitted), ['first', 'sent from my phone', 'second']);
		assert.deepEqual(
			emitted.items.map((item) => item.outgoing),
			[false, true, false],
		);
	});

	test('a manual test ("listen for event") starts from now: it neither replays what the active trigger missed nor moves its place', async () => {
		const active = new Emitted();
		const first = await activate(active);
		await first.stop();
		const state = saved(first.host);
		fake.receiveMessage(ALICE, 'missed by the active trigger');
		const manual = new Emitted();
		const test = await activate(manual, state, { events: ['message'] }, 'manual');
		assert.deepEqual(texts(manual), [], 'nothing emitted while it started');
		fake.receiveMessage(ALICE, 'new for the test');
		// In a manual test n8n takes the first emitted item as the result.
		const [[result]] = (await test.response.manualTriggerResponse)!;
		assert.equal(result.json.text, 'new for the test');
		await test.stop();
		assert.deepEqual(saved(test.host), state, 'the saved place is untouched');
		await activate(active, state);
		assert.deepEqual(texts(active), ['missed by the active trigger', 'new for the test']);
	});

	test('a channel first heard of after a restart: its posts since the trigger first listened are emitted, older ones not', async () => {
		fake.postToChannel(NEWS, 'posted before the trigger existed');
		// Later by the fake's clock, so the trigger's first state is dated after that post.
		fake.clockAheadMs = 60_000;
		const emitted = new Emitted();
		const first = await activate(emitted);
		await first.stop();
		fake.postToChannel(NEWS, 'posted while stopped 1');
		fake.postToChannel(NEWS, 'posted while stopped 2');
		await activate(emitted, saved(first.host));
		assert.deepEqual(texts(emitted), ['posted while stopped 1', 'posted while stopped 2']);
		fake.postToChannel(NEWS, 'posted live');
		await waitForText(emitted, 'posted live');
		assert.deepEqual(texts(emitted), [
			'posted while stopped 1',
			'posted while stopped 2',
			'posted live',
		]);
	});

	test('a saved state that is not one (edited or from another version) is not trusted: the trigger starts from now', async () => {
		const emitted = new Emitted();
		fake.receiveMessage(ALICE, 'before activation');
		const broken = {
			'node:Hosted Node': {
				updateState: {
					[fake.me.id.toString()]: {
						pts: 'twelve',
						qts: 0,
						date: 1,
						seq: 0,
						since: 1,
						channels: {},
					},
				},
			},
		};
		const before = calls('updates.GetState');
		const { host } = await activate(emitted, broken);
		assert.equal(calls('updates.GetState'), before + 1, 'asked Telegram where it stands');
		assert.deepEqual(texts(emitted), []);
		fake.receiveMessage(ALICE, 'after activation');
		await waitForText(emitted, 'after activation');
		const state = (saved(host)['node:Hosted Node'] as IDataObject).updateState as Record<
			string,
			IDataObject
		>;
		assert.equal(state[fake.me.id.toString()].pts, 2);
	});

	test('a long gap comes in slices (updates.differenceSlice), in order, once', async () => {
		fake.updateLimits = { ...DEFAULT_UPDATE_LIMITS, differencePage: 3 };
		const emitted = new Emitted();
		const first = await activate(emitted);
		fake.receiveMessage(ALICE, 'live');
		await waitForText(emitted, 'live');
		await first.stop();
		const sent = Array.from({ length: 8 }, (_, index) => `missed ${index + 1}`);
		for (const text of sent) fake.receiveMessage(index(text) % 2 === 0 ? ALICE : BOB, text);
		const before = calls('updates.GetDifference');
		await activate(emitted, saved(first.host));
		// Activation returns once the trigger has caught up.
		assert.deepEqual(texts(emitted), ['live', ...sent]);
		// Three slices of three (the last one final), as the fake's page allows.
		assert.equal(calls('updates.GetDifference') - before, 3);
		assert.deepEqual([...emitted.errors, ...warnings], []);
	});

	test('a gap larger than Telegram keeps is reported in a warning; the trigger goes on from there', async () => {
		fake.updateLimits = { ...DEFAULT_UPDATE_LIMITS, differenceTooLong: 5 };
		const emitted = new Emitted();
		const first = await activate(emitted);
		await first.stop();
		for (let n = 1; n <= 7; n++) fake.receiveMessage(ALICE, `lost ${n}`);
		await activate(emitted, saved(first.host));
		assert.equal(warnings.length, 1, warnings.join('\n'));
		assert.match(warnings[0], /no longer keeps the updates between pts 0 and 7/);
		assert.match(warnings[0], /were not emitted/);
		fake.receiveMessage(ALICE, 'after the gap');
		await waitForText(emitted, 'after the gap');
		assert.deepEqual(texts(emitted), ['after the gap']);
	});
});

/** Polls `probe` (the fake's state has no events to await). */
async function until(probe: () => boolean): Promise<void> {
	while (!probe()) await new Promise((resolveWait) => setTimeout(resolveWait, 10));
}

function index(text: string): number {
	return Number(text.split(' ').pop());
}
