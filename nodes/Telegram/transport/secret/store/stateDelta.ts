/**
 * What changed between two saved states of a chat, so a save writes the change rather than the
 * whole state (whose sent log alone is most of it). States are built anew for every change and
 * never changed in place (the store's contract), so an unchanged part is the very same value:
 * comparing by reference finds what changed without encoding the rest. An array that lost items
 * at the front and gained some at the end (the sent log) is recorded as that shift; a plain
 * object is compared key by key; anything else that changed is recorded whole.
 *
 * Absent and `undefined` are the same thing, as in JSON. A change is JSON-like and goes through
 * the same codec as a whole state; it is told apart by its DELTA_TAG key, which no state may have.
 */

import { isPlainObject } from '../../../../../shared/plainObject';

export const DELTA_TAG = '$delta';

interface Change {
	/** Keys given a new value. */
	set?: Record<string, unknown>;
	/** Keys removed. */
	unset?: string[];
	/** Arrays that dropped `[0]` items at the front and gained the items `[1]` at the end. */
	shift?: Record<string, [number, unknown[]]>;
	/** Plain objects changed in some of their keys. */
	inner?: Record<string, Change>;
}

/** Arrays longer than this are recorded whole when they change (the shift search is quadratic at worst). */
const SHIFT_SEARCH_LIMIT = 4096;

function define(target: Record<string, unknown>, key: string, value: unknown) {
	// Not plain assignment: a key such as "__proto__" stays an ordinary key.
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

/** How many items `next` dropped from the front of `previous` if it then only appended; undefined when it did more. */
function droppedFront(previous: unknown[], next: unknown[]): number | undefined {
	if (previous.length > SHIFT_SEARCH_LIMIT || next.length > SHIFT_SEARCH_LIMIT) return undefined;
	for (let drop = 0; drop < previous.length; drop++) {
		const kept = previous.length - drop;
		if (kept > next.length || previous[drop] !== next[0]) continue;
		let same = true;
		for (let index = 1; index < kept && same; index++)
			same = previous[drop + index] === next[index];
		if (same) return drop;
	}
	return undefined;
}

function changeOf(
	previous: Record<string, unknown>,
	next: Record<string, unknown>,
): Change | undefined {
	const change: Change = {};
	for (const key of Object.keys(previous))
		if (previous[key] !== undefined && next[key] === undefined) (change.unset ??= []).push(key);
	for (const key of Object.keys(next)) {
		const before = previous[key];
		const after = next[key];
		if (after === undefined || before === after) continue;
		if (Array.isArray(before) && Array.isArray(after)) {
			const drop = droppedFront(before, after);
			if (drop !== undefined) {
				const added = after.slice(before.length - drop);
				if (drop > 0 || added.length > 0) define((change.shift ??= {}), key, [drop, added]);
				continue;
			}
		} else if (isPlainObject(before) && isPlainObject(after)) {
			const inner = changeOf(before, after);
			if (inner) define((change.inner ??= {}), key, inner);
			continue;
		}
		define((change.set ??= {}), key, after);
	}
	return change.set || change.unset || change.shift || change.inner ? change : undefined;
}

/**
 * The change from `previous` to `next` as a value to encode (its first key is DELTA_TAG), or
 * 'none' when nothing changed.
 */
export function stateChange(
	previous: Record<string, unknown>,
	next: Record<string, unknown>,
): Record<string, unknown> | 'none' {
	const change = changeOf(previous, next);
	return change ? { [DELTA_TAG]: 1, ...change } : 'none';
}

/** Whether a decoded record is a change (stateChange's output) rather than a whole state. */
export function isStateChange(value: unknown): value is Record<string, unknown> {
	return isPlainObject(value) && value[DELTA_TAG] === 1;
}

class BadChange extends Error {}

function entriesOf(value: unknown, what: string): Array<[string, unknown]> {
	if (value === undefined) return [];
	if (!isPlainObject(value)) throw new BadChange(`${what} is not an object`);
	return Object.entries(value);
}

function applyChange(previous: unknown, change: unknown): Record<string, unknown> {
	if (!isPlainObject(previous)) throw new BadChange('the changed value is not an object');
	if (!isPlainObject(change)) throw new BadChange('the change is not an object');
	const next: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(previous)) define(next, key, value);
	const unset = change.unset ?? [];
	if (!Array.isArray(unset)) throw new BadChange('unset is not a list');
	for (const key of unset) delete next[String(key)];
	for (const [key, value] of entriesOf(change.set, 'set')) define(next, key, value);
	for (const [key, shift] of entriesOf(change.shift, 'shift')) {
		const before = previous[key];
		if (
			!Array.isArray(before) ||
			!Array.isArray(shift) ||
			!Number.isInteger(shift[0]) ||
			(shift[0] as number) < 0 ||
			(shift[0] as number) > before.length ||
			!Array.isArray(shift[1])
		)
			throw new BadChange(`the shift of ${key} does not fit`);
		define(next, key, [...before.slice(shift[0] as number), ...(shift[1] as unknown[])]);
	}
	for (const [key, inner] of entriesOf(change.inner, 'inner'))
		define(next, key, applyChange(previous[key], inner));
	return next;
}

/** `previous` with `change` applied; throws when the change does not fit it (damaged records). */
export function applyStateChange(previous: unknown, change: Record<string, unknown>): unknown {
	return applyChange(previous, change);
}
