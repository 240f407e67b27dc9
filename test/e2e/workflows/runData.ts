/** Reading what `n8n execute --rawOutput` prints: every run of a node, and the input item each output item pairs with. */

type PairedItem = number | { item: number; input?: number };
export type RunItem = { json: Record<string, unknown>; pairedItem?: PairedItem | PairedItem[] };
type Source = { previousNode: string; previousNodeOutput?: number; previousNodeRun?: number };
type TaskData = {
	data?: { main: Array<RunItem[] | null> };
	source?: Array<Source | null>;
	error?: { message: string };
};

// A type alias (not an interface), so Record<string, unknown> converts to it.
export type ExecutionResult = {
	data: { resultData: { error?: { message: string }; runData: Record<string, TaskData[]> } };
};

export interface PairedOutput {
	run: number;
	output: Record<string, unknown>;
	/** The input item n8n's pairedItem points at (undefined when the item has none). */
	input: Record<string, unknown> | undefined;
}

function pairedIndexes(item: RunItem): Array<{ item: number; input: number }> {
	const paired =
		item.pairedItem === undefined
			? []
			: Array.isArray(item.pairedItem)
				? item.pairedItem
				: [item.pairedItem];
	return paired.map((entry) =>
		typeof entry === 'number'
			? { item: entry, input: 0 }
			: { item: entry.item, input: entry.input ?? 0 },
	);
}

/** Every output item (main output 0) of every run of `node`, each with its paired input item. */
export function pairedOutputs(result: ExecutionResult, node: string): PairedOutput[] {
	const runData = result.data.resultData.runData;
	const runs = runData[node] ?? [];
	return runs.flatMap((task, run) =>
		(task.data?.main[0] ?? []).map((item) => {
			const [paired] = pairedIndexes(item);
			const source = paired ? task.source?.[paired.input] : undefined;
			const input = source
				? runData[source.previousNode]?.[source.previousNodeRun ?? 0]?.data?.main[
						source.previousNodeOutput ?? 0
					]?.[paired.item]?.json
				: undefined;
			return { run, output: item.json, input };
		}),
	);
}

/** How many times `node` ran in this execution. */
export function runCount(result: ExecutionResult, node: string): number {
	return result.data.resultData.runData[node]?.length ?? 0;
}
