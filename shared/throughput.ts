import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ForEachItemOptions } from './items';
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

export function throughputOptions(defaults: ThroughputDefaults): INodeProperties[] {
	return [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: defaults.concurrency,
			description: 'How many items are sent at the same time (read from the first item)',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: defaults.perSecond,
			description: `At most this many requests start in any second, below ${defaults.providerLimit}; 0 means no cap (read from the first item)`,
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
	const concurrency = Number(
		context.getNodeParameter(`${collection}.concurrency`, 0, defaults.concurrency),
	);
	const perSecond = Number(
		context.getNodeParameter(`${collection}.maxPerSecond`, 0, defaults.perSecond),
	);
	const signal = stopSignalOf(context);
	capByRun.set(
		context,
		new StartRateCap(perSecond, async (ms) => await waitUnlessStopped(ms, signal)),
	);
	return {
		concurrency: Number.isFinite(concurrency) && concurrency >= 1 ? Math.floor(concurrency) : 1,
	};
}

/** Waits until the run's per-second cap lets one more request start (no-op without a cap). */
export async function awaitStartSlot(context: IExecuteFunctions): Promise<void> {
	await capByRun.get(context)?.take();
}
