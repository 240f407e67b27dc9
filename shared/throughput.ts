import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ForEachItemOptions } from './items';
import { readBoundedNumber } from './options';
import { StartRateCap } from './pool';
import { stopSignalOf, waitUnlessStopped } from './stop';

/** How many sends run at once and how many may start per second, for one provider. */
export interface ThroughputDefaults {
	concurrency: number;
	perSecond: number;
	/** The provider's own limit, named in the option's description, e.g. "Telnyx's default 50 messages/s". */
	providerLimit: string;
	/** The collection holding the options (default `options`). */
	collection?: string;
}

/** Items sent at once: more would only queue at the provider. */
const MAX_CONCURRENCY = 100;
/** The highest per-second cap: above it a cap is no cap (0 says that plainly). */
const MAX_PER_SECOND = 1000;

export function throughputOptions(defaults: ThroughputDefaults): INodeProperties[] {
	return [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
			default: defaults.concurrency,
			description: 'How many items are sent at the same time (read from the first item)',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: MAX_PER_SECOND, numberPrecision: 2 },
			default: defaults.perSecond,
			description: `At most this many requests start in any second (up to ${MAX_PER_SECOND}), below ${defaults.providerLimit}; 0 means no cap (read from the first item)`,
		},
	];
}

// One cap per node run: `this` of execute() is the same object for all its items.
const capByRun = new WeakMap<IExecuteFunctions, StartRateCap>();

/** For executeOperation: the run's concurrency, after setting up its per-second cap. */
export function throughputOfRun(
	context: IExecuteFunctions,
	defaults: ThroughputDefaults,
): ForEachItemOptions {
	const collection = defaults.collection ?? 'options';
	// Both are the run's settings, read from the first item and refused there when out of range.
	const concurrency = readBoundedNumber(
		context,
		0,
		context.getNodeParameter(`${collection}.concurrency`, 0, defaults.concurrency),
		{ field: 'Concurrency', min: 1, max: MAX_CONCURRENCY, whole: true },
	);
	const perSecond = readBoundedNumber(
		context,
		0,
		context.getNodeParameter(`${collection}.maxPerSecond`, 0, defaults.perSecond),
		{ field: 'Max Requests per Second', min: 0, max: MAX_PER_SECOND, hint: '0 means no cap' },
	);
	const signal = stopSignalOf(context);
	capByRun.set(
		context,
		new StartRateCap(perSecond, async (ms) => await waitUnlessStopped(ms, signal)),
	);
	return { concurrency };
}

/** Waits until the run's per-second cap lets one more request start (no-op without a cap). */
export async function awaitStartSlot(context: IExecuteFunctions): Promise<void> {
	await capByRun.get(context)?.take();
}
