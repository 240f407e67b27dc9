import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ZulipFake } from '../fakes/zulip/server';
import type { TelnyxFake } from '../fakes/telnyx/server';
import type { TelegramFake } from '../fakes/telegram/server';
import { channelCreate, runZulip } from '../nodes/Zulip/setup';
import { runTelnyx, sendParams, startFake as startTelnyx } from '../nodes/Telnyx/setup';
import { callsOf, runTelegram, sendText, useTelegramFake } from '../nodes/Telegram/setup';

/**
 * n8n's Stop button aborts the execution's cancel signal. Every wait of ours (a provider's
 * "slow down", the per-second cap) must end then, and nothing may be sent after it. If a wait
 * ignored Stop, the node would wait it out and send again: the fakes would see that request.
 */

/**
 * Stops the execution once `ready()` says the fake answered what makes the node wait, and the
 * answer had time to arrive (the waits are 2 s and more, far longer than that).
 */
function stopWhen(ready: () => boolean) {
	return (stop: () => void) => {
		const poll = setInterval(() => {
			if (!ready()) return;
			clearInterval(poll);
			setTimeout(stop, 300);
		}, 20);
	};
}

describe('Stop ends every wait at once, and nothing is sent after it', () => {
	describe('Zulip', () => {
		let fake: ZulipFake;
		before(async () => {
			fake = await ZulipFake.start();
		});
		after(async () => await fake?.stop());
		beforeEach(() => fake.reset());

		test('during a rate-limit wait: the item is not sent, the later items never start', async () => {
			fake.rateLimitNext(1, 120);
			const result = await runZulip(fake, {
				parameters: channelCreate({
					content: '={{ $json.text }}',
					options: { maxRateLimitWait: 300 },
				}),
				items: [{ text: 'one' }, { text: 'two' }],
				onStarted: stopWhen(() => fake.requests.length >= 1),
			});
			assert.match(result.error?.message ?? '', /stopped/);
			assert.equal(fake.scheduled.size, 0);
			assert.equal(fake.requests.length, 1, 'only the request that got the 429');
		});
	});

	describe('Telnyx', () => {
		let fake: TelnyxFake;
		before(async () => {
			fake = await startTelnyx();
		});
		after(async () => await fake?.stop());
		beforeEach(() => fake.reset());

		test('during the per-second cap: the items still waiting for their slot are never sent', async () => {
			const items = Array.from({ length: 6 }, (_unused, index) => ({ text: `m${index}` }));
			const result = await runTelnyx(fake, {
				parameters: sendParams({
					text: '={{ $json.text }}',
					options: { concurrency: 1, maxPerSecond: 0.5 },
				}),
				items,
				onStarted: stopWhen(() => fake.messages.size >= 1),
			});
			assert.match(result.error?.message ?? '', /stopped/);
			assert.equal(
				fake.messages.size,
				1,
				'one message went before Stop; the next waited 2 s for its slot and was never sent',
			);
		});

		test('during a rate-limit wait', async () => {
			fake.rateLimitNext(1, 120);
			const result = await runTelnyx(fake, {
				parameters: sendParams({ options: { maxRateLimitWait: 300 } }),
				onStarted: stopWhen(() => fake.requests.length >= 1),
			});
			assert.match(result.error?.message ?? '', /stopped/);
			assert.equal(fake.messages.size, 0);
		});
	});

	describe('Telegram', () => {
		let fake: TelegramFake;
		useTelegramFake((started) => (fake = started));

		test('during a FLOOD_WAIT: the message is not sent after it', async () => {
			fake.floodWaitNext('messages.SendMessage', 120);
			const result = await runTelegram(fake, {
				parameters: sendText({ text: '={{ $json.text }}', options: { maxRateLimitWait: 300 } }),
				items: [{ text: 'one' }, { text: 'two' }],
				onStarted: stopWhen(() => callsOf(fake, 'messages.SendMessage') >= 1),
			});
			assert.match(result.error?.message ?? '', /stopped/);
			assert.equal(fake.messages.length, 0);
			assert.equal(callsOf(fake, 'messages.SendMessage'), 1);
		});
	});
});
