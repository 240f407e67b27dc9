import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
	decodeState,
	encodeState,
} from '../../../../../nodes/Telegram/transport/secret/store/stateCodec';
import {
	applyStateChange,
	isStateChange,
	stateChange,
} from '../../../../../nodes/Telegram/transport/secret/store/stateDelta';

/** What the store does: the change goes through the codec, then onto the state as read back. */
function roundTrip(previous: Record<string, unknown>, next: Record<string, unknown>) {
	const change = stateChange(previous, next);
	if (change === 'none') return { state: previous, bytes: 0 };
	const encoded = encodeState(change);
	const decoded = decodeState(encoded);
	assert.ok(isStateChange(decoded));
	const readBack = decodeState(encodeState(previous));
	return { state: applyStateChange(readBack, decoded), bytes: encoded.length };
}

const json = (value: unknown) => decodeState(encodeState(value as object));

describe('secret-chat store: changes between states', () => {
	test('a sent log that drops its oldest entry and gains a new one is recorded as that shift, not whole', () => {
		const entry = (n: number) => ({ randomId: String(n), envelope: 'e'.repeat(200), outSeqNo: n });
		let state: Record<string, unknown> = {
			chatId: 1,
			key: Buffer.alloc(256, 7),
			current: { key: 'k'.repeat(344), messages: 0, since: 1 },
			outCount: 0,
			sentLog: Array.from({ length: 100 }, (_unused, n) => entry(n)),
		};
		for (let n = 100; n < 130; n++) {
			const log = state.sentLog as unknown[];
			const current = state.current as Record<string, unknown>;
			const next = {
				...state,
				outCount: n,
				current: { ...current, messages: (current.messages as number) + 1 },
				sentLog: [...log, entry(n)].slice(-100),
			};
			const { state: applied, bytes } = roundTrip(state, next);
			assert.deepEqual(applied, json(next));
			assert.ok(bytes < 400, `a change of ${bytes} bytes for one new entry`);
			state = next;
		}
	});

	test('keys set, removed and changed inside objects, arrays rewritten or emptied, and bytes and bigints come back as a whole save would', () => {
		const previous: Record<string, unknown> = {
			chatId: 2,
			gone: 'x',
			same: { deep: [1, 2, 3] },
			nested: { a: 1, b: { c: 2, d: 3 }, e: 'keep' },
			list: [{ n: 1 }, { n: 2 }],
			emptied: [1, 2],
			grows: [],
			bytes: Buffer.from('0102', 'hex'),
		};
		const next: Record<string, unknown> = {
			chatId: 2,
			same: previous.same,
			nested: { a: 1, b: { c: 5 }, e: 'keep', f: null },
			list: [{ n: 3 }, (previous.list as unknown[])[1]],
			emptied: [],
			grows: [1n, Buffer.from('ff', 'hex')],
			bytes: Buffer.from('0304', 'hex'),
			added: -(2n ** 63n),
			undefinedIsAbsent: undefined,
		};
		assert.deepEqual(roundTrip(previous, next).state, json(next));
	});

	test('nothing changed (a new object with the same parts) is no change at all', () => {
		const previous = { chatId: 3, log: [{ a: 1 }], inner: { b: 2 } };
		assert.equal(stateChange(previous, { ...previous, inner: { ...previous.inner } }), 'none');
	});

	test('a key named __proto__ stays an ordinary key', () => {
		const previous = JSON.parse('{"chatId":4,"__proto__":{"a":1}}') as Record<string, unknown>;
		const next = JSON.parse('{"chatId":4,"__proto__":{"a":2},"x":1}') as Record<string, unknown>;
		const applied = roundTrip(previous, next).state as Record<string, unknown>;
		assert.equal(Object.getPrototypeOf(applied), Object.prototype);
		assert.deepEqual(Object.getOwnPropertyDescriptor(applied, '__proto__')?.value, { a: 2 });
		assert.equal(({} as Record<string, unknown>).a, undefined);
	});

	test('a change that does not fit the state it is applied to is refused', () => {
		const change = stateChange({ chatId: 5, log: [1, 2, 3] }, { chatId: 5, log: [3, 4] });
		assert.notEqual(change, 'none');
		assert.throws(() =>
			applyStateChange({ chatId: 5, log: [] }, change as Record<string, unknown>),
		);
		assert.throws(() => applyStateChange(undefined, change as Record<string, unknown>));
	});
});
