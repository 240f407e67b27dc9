import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRetryAfter, RateLimitedSignal, waitOutRateLimits } from '../../shared/rateLimit';

describe('waitOutRateLimits', () => {
	test('waits out short limits and returns the eventual answer', async () => {
		const waits: number[] = [];
		let calls = 0;
		const result = await waitOutRateLimits(
			async () => {
				calls++;
				if (calls < 3) throw new RateLimitedSignal(0.25);
				return 'done';
			},
			{
				maxWaitSeconds: 1,
				sleep: async (ms) => {
					waits.push(ms);
				},
				tooLong: () => new Error('too long'),
			},
		);
		assert.equal(result, 'done');
		assert.deepEqual(waits, [250, 250]);
	});

	test('a wait over the maximum fails at once without sleeping', async () => {
		let slept = false;
		await assert.rejects(
			waitOutRateLimits(
				async () => {
					throw new RateLimitedSignal(90);
				},
				{
					maxWaitSeconds: 30,
					sleep: async () => {
						slept = true;
					},
					tooLong: (seconds) => new Error(`wait ${seconds}`),
				},
			),
			/wait 90/,
		);
		assert.equal(slept, false);
	});

	test('other errors pass through untouched', async () => {
		const original = new Error('boom');
		await assert.rejects(
			waitOutRateLimits(
				async () => {
					throw original;
				},
				{ maxWaitSeconds: 30, sleep: async () => {}, tooLong: () => new Error('x') },
			),
			(error) => error === original,
		);
	});
});

test('parseRetryAfter reads fractional seconds and HTTP dates', () => {
	assert.equal(parseRetryAfter('0.5'), 0.5);
	assert.equal(parseRetryAfter(undefined), undefined);
	assert.equal(
		parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', Date.UTC(2026, 10, 23, 12, 0, 0)),
		30,
	);
});
