import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { checkChoices } from './choices';
import { isNodeError } from './errors';
import { nodeOfRun } from './nodeOfRun';
import { runBounded } from './pool';
import { stopSignalOf } from './stop';

export type ItemOutput = IDataObject | IDataObject[];

export interface ForEachItemOptions {
	/** How many items run at once; 1 keeps strict item order for side effects. */
	concurrency?: number;
	/** The node's description: each item's options values are checked against it first (checkChoices). */
	description?: INodeTypeDescription;
}

function asNodeError(node: INode, error: unknown, itemIndex: number) {
	if (isNodeError(error)) {
		error.context = { ...(error.context ?? {}), itemIndex: error.context?.itemIndex ?? itemIndex };
		return error;
	}
	const cause = error instanceof Error ? error : new Error(String(error));
	return new NodeOperationError(node, cause, { itemIndex });
}

/**
 * The one per-item loop of the programmatic operations: output items keep input order and carry
 * `pairedItem`; with Continue On Fail a failing item becomes `{ error }`; without it, no new item
 * starts after the first failure and the earliest failing item's error is thrown.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	handle: (itemIndex: number) => Promise<ItemOutput>,
	options: ForEachItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const count = context.getInputData().length;
	const continueOnFail = context.continueOnFail();
	const outcomes: Array<ItemOutcome | undefined> = new Array(count);
	let failed = false;
	const stop = stopSignalOf(context);

	const notStarted = await runBounded(
		count,
		options.concurrency ?? 1,
		async (itemIndex) => {
			try {
				if (options.description) checkChoices(context, options.description, itemIndex);
				outcomes[itemIndex] = { ok: true, json: await handle(itemIndex) };
			} catch (thrown) {
				outcomes[itemIndex] = { ok: false, error: thrown as Error };
				failed = true;
			}
		},
		() => (failed && !continueOnFail) || stop?.aborted === true,
	);
	// Throws the earliest failure without Continue On Fail.
	const output = outputOfOutcomes(context, outcomes);
	if (notStarted.length > 0 && stop?.aborted) {
		// Stop pressed: the items not started were not sent, and no output may say otherwise.
		throw new NodeOperationError(
			context.getNode(),
			`The execution was stopped before item ${notStarted[0]} (of ${count}) was sent`,
			{
				description: `Items ${notStarted.join(', ')} were not sent. Items before them ran as the execution log shows.`,
				itemIndex: notStarted[0],
			},
		);
	}
	return output;
}

/** What happened to one item, for operations that work on all items at once (batches). */
export type ItemOutcome = { ok: true; json: ItemOutput } | { ok: false; error: Error };

/**
 * Turns per-item outcomes into the node's output (forEachItem's, and batches'): items in input order
 * with pairedItem; failures become `{ error }` items with Continue On Fail, else the earliest
 * failure is thrown. Items without an outcome give no output.
 */
export function outputOfOutcomes(
	context: IExecuteFunctions,
	outcomes: Array<ItemOutcome | undefined>,
): INodeExecutionData[][] {
	const node = nodeOfRun(context);
	const continueOnFail = context.continueOnFail();
	const items: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of outcomes.entries()) {
		if (!outcome) continue;
		const pairedItem = { item: itemIndex };
		if (outcome.ok) {
			for (const json of Array.isArray(outcome.json) ? outcome.json : [outcome.json])
				items.push({ json, pairedItem });
			continue;
		}
		const error = asNodeError(node, outcome.error, itemIndex);
		if (!continueOnFail) throw error;
		const json: IDataObject = { error: error.message };
		if (error.description) json.errorDescription = error.description;
		items.push({ json, pairedItem });
	}
	return [items];
}

type NodeClass = new () => INodeType;
const descriptions = new WeakMap<NodeClass, INodeTypeDescription>();

/**
 * A node class's description, made once: execute() runs with n8n's context as `this`, not the
 * node, and the description stays written in the class, where n8n's lint rules read it.
 */
export function descriptionOf(nodeClass: NodeClass): INodeTypeDescription {
	let description = descriptions.get(nodeClass);
	if (!description) {
		description = new nodeClass().description;
		descriptions.set(nodeClass, description);
	}
	return description;
}

export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<ItemOutput>;

/**
 * A programmatic node's `execute()`: picks the per-item function for the node's resource and
 * operation and runs it through forEachItem, the node's single place for pairedItem, Continue On
 * Fail, Stop and the check of each item's options values against the node's description. (`execute`, not
 * `customOperations`: n8n runs a node used as an AI tool through `execute` only.)
 */
export async function executeOperation(
	context: IExecuteFunctions,
	nodeClass: NodeClass,
	operations: Record<string, Record<string, ItemOperation>>,
	options: (context: IExecuteFunctions) => ForEachItemOptions = () => ({}),
): Promise<INodeExecutionData[][]> {
	const resource = String(context.getNodeParameter('resource', 0));
	const operation = String(context.getNodeParameter('operation', 0));
	const perItem = operations[resource]?.[operation];
	if (!perItem) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" of resource "${resource}" is not known`,
			{
				description:
					'Open the node and pick the resource and operation again (the workflow may come from a newer version of this node).',
			},
		);
	}
	return await forEachItem(context, async (itemIndex) => await perItem.call(context, itemIndex), {
		...options(context),
		description: descriptionOf(nodeClass),
	});
}
