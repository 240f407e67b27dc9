import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IExecuteFunctions } from 'n8n-workflow';
import { MAX_AHEAD, parameterAhead, timeless } from '../../shared/parameterAhead';

/** A node run of `count` items whose evaluations are logged; items in `failOn` fail. */
function run(count: number, failOn: number[] = []) {
	const context = { getInputData: () => Array.from({ length: count }, () => ({ json: {} })) };
	const evaluated: number[] = [];
	const read = (itemIndex: number) => {
		evaluated.push(itemIndex);
		if (failOn.includes(itemIndex)) throw new Error(`item ${itemIndex} fails`);
		return `value ${itemIndex}`;
	};
	const get = (itemIndex: number) =>
		parameterAhead(context as unknown as IExecuteFunctions, 'text', read, itemIndex);
	return { get, evaluated };
}

describe('parameterAhead', () => {
	test('the first item is read alone; then MAX_AHEAD items at a time, each once, never past the last', () => {
		const count = MAX_AHEAD + 7;
		const { get, evaluated } = run(count);
		assert.equal(get(0), 'value 0');
		assert.deepEqual(evaluated, [0]);
		assert.equal(get(1), 'value 1');
		assert.deepEqual(
			evaluated,
			Array.from({ length: MAX_AHEAD + 1 }, (_, i) => i),
		);
		for (let index = 2; index < count; index++) assert.equal(get(index), `value ${index}`);
		assert.deepEqual(
			evaluated,
			Array.from({ length: count }, (_, i) => i),
		);
	});

	test('items read out of order (concurrency) each get their own value', () => {
		const { get, evaluated } = run(6);
		get(0);
		assert.equal(get(2), 'value 2');
		assert.equal(get(1), 'value 1');
		assert.equal(get(5), 'value 5');
		assert.deepEqual(
			[...evaluated].sort((a, b) => a - b),
			[0, 1, 2, 3, 4, 5],
		);
	});

	test('an item whose evaluation fails gets its own error on its turn; the others their values', () => {
		const { get } = run(6, [3]);
		get(0);
		get(1); // evaluates 2..5, item 3 failing, without throwing here
		assert.equal(get(2), 'value 2');
		assert.throws(() => get(3), /item 3 fails/);
		assert.equal(get(4), 'value 4');
	});

	test('the item being read throws at once when its own evaluation fails', () => {
		const { get } = run(3, [1]);
		get(0);
		assert.throws(() => get(1), /item 1 fails/);
		assert.equal(get(2), 'value 2');
	});

	test('expressions that read the clock or chance are not evaluated ahead', () => {
		assert.equal(timeless('=m{{ $json.i }}'), true);
		assert.equal(timeless({ values: ['={{ $json.to }}'] }), true);
		for (const clockOrChance of [
			'={{ $now.plus(1, "hour") }}',
			'=sent {{ $today }}',
			'={{ DateTime.local() }}',
			'={{ new Date().getTime() }}',
			'={{ Math.random() }}',
			'={{ $execution.id }}',
		])
			assert.equal(timeless(clockOrChance), false, clockOrChance);
	});
});
