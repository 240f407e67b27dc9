import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from './displayOptions';
import { fieldError } from './errors';
import { parameterOfRun } from './parameterOfRun';

export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 30;
/** The longest wait the option allows: beyond it a run would look hung (Stop still ends it). */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 600;

/** The option every operation has: how long a provider's "slow down" may be waited out. */
export function maxRateLimitWaitOption(
	provider: string,
	signal = '429',
	defaultSeconds = DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
): INodeProperties {
	return {
		displayName: 'Max Rate-Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_RATE_LIMIT_WAIT_SECONDS },
		default: defaultSeconds,
		description: `When ${provider} says to slow down (${signal}), wait up to this long (at most ${MAX_RATE_LIMIT_WAIT_SECONDS}) and try again; a longer wait fails the item with the time to wait`,
	};
}

/** A number parameter's meaningful range; `whole` for counts. */
export interface NumberBounds {
	/** The field's display name, for the error. */
	field: string;
	min: number;
	max: number;
	whole?: boolean;
	/** What the number means, e.g. "a number of seconds", for the error. */
	what?: string;
	/** Extra advice after the range, e.g. "0 means no cap". */
	hint?: string;
}

/**
 * A number parameter's value for one item, refused outside its bounds: the editor keeps
 * minValue/maxValue, but an expression (or an edited workflow) can give anything.
 */
export function readBoundedNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	{ field, min, max, whole = false, what, hint }: NumberBounds,
): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (
		typeof number !== 'number' ||
		!Number.isFinite(number) ||
		number < min ||
		number > max ||
		(whole && !Number.isInteger(number))
	) {
		const kind = what ?? (whole ? 'a whole number' : 'a number');
		throw fieldError(
			context.getNode(),
			field,
			`is ${JSON.stringify(value) ?? String(value)}, not ${kind} from ${min} to ${max}`,
			`Enter ${kind} from ${min} to ${max}${hint ? `; ${hint}` : ''}.`,
			itemIndex,
		);
	}
	return number;
}

/** The item's Max Rate-Limit Wait, checked: a number of seconds from 0 to MAX_RATE_LIMIT_WAIT_SECONDS. */
export function readMaxWait(context: IExecuteFunctions, itemIndex: number): number {
	return readBoundedNumber(
		context,
		itemIndex,
		parameterOfRun(
			context,
			'options.maxRateLimitWait',
			itemIndex,
			DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
		),
		{
			field: 'Max Rate-Limit Wait (Seconds)',
			min: 0,
			max: MAX_RATE_LIMIT_WAIT_SECONDS,
			what: 'a number of seconds',
			hint: `0 never waits; the default is ${DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS}`,
		},
	);
}

// Not localeCompare: its first call sets up ICU's collator (~10 ms of every n8n start). Names
// here are plain English, for which case-blind code-unit order gives the same order.
const sortKey = (property: INodeProperties) => property.displayName.toLowerCase();
/** Sorts properties by display name. */
export const byDisplayName = (a: INodeProperties, b: INodeProperties) =>
	sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0;

/** An operation's Options collection (n8n's usual "Add Option" list), its options sorted by name. */
export function optionsProperty(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort(byDisplayName),
	};
}

/** optionsProperty shown for `show` (for nodes whose properties are not yet scoped with updateDisplayOptions). */
export function optionsCollection(
	show: IDisplayOptions['show'],
	options: INodeProperties[],
): INodeProperties {
	return { ...optionsProperty(options), displayOptions: { show } };
}

/** n8n's usual Return All toggle and the Limit shown when it is off. */
export function returnAllOrLimit(defaultLimit = 50): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: Number.MAX_SAFE_INTEGER, numberPrecision: 0 },
			default: defaultLimit,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** Return All and Limit for one item: how many results to keep (Infinity for all). */
export function readLimit(
	context: IExecuteFunctions,
	itemIndex: number,
	defaultLimit = 50,
): number {
	if (context.getNodeParameter('returnAll', itemIndex, false) === true) return Infinity;
	return readBoundedNumber(
		context,
		itemIndex,
		context.getNodeParameter('limit', itemIndex, defaultLimit),
		{
			field: 'Limit',
			min: 1,
			max: Number.MAX_SAFE_INTEGER,
			whole: true,
			hint: 'or turn on Return All',
		},
	);
}

/** returnAllOrLimit shown for `show`. */
export function returnAllOrLimitFields(
	show: IDisplayOptions['show'],
	defaultLimit = 50,
): INodeProperties[] {
	return updateDisplayOptions({ show }, returnAllOrLimit(defaultLimit));
}
