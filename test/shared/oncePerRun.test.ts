import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { oncePerRun } from '../../shared/oncePerRun';

describe('oncePerRun', () => {
	test('makes a value once per context; another context (a retry, the next run) makes its own', () => {
		let made = 0;
		const valueOf = oncePerRun((context: { name: string }) => `${context.name} ${++made}`);
		const run = { name: 'run' };
		assert.equal(valueOf(run), 'run 1');
		assert.equal(valueOf(run), 'run 1');
		assert.equal(valueOf({ name: 'retry' }), 'retry 2');
		assert.equal(valueOf(run), 'run 1');
	});

	test('keeps undefined too, so a value that is absent is not asked for again', () => {
		let made = 0;
		const valueOf = oncePerRun<object, undefined>(() => {
			made++;
			return undefined;
		});
		const run = {};
		valueOf(run);
		valueOf(run);
		assert.equal(made, 1);
	});

	test('keyOf: one value per key within a context, and the arguments of the first call make it', () => {
		const calls: string[] = [];
		const valueOf = oncePerRun(
			(_context: object, type: string, itemIndex: number) => {
				calls.push(`${type}@${itemIndex}`);
				return `${type} read on item ${itemIndex}`;
			},
			{ keyOf: (type) => type },
		);
		const run = {};
		assert.equal(valueOf(run, 'a', 0), 'a read on item 0');
		assert.equal(valueOf(run, 'a', 1), 'a read on item 0');
		assert.equal(valueOf(run, 'b', 2), 'b read on item 2');
		assert.deepEqual(calls, ['a@0', 'b@2']);
	});

	test('a value that throws is not kept: the next call makes it again', () => {
		let calls = 0;
		const valueOf = oncePerRun<object, string>(() => {
			calls++;
			if (calls === 1) throw new Error('refused');
			return 'ok';
		});
		const run = {};
		assert.throws(() => valueOf(run), /refused/);
		assert.equal(valueOf(run), 'ok');
		assert.equal(valueOf(run), 'ok');
		assert.equal(calls, 2);
	});

	test('a rejected promise is kept (every item gets that error) unless retryFailures', async () => {
		for (const retryFailures of [false, true]) {
			let calls = 0;
			const valueOf = oncePerRun<object, Promise<string>>(
				async () => {
					calls++;
					if (calls === 1) throw new Error('no credential');
					return 'account';
				},
				{ retryFailures },
			);
			const run = {};
			await assert.rejects(valueOf(run), /no credential/);
			if (retryFailures) {
				assert.equal(await valueOf(run), 'account');
				assert.equal(await valueOf(run), 'account');
				assert.equal(calls, 2);
			} else {
				await assert.rejects(valueOf(run), /no credential/);
				assert.equal(calls, 1);
			}
		}
	});

	test('with retryFailures, callers waiting on the failing promise all see its error', async () => {
		let calls = 0;
		const valueOf = oncePerRun<object, Promise<string>>(
			async () => {
				calls++;
				await new Promise((resolve) => setImmediate(resolve));
				if (calls === 1) throw new Error('busy');
				return 'ok';
			},
			{ retryFailures: true },
		);
		const run = {};
		const [first, second] = await Promise.allSettled([valueOf(run), valueOf(run)]);
		assert.equal(first.status, 'rejected');
		assert.equal(second.status, 'rejected');
		assert.equal(await valueOf(run), 'ok');
		assert.equal(calls, 2);
	});
});
