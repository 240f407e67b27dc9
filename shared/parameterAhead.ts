import type { IExecuteFunctions } from 'n8n-workflow';

// In n8n 2.x an expression is evaluated in an isolated engine, and one evaluation cost up to four
// times more CPU between two requests than back to back (a real n8n 2.41, three same-run rounds:
// 1.1-1.5 ms vs 0.35-1.1 ms per item; n8n's HTTP Request node evaluates every item before its
// first request). So an expression whose value depends on the item only is
// evaluated for the next items too, in chunks: each item's once, as before. Expressions that read
// the clock or chance ({{ $now }}, DateTime, random...) are evaluated on their item's turn, so a
// time is not read before its item is sent. The first item is read alone: no delay before the
// first request.

/** The most items evaluated at once, ahead of the one being read. */
export const MAX_AHEAD = 20;

// Erring on the safe side: any mention of a date, time, chance, or execution state.
const CLOCK_OR_CHANCE = /now|today|date|time|random|uuid|\$execution|static/i;

/** Whether a saved value's expressions give the same value whenever they are evaluated. */
export function timeless(saved: unknown): boolean {
	return !CLOCK_OR_CHANCE.test(JSON.stringify(saved) ?? '');
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One parameter's values evaluated ahead, by item, and the last item evaluated so far. */
interface Ahead {
	values: Map<number, Outcome>;
	last: number;
}

/** For each node run, and each parameter (and fallback), its Ahead. */
const aheadByRun = new WeakMap<IExecuteFunctions, Map<string, Ahead>>();

function settled(read: () => unknown): Outcome {
	try {
		return { ok: true, value: read() };
	} catch (error) {
		return { ok: false, error };
	}
}

/**
 * `read(itemIndex)` (one parameter's getNodeParameter) for a timeless expression, evaluated
 * ahead for the next items when the item's value was not already there. Each value is taken out
 * when its item reads it; an item whose evaluation failed gets its error then, as it would have.
 */
export function parameterAhead(
	context: IExecuteFunctions,
	key: string,
	read: (itemIndex: number) => unknown,
	itemIndex: number,
): unknown {
	let byKey = aheadByRun.get(context);
	if (!byKey) aheadByRun.set(context, (byKey = new Map()));
	const ahead = byKey.get(key);
	if (!ahead) {
		byKey.set(key, { values: new Map(), last: itemIndex });
		return read(itemIndex);
	}
	const kept = ahead.values.get(itemIndex);
	if (kept) {
		ahead.values.delete(itemIndex);
		if (kept.ok) return kept.value;
		throw kept.error;
	}
	const value = read(itemIndex);
	// Items after `last` only: those before were evaluated already (or are read out of order).
	const last = Math.min(context.getInputData().length - 1, itemIndex + MAX_AHEAD - 1);
	for (let next = Math.max(itemIndex, ahead.last) + 1; next <= last; next++)
		ahead.values.set(
			next,
			settled(() => read(next)),
		);
	ahead.last = Math.max(ahead.last, last, itemIndex);
	return value;
}
