import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IExecuteFunctions } from 'n8n-workflow';
import { recallSent, rememberSent, sendKey } from '../../shared/executionMemo';

// A forced collection without starting node with --expose-gc.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** What sendKey reads of an execute context; `signal` is the execution's cancel signal. */
function contextOf(executionId: string, signal: AbortSignal): IExecuteFunctions {
	return {
		getExecutionId: () => executionId,
		getExecutionCancelSignal: () => signal,
		getNode: () => ({ id: 'node-1', name: 'Send' }),
		getWorkflow: () => ({ id: 'wf-1' }),
		getInstanceId: () => 'instance',
		runIndex: 0,
	} as unknown as IExecuteFunctions;
}

describe('the once-only memory lives as long as its execution', () => {
	test('a retry in the same execution finds the send; nothing of it stays after the execution', async () => {
		// In a function, so that nothing of the execution stays referenced here once it returns.
		const storeOfExecution = (() => {
			const execution = new AbortController();
			const key = sendKey(contextOf('exec-1', execution.signal), 0, 'message.send');
			rememberSent(key, { id: 1 });
			// Retry On Fail: a new context object, the same execution and signal.
			assert.deepEqual(
				recallSent(sendKey(contextOf('exec-1', execution.signal), 0, 'message.send')),
				{ id: 1 },
			);
			return new WeakRef(key!.store);
		})();
		for (let round = 0; round < 5 && storeOfExecution.deref(); round++) {
			// A WeakRef keeps its target until the current job ends: end it, then collect.
			await nextTurn();
			collect();
		}
		assert.equal(
			storeOfExecution.deref(),
			undefined,
			'the finished execution still holds its sends',
		);
	});
});
