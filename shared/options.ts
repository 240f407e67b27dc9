import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { fieldError } from './errors';

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

/** The item's Max Rate-Limit Wait, checked: a number of seconds from 0 to MAX_RATE_LIMIT_WAIT_SECONDS. */
export function readMaxWait(context: IExecuteFunctions, itemIndex: number): number {
	const value = context.getNodeParameter(
		'options.maxRateLimitWait',
		itemIndex,
		DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
	) as unknown;
	const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (
		typeof seconds !== 'number' ||
		!Number.isFinite(seconds) ||
		seconds < 0 ||
		seconds > MAX_RATE_LIMIT_WAIT_SECONDS
	) {
		throw fieldError(
			context.getNode(),
			'Max Rate-Limit Wait (Seconds)',
			`is ${JSON.stringify(value)}, not a number of seconds from 0 to ${MAX_RATE_LIMIT_WAIT_SECONDS}`,
			`Enter 0 (never wait) up to ${MAX_RATE_LIMIT_WAIT_SECONDS}; the default is ${DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS}.`,
			itemIndex,
		);
	}
	return seconds;
}

const byDisplayName = (a: INodeProperties, b: INodeProperties) =>
	a.displayName.localeCompare(b.displayName);

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
			typeOptions: { minValue: 1 },
			default: defaultLimit,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** returnAllOrLimit shown for `show`. */
export function returnAllOrLimitFields(
	show: IDisplayOptions['show'],
	defaultLimit = 50,
): INodeProperties[] {
	return updateDisplayOptions({ show }, returnAllOrLimit(defaultLimit));
}
