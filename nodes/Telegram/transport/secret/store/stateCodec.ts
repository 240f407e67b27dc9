/**
 * A chat's state as JSON text. Beyond plain JSON it keeps bigints (fingerprints, exchange ids) and
 * Buffers (keys) as they were, written as {"$bigint": "..."} and {"$bytes": "<base64>"}; anything
 * else JSON cannot hold (functions, undefined in arrays, cycles) is refused rather than lost.
 */

function isTagged(value: object, tag: string): value is Record<string, string> {
	const keys = Object.keys(value);
	return (
		keys.length === 1 &&
		keys[0] === tag &&
		typeof (value as Record<string, unknown>)[tag] === 'string'
	);
}

export function encodeState(state: object): Buffer {
	const text = JSON.stringify(
		state,
		function (this: Record<string, unknown>, key: string, value: unknown) {
			// `value` has been through toJSON already (a Buffer arrives as {type, data}); the holder has the original.
			const original = this[key];
			if (typeof original === 'bigint') return { $bigint: original.toString() };
			if (original instanceof Uint8Array)
				return {
					$bytes: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString(
						'base64',
					),
				};
			if (typeof value === 'function' || typeof value === 'symbol')
				throw new TypeError('a function or symbol');
			return value;
		},
	);
	return Buffer.from(text, 'utf8');
}

export function decodeState(bytes: Buffer): unknown {
	return JSON.parse(bytes.toString('utf8'), (_key, value: unknown) => {
		if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
		if (isTagged(value, '$bigint')) return BigInt(value.$bigint);
		if (isTagged(value, '$bytes')) return Buffer.from(value.$bytes, 'base64');
		return value;
	});
}
