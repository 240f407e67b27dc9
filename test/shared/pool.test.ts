import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runBounded, StartRateCap } from '../../shared/pool';

describe('runBounded', () => {
	test('never runs more than the limit at once and runs every index', async () => {
		let running = 0;
		let peak = 0;
		const seen: number[] = [];
		await runBounded(20, 3, async (index) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setImmediate(resolve));
			seen.push(index);
			running--;
		});
		assert.equal(peak, 3);
		assert.deepEqual(
			[...seen].sort((a, b) => a - b),
			Array.from({ length: 20 }, (_, i) => i),
		);
	});

	test('starts nothing new once asked to stop, and reports what never started', async () => {
		let stop = false;
		const skipped = await runBounded(
			10,
			2,
			async (index) => {
				if (index === 3) stop = true;
			},
			() => stop,
		);
		assert.ok(skipped.length >= 5, `skipped ${skipped.join(',')}`);
		assert.equal(skipped[skipped.length - 1], 9);
	});
});

describe('StartRateCap', () => {
	test('spaces starts 1/perSecond apart on a fake clock', async () => {
		let clock = 0;
		const sleeps: number[] = [];
		const cap = new StartRateCap(
			4,
			async (ms) => {
				sleeps.push(ms);
				clock += ms;
			},
			() => clock,
		);
		for (let i = 0; i < 5; i++) await cap.take();
		assert.deepEqual(sleeps, [250, 250, 250, 250]);
	});
});
