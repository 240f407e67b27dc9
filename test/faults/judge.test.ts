import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { NodeRunResult } from '../harness/engine';
import { classifyError, judge } from './judge';
import { COLUMNS, HTTP_FAULTS, TELEGRAM_FAULTS, type CellSetup } from './matrix';

/** The matrix must be able to fail: its verdicts on hand-made outcomes. */

const [retry, once, continueOnFail] = COLUMNS;

function setup(held: number[], describes = true): CellSetup {
	return {
		node: { type: 'zulip', parameters: {}, credentials: {} },
		items: [{}, {}, {}],
		arm: () => undefined,
		count: (i) => held[i],
		mismatch: (i, json) =>
			describes && json.id === i ? undefined : `output ${JSON.stringify(json)} is not item ${i}`,
		problems: () => [],
	};
}

const outputs = (...jsons: IDataObject[]): INodeExecutionData[] =>
	jsons.map((json, item) => ({ json, pairedItem: { item } }));
const succeeded = (...jsons: IDataObject[]): NodeRunResult => ({
	items: outputs(...jsons),
	runs: [],
	run: {} as NodeRunResult['run'],
});
const failed = (itemIndex: number, message: string, description: string): NodeRunResult => ({
	items: [],
	runs: [],
	error: { message, description, context: { itemIndex } },
	run: {} as NodeRunResult['run'],
});
const UNCLEAR = [
	'Zulip: the connection failed (ECONNRESET) after the request was sent, so the message may have been created',
	'Check the scheduled messages in Zulip.',
] as const;

describe('fault matrix: the verdict on one cell', () => {
	test('errors are told apart by what they say, and an error that says nothing useful is vague', () => {
		assert.equal(classifyError(...UNCLEAR), 'unclear');
		assert.equal(
			classifyError(
				'Telnyx: rate limit reached; Telnyx asks to wait 120 s',
				'Wait 2 minutes before running it again.',
			),
			'rate-limited',
		);
		assert.equal(
			classifyError(
				'Zulip: Internal server error',
				'Zulip could not complete the request; try again later.',
			),
			'error',
		);
		assert.deepEqual(classifyError('Zulip: Internal server error', undefined), {
			vague: 'error without a description of what to do: "Zulip: Internal server error"',
		});
		assert.ok(
			typeof classifyError('The connection to the server was closed unexpectedly', 'retry') !==
				'string',
		);
		assert.ok(
			typeof classifyError('Zulip: the message may have been created', 'It was not sent again.') !==
				'string',
		);
	});

	test('a retried send the fake holds twice fails the cell, even though every item says ok', () => {
		const verdict = judge({
			result: succeeded({ id: 0 }, { id: 1 }, { id: 2 }),
			setup: setup([1, 2, 1]),
			fault: HTTP_FAULTS['http-500'],
			kind: 'send',
			order: 'sequential',
			column: retry,
			k: 1,
		});
		assert.equal(verdict.passed, false);
		assert.deepEqual(verdict.problems, ['item 1: the fake holds it 2 times (a duplicate)']);
	});

	test('a success output that describes another message fails the cell', () => {
		const verdict = judge({
			result: succeeded({ id: 0 }, { id: 0 }, { id: 2 }),
			setup: setup([1, 1, 1]),
			fault: HTTP_FAULTS['rate-short'],
			kind: 'send',
			order: 'sequential',
			column: once,
			k: 1,
		});
		assert.equal(verdict.passed, false);
		assert.match(
			verdict.problems.join('\n'),
			/item 1: success output does not describe its message/,
		);
	});

	test('an unclear send after the provider acted passes when the fake holds it once, and the items after it never ran', () => {
		const verdict = judge({
			result: failed(1, ...UNCLEAR),
			setup: setup([1, 1, 0]),
			fault: HTTP_FAULTS['reset-after'],
			kind: 'send',
			order: 'sequential',
			column: retry,
			k: 1,
		});
		assert.deepEqual(verdict.problems, []);
		const parallel = judge({
			result: failed(1, ...UNCLEAR),
			setup: setup([1, 1, 0]),
			fault: HTTP_FAULTS['reset-after'],
			kind: 'send',
			order: 'parallel',
			column: retry,
			k: 1,
		});
		assert.deepEqual(
			parallel.problems,
			['item 2: the fake holds it 0 time(s), expected 1'],
			'a parallel node had item 2 under way already',
		);
	});

	test('a plain error where the fault can only be unclear fails, and so does success where it must wait', () => {
		const plain = judge({
			result: failed(0, 'Zulip: HTTP 504', 'try again later'),
			setup: setup([1, 0, 0]),
			fault: HTTP_FAULTS['gateway-504'],
			kind: 'send',
			order: 'sequential',
			column: once,
			k: 0,
		});
		assert.deepEqual(plain.problems, ['item 0: error, expected unclear']);
		const flood = judge({
			result: succeeded({ id: 0 }, { id: 1 }, { id: 2 }),
			setup: setup([1, 1, 1]),
			fault: TELEGRAM_FAULTS['flood-long'],
			kind: 'send',
			order: 'sequential',
			column: retry,
			k: 2,
		});
		assert.deepEqual(flood.problems, ['item 2: ok, expected rate-limited']);
	});

	test('with Continue On Fail each item has its own output, and a failed node or an error on another item fails the cell', () => {
		const good = judge({
			result: succeeded({ id: 0 }, { error: UNCLEAR[0], errorDescription: UNCLEAR[1] }, { id: 2 }),
			setup: setup([1, 1, 1]),
			fault: HTTP_FAULTS['reset-after'],
			kind: 'send',
			order: 'sequential',
			column: continueOnFail,
			k: 1,
		});
		assert.deepEqual(good.problems, []);
		const stopped = judge({
			result: failed(1, ...UNCLEAR),
			setup: setup([1, 1, 0]),
			fault: HTTP_FAULTS['reset-after'],
			kind: 'send',
			order: 'sequential',
			column: continueOnFail,
			k: 1,
		});
		assert.match(stopped.problems[0], /the node failed despite Continue On Fail/);
		const elsewhere = judge({
			result: failed(0, 'Zulip: Scheduled message does not exist', 'Check the ID.'),
			setup: setup([1, 1, 1]),
			fault: HTTP_FAULTS['http-500'],
			kind: 'remove',
			order: 'parallel',
			column: retry,
			k: 1,
		});
		assert.match(elsewhere.problems[0], /the node failed on item 0, which had no fault/);
	});
});
