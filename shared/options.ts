import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 30;

/** The option every HTTP operation has: how long a provider's "slow down" may be waited out. */
export function maxRateLimitWaitOption(provider: string, defaultSeconds = DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS): INodeProperties {
	return {
		displayName: 'Max Rate-Limit Wait (Seconds)',
		name: 'maxRateLimitWait',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: defaultSeconds,
		description: `When ${provider} says to slow down (429), wait up to this long and try again; a longer wait fails the item with the time to wait`,
	};
}

/** The Options collection of an operation (n8n's usual "Add Option" list). */
export function optionsCollection(show: IDisplayOptions['show'], options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options,
	};
}

/** n8n's usual Return All toggle and the Limit shown when it is off. */
export function returnAllOrLimitFields(show: IDisplayOptions['show'], defaultLimit = 50): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: defaultLimit,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}
