import type { IExecuteFunctions, IGetNodeParameterOptions } from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';
import { nodeOfRun } from './nodeOfRun';
import { oncePerRun } from './oncePerRun';
import { parameterAhead, timeless } from './parameterAhead';

/** Which reads of a parameter give the same values: its name, fallback and options. */
const keyOf = (name: string, fallback: unknown, options: IGetNodeParameterOptions | undefined) =>
	JSON.stringify([name, fallback === undefined ? '(none)' : fallback, options ?? null]);

// In n8n 2.x each getNodeParameter looks up the node type, resolves the value and validates it
// against the node's schema: tens of microseconds even for a value without any expression, asked
// for every parameter of every item. A saved value without an expression resolves the same for
// every item of the run, so it is read once per run; an expression is still evaluated per item.
const readOnce = oncePerRun(
	(
		context: IExecuteFunctions,
		name: string,
		itemIndex: number,
		fallback: unknown,
		options: IGetNodeParameterOptions | undefined,
	) => context.getNodeParameter(name, itemIndex, fallback, options) as unknown,
	{ keyOf: (name, _itemIndex, fallback, options) => keyOf(name, fallback, options) },
);

/** Whether a saved value holds an expression anywhere (then its value may differ per item). */
export function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (typeof value === 'object' && value !== null)
		return Object.values(value).some(holdsExpression);
	return false;
}

/** The saved value at `path`, or the first non-object on the way there (an expression, say). */
function savedValue(parameters: unknown, path: string): unknown {
	let value = parameters;
	for (const key of path.split('.')) {
		if (typeof value !== 'object' || value === null) return value;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * `getNodeParameter(name, itemIndex, fallback, options)`, read once per run when neither the saved
 * value nor the fallback holds an expression; an expression is evaluated once per item, several
 * items at a time when it does not read the clock (see parameterAhead). Objects come back as copies, as n8n gives them (a
 * caller may change what it got); a value n8n refuses is refused again for each item.
 */
export function parameterOfRun(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options?: IGetNodeParameterOptions,
): unknown {
	const read = (index: number) =>
		context.getNodeParameter(name, index, fallback, options) as unknown;
	if (name.includes('[') || holdsExpression(fallback)) return read(itemIndex);
	const saved = savedValue(nodeOfRun(context).parameters, name);
	if (holdsExpression(saved))
		return timeless(saved)
			? parameterAhead(context, keyOf(name, fallback, options), read, itemIndex)
			: read(itemIndex);
	const value = readOnce(context, name, itemIndex, fallback, options);
	return typeof value === 'object' && value !== null ? deepCopy(value as object) : value;
}
