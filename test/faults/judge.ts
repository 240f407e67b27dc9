import type { IDataObject } from 'n8n-workflow';
import type { NodeRunResult } from '../harness/engine';
import {
	ITEM_COUNT,
	type CellSetup,
	type Column,
	type FaultSpec,
	type Outcome,
	type RowKind,
} from './matrix';

const PROVIDER_PREFIX = /^(Zulip|Telnyx|Telegram): /;

/** What kind of error a message and description make, or why it is not a clear error at all. */
export function classifyError(message: string, description: unknown): Outcome | { vague: string } {
	const fix = typeof description === 'string' ? description : '';
	const text = `${message} ${fix}`;
	if (!PROVIDER_PREFIX.test(message))
		return { vague: `error without the provider's name: "${message}"` };
	if (/may (already )?have been|might have been/i.test(text)) {
		return /check|Get Many/i.test(text)
			? 'unclear'
			: { vague: `says the message may have been sent but not what to check: "${text}"` };
	}
	if (/\b(rate limit|too many requests|FLOOD_WAIT)/i.test(text)) {
		return /wait \d+/i.test(text)
			? 'rate-limited'
			: { vague: `rate limited without the time to wait: "${text}"` };
	}
	return fix.trim() !== ''
		? 'error'
		: { vague: `error without a description of what to do: "${message}"` };
}

export interface Verdict {
	passed: boolean;
	problems: string[];
	/** Item k's outcome as seen (for the failure report). */
	seen: string;
}

interface JudgeInput {
	result: NodeRunResult;
	setup: CellSetup;
	fault: FaultSpec;
	kind: RowKind;
	order: 'sequential' | 'parallel';
	column: Column;
	k: number;
}

/**
 * One cell's verdict: item k's outcome must be one the fault allows; every other item must
 * succeed (when it ran); each output item must describe its own message; and the fake must hold
 * each item's effect exactly as often as those outcomes imply (never twice).
 */
export function judge({ result, setup, fault, kind, order, column, k }: JudgeInput): Verdict {
	const problems: string[] = [];
	const allowed = fault.allowed[kind][column.retryOnFail ? 'retry' : 'once'];
	/** Per item: how often the fake must hold its effect. */
	const expected: number[] = new Array(ITEM_COUNT).fill(1);
	let seen = '';

	const outcomeOfItem = (i: number, json: IDataObject): Outcome | undefined => {
		if (json.error !== undefined) {
			const kindOf = classifyError(String(json.error), json.errorDescription);
			if (typeof kindOf !== 'string') {
				problems.push(`item ${i}: ${kindOf.vague}`);
				return undefined;
			}
			return kindOf;
		}
		const mismatch = setup.mismatch(i, json);
		if (mismatch)
			problems.push(`item ${i}: success output does not describe its message: ${mismatch}`);
		return 'ok';
	};
	const expectOutcome = (outcome: Outcome | undefined) => {
		const fits = outcome !== undefined && allowed.includes(outcome);
		if (outcome !== undefined && !fits)
			problems.push(`item ${k}: ${outcome}, expected ${allowed.join(' or ')}`);
		// After an error the fake holds item k only if the faulted request acted; after several tries
		// that ended in an error the fault does not explain, nothing is known but "not twice".
		if (outcome !== 'ok') expected[k] = !fits && column.retryOnFail ? -1 : fault.acted ? 1 : 0;
	};

	const items = result.items;
	if (result.error && column.continueOnFail) {
		problems.push(`the node failed despite Continue On Fail: ${result.error.message}`);
		expected.fill(-1);
	} else if (!result.error) {
		if (items.length !== ITEM_COUNT)
			problems.push(`${items.length} output items, expected ${ITEM_COUNT}`);
		items.forEach((item, position) => {
			const paired = (item.pairedItem as { item?: number } | undefined)?.item;
			if (paired !== position)
				problems.push(`output ${position} is paired with item ${String(paired)}`);
			const outcome = outcomeOfItem(position, item.json);
			if (position === k) {
				seen =
					item.json.error === undefined
						? (outcome ?? 'vague error')
						: `${outcome ?? 'vague error'} (${String(item.json.error)})`;
				expectOutcome(outcome);
			} else if (outcome !== undefined && outcome !== 'ok') {
				problems.push(`item ${position} (no fault) failed: ${String(item.json.error)}`);
			}
		});
	} else {
		const error = result.error;
		const itemIndex = (error.context as { itemIndex?: unknown } | undefined)?.itemIndex;
		if (items.length > 0) problems.push(`the node failed but output ${items.length} items`);
		const kindOf = classifyError(error.message, error.description);
		if (itemIndex !== k) {
			// An item without a fault failed: what the fake must hold is no longer known, only that nothing is there twice.
			seen = `error on item ${String(itemIndex)}`;
			problems.push(
				`the node failed on item ${String(itemIndex)}, which had no fault: ${error.message}`,
			);
			expected.fill(-1);
		} else if (typeof kindOf === 'string') {
			seen = `${kindOf} (${error.message})`;
			expectOutcome(kindOf);
		} else {
			seen = `vague error (${error.message})`;
			problems.push(`item ${k}: ${kindOf.vague}`);
			expectOutcome(undefined);
		}
		// Items after k ran only if the node had them under way already.
		for (let i = k + 1; i < ITEM_COUNT; i++)
			if (order === 'sequential' && expected[i] === 1) expected[i] = 0;
	}

	for (let i = 0; i < ITEM_COUNT; i++) {
		const held = setup.count(i);
		if (held > 1) problems.push(`item ${i}: the fake holds it ${held} times (a duplicate)`);
		else if (expected[i] >= 0 && held !== expected[i])
			problems.push(`item ${i}: the fake holds it ${held} time(s), expected ${expected[i]}`);
	}
	problems.push(...setup.problems());
	return { passed: problems.length === 0, problems, seen: seen || (result.error ? 'error' : 'ok') };
}
