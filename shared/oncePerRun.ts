/**
 * Made once per node run: n8n passes the same `this` to execute() for every item of a run (and
 * one object to each list search or webhook call), so what is the same for all items (the node,
 * a decrypted credential, a parameter without an expression) is worth making on first use and
 * keeping with that object; it goes when n8n drops the context.
 */
export interface OncePerRunOptions<Args extends unknown[]> {
	/** Which calls share a value (default: all calls with the same context). */
	keyOf?: (...args: Args) => string;
	/** A rejected promise is not kept: the next call makes it again, so each item names its own error. */
	retryFailures?: boolean;
}

/**
 * Wraps `make` so that it runs once per context and key; later calls return the first value
 * (also `undefined`), or, with `retryFailures`, make a new one after a promise that rejected.
 */
export function oncePerRun<Context extends object, Value, Args extends unknown[] = []>(
	make: (context: Context, ...args: Args) => Value,
	{ keyOf, retryFailures = false }: OncePerRunOptions<Args> = {},
): (context: Context, ...args: Args) => Value {
	const valuesByContext = new WeakMap<Context, Map<string, Value>>();
	return (context, ...args) => {
		let values = valuesByContext.get(context);
		if (!values) valuesByContext.set(context, (values = new Map()));
		const key = keyOf ? keyOf(...args) : '';
		if (values.has(key)) return values.get(key) as Value;
		const value = make(context, ...args);
		values.set(key, value);
		if (retryFailures && value instanceof Promise) {
			const kept = values;
			value.catch(() => {
				if (kept.get(key) === value) kept.delete(key);
			});
		}
		return value;
	};
}
