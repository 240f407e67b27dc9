import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testCredential } from '../../harness/engine';
import type { TelnyxFake } from '../../fakes/telnyx/server';
import {
	TO,
	credentialsFor,
	messageIdParams,
	posts,
	runTelnyx,
	scheduleOneMessage,
	scheduleParams,
	sendParams,
	startFake,
	storedMessages,
	useTelnyxFake,
} from './setup';

const recipients = (count: number) =>
	Array.from({ length: count }, (_, i) => ({ to: `+1555765430${i}` }));

describe('Telnyx: rate limits, unclear failures, retries, throughput, credentials', () => {
	let fake: TelnyxFake;
	useTelnyxFake((started) => (fake = started));

	const scheduleOne = async (minutesAhead?: number) => await scheduleOneMessage(fake, minutesAhead);

	test('a short 429 (code 10011) is waited out using x-ratelimit-reset; the message is created once', async () => {
		fake.rateLimitNext(1, 1);
		const result = await runTelnyx(fake, { parameters: scheduleParams() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(posts(fake, '/messages/schedule'), 2, 'one refused, one accepted');
		assert.equal(fake.messages.size, 1);
		const [refused, accepted] = fake.requests;
		assert.ok(accepted.receivedAt - refused.receivedAt >= 990, 'it waited the reset time');
	});

	test('a 429 longer than the allowed wait fails the item, saying when to retry', async () => {
		fake.rateLimitNext(1, 120);
		const result = await runTelnyx(fake, { parameters: scheduleParams() });
		assert.match(
			result.error?.message ?? '',
			/^Telnyx: rate limit reached; Telnyx asks to wait 120 s/,
		);
		assert.match(
			String(result.error?.description),
			/Wait 2 minutes before running it again, or raise 'Max Rate-Limit Wait' \(now 30 s\)/,
		);
		assert.equal(result.error?.httpCode, '429');
		assert.equal(fake.messages.size, 0);
		assert.equal(posts(fake, '/messages/schedule'), 1);
	});

	test('a connection lost after the request was written: the item fails, says what to check, and is not re-sent even with Retry On Fail', async () => {
		fake.failNext({ method: 'POST', path: /\/messages\/schedule$/ }, 'drop-after-body');
		const result = await runTelnyx(fake, {
			parameters: scheduleParams(),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.match(
			result.error?.message ?? '',
			/the message from \+15550001111 to \+15557654321 may have been sent/,
		);
		assert.match(String(result.error?.description), /not sent again, to avoid a duplicate/);
		assert.match(
			String(result.error?.description),
			/Mission Control .*message\.sent webhooks for messages to \+15557654321/,
		);
		assert.equal(posts(fake, '/messages/schedule'), 1, 'exactly one create reached Telnyx');
		assert.equal(fake.messages.size, 1, 'and Telnyx did create it');
	});

	test('Retry On Fail after a mid-batch failure sends no duplicate, with a $now-based send time', async () => {
		// The second create answers 500 once; n8n then re-runs the node for all three items.
		fake.failNext({ method: 'POST', path: /\/messages\/schedule$/ }, 'http-500', 1);
		const items = recipients(3);
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ to: '={{ $json.to }}', options: { concurrency: 1 } }),
			items,
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(posts(fake, '/messages/schedule'), 4, 'three creates and the refused one');
		assert.deepEqual(
			storedMessages(fake)
				.map((m) => m.to[0].phone_number)
				.sort(),
			items.map((item) => item.to),
		);
		assert.deepEqual(
			result.items.map((item) => item.json.to),
			items.map((item) => [item.to]),
		);
		assert.equal(new Set(result.items.map((item) => item.json.message_id)).size, 3);
	});

	test('a new execution sends again (the memory is per execution)', async () => {
		await runTelnyx(fake, { parameters: sendParams(), executionId: 'run-a' });
		await runTelnyx(fake, { parameters: sendParams(), executionId: 'run-b' });
		assert.equal(fake.messages.size, 2);
	});

	test('Concurrency bounds how many requests run at once', async () => {
		fake.holdAnswers(60);
		for (const [concurrency, expected] of [
			[3, 3],
			[1, 1],
		] as const) {
			fake.maxInFlight = 0;
			const result = await runTelnyx(fake, {
				parameters: sendParams({
					to: '={{ $json.to }}',
					options: { concurrency, maxPerSecond: 0 },
				}),
				items: recipients(7),
			});
			assert.equal(result.error, undefined, result.error?.message);
			assert.equal(fake.maxInFlight, expected, `concurrency ${concurrency}`);
		}
		assert.equal(fake.messages.size, 14);
	});

	test('the window is kept full: an answer in, the next item out, while slower requests are still out', async () => {
		// Requests 1 and 2 are slow, the others fast: a sliding window sends items 3, 4, 5 one after
		// another beside them. A window refilled only when all its requests have answered would
		// send item 3 after the slow ones, finding nothing else in flight. (Request 0 is held long
		// enough for the first three to arrive while it is out.)
		const holdMs = [100, 1000, 1000];
		fake.holdAnswers((requestIndex) => holdMs[requestIndex] ?? 10);
		const result = await runTelnyx(fake, {
			parameters: sendParams({
				to: '={{ $json.to }}',
				options: { concurrency: 3, maxPerSecond: 0 },
			}),
			items: recipients(6),
		});
		assert.equal(result.error, undefined, result.error?.message);
		// Requests in flight when each arrived, itself included.
		assert.deepEqual(fake.inFlightAtArrival, [1, 2, 3, 3, 3, 3]);
	});

	test('by default 5 requests run at once', async () => {
		// Longer than 5 starts at the default 40/s, so the cap does not hide the concurrency.
		fake.holdAnswers(400);
		const result = await runTelnyx(fake, {
			parameters: sendParams({ to: '={{ $json.to }}' }),
			items: recipients(9),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.maxInFlight, 5);
	});

	test('Max Requests per Second spaces the starts of requests', async () => {
		const perSecond = 10;
		const runStart = Date.now();
		const result = await runTelnyx(fake, {
			parameters: sendParams({
				to: '={{ $json.to }}',
				options: { concurrency: 8, maxPerSecond: perSecond },
			}),
			items: recipients(6),
		});
		assert.equal(result.error, undefined, result.error?.message);
		const arrivals = fake.requests.map((request) => request.receivedAt).sort((a, b) => a - b);
		// Request k may start no sooner than k slots after the run began (the first slot is at the
		// start); how long n8n then takes to put it on the wire varies, so arrivals are compared
		// with the run's start, not with each other. Without a cap all would come within a few ms.
		// Timer granularity allows a few ms early.
		for (let k = 1; k < arrivals.length; k++)
			assert.ok(
				arrivals[k] - runStart >= (k * 1000) / perSecond - 15,
				`request ${k} came too early`,
			);
	});

	test('Continue On Fail with a long 429: that item fails with the wait, the others are sent', async () => {
		fake.rateLimitNext(1, 120);
		const result = await runTelnyx(fake, {
			parameters: sendParams({ to: '={{ $json.to }}', options: { concurrency: 1 } }),
			items: recipients(3),
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.match(String(result.items[0].json.error), /Telnyx asks to wait 120 s/);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.equal(result.items[1].json.status, 'queued');
		assert.equal(fake.messages.size, 2);
	});

	test('the credential test passes with the right key and fails with a wrong one', async () => {
		const good = await testCredential(
			'telnyxScheduledApi',
			credentialsFor(fake).telnyxScheduledApi,
		);
		assert.equal(good.status, 'OK');
		const bad = await testCredential(
			'telnyxScheduledApi',
			credentialsFor(fake, { apiKey: 'KEYwrong' }).telnyxScheduledApi,
		);
		assert.equal(bad.status, 'Error');
		assert.equal(bad.statusCode, 401);
		assert.equal(fake.requests.at(-1)?.path, '/v2/messaging_profiles');
		assert.deepEqual(fake.violations, []);
	});

	test('a wrong key gives a clear 401 error', async () => {
		const result = await runTelnyx(fake, {
			parameters: scheduleParams(),
			credentials: { apiKey: 'KEYwrong' },
		});
		assert.match(
			result.error?.message ?? '',
			/^Telnyx: Authentication failed: The required authentication headers were either invalid/,
		);
		assert.match(String(result.error?.description), /Check the API key in the Telnyx credential/);
		assert.equal(result.error?.httpCode, '401');
	});

	test('the API key never appears in any output or error', async () => {
		const secret = 'KEYsecret_0123456789abcdef';
		const secretFake = await startFake();
		const credentials = { apiKey: secret, baseUrl: `${secretFake.url}/v2` };
		const unknownId = '0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b';
		const scenarios: Array<[string, IDataObject, () => void, boolean]> = [
			['success', scheduleParams(), () => {}, false],
			[
				'Telnyx refusal (Continue On Fail)',
				scheduleParams({ fromNumber: { __rl: true, mode: 'list', value: '+15559990000' } }),
				() => {},
				false,
			],
			['long 429', sendParams(), () => secretFake.rateLimitNext(1, 120), true],
			[
				'unclear failure',
				sendParams(),
				() => secretFake.failNext({ method: 'POST', path: /\/messages$/ }, 'drop-after-body'),
				true,
			],
			[
				'500 on Get',
				messageIdParams('get', unknownId),
				() => secretFake.failNext({ method: 'GET', path: /./ }, 'http-500'),
				true,
			],
			[
				'no answer on Get',
				messageIdParams('get', unknownId),
				() => secretFake.failNext({ method: 'GET', path: /./ }, 'drop-after-body'),
				true,
			],
		];
		try {
			for (const [name, parameters, arrange, fails] of scenarios) {
				arrange();
				const result = await runTelnyx(secretFake, {
					parameters,
					credentials,
					node: { continueOnFail: !fails },
				});
				const text = JSON.stringify(result.run);
				assert.equal(
					Boolean(result.error),
					fails,
					`${name}: ${result.error?.message ?? 'no error'}`,
				);
				assert.equal(text.includes(secret), false, `${name}: the key is in the run data`);
				assert.equal(
					text.includes(Buffer.from(secret).toString('base64')),
					false,
					`${name}: the key is in the run data (base64)`,
				);
			}
			assert.match(
				JSON.stringify(secretFake.requests.map((r) => r.headers.authorization)),
				new RegExp(`Bearer ${secret}`),
				'the key was used',
			);
		} finally {
			await secretFake.stop();
		}
	});

	test('no answer at all on Get is reported as such, and can be retried', async () => {
		fake.failNext({ method: 'GET', path: /\/messages\// }, 'drop-after-body');
		const result = await runTelnyx(fake, {
			parameters: messageIdParams('get', '0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b'),
		});
		assert.match(result.error?.message ?? '', /^Telnyx: no answer from Telnyx/);
		assert.match(String(result.error?.description), /harmless/);
	});

	test('an unreachable API base URL is reported with the address to check, and nothing is sent', async () => {
		const result = await runTelnyx(fake, {
			parameters: sendParams({ to: TO }),
			credentials: { baseUrl: 'http://127.0.0.1:9/v2' },
		});
		assert.match(
			result.error?.message ?? '',
			/could not reach http:\/\/127\.0\.0\.1:9\/v2 \(ECONNREFUSED\)/,
		);
		assert.match(String(result.error?.description), /nothing was sent/);
	});

	test('a 429 on Get and on Cancel is waited out', async () => {
		const id = await scheduleOne();
		fake.rateLimitNext(1, 1);
		const got = await runTelnyx(fake, { parameters: messageIdParams('get', id) });
		assert.equal(got.error, undefined, got.error?.message);
		assert.equal(got.items[0].json.status, 'scheduled');
		fake.rateLimitNext(1, 1);
		const cancelled = await runTelnyx(fake, { parameters: messageIdParams('cancel', id) });
		assert.equal(cancelled.error, undefined, cancelled.error?.message);
		assert.equal(fake.messages.get(id)?.to[0].status, 'cancelled');
		assert.deepEqual(
			fake.requests.slice(1).map((request) => request.method),
			['GET', 'GET', 'DELETE', 'DELETE'],
		);
	});
});
