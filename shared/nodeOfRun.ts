import type { INode } from 'n8n-workflow';

// n8n's getNode() returns a deep copy of the node, parameters included, on every call: asked for
// every item and request it cost more than our own work. The node does not change while a node
// runs, and `this` of execute() (or of one list or webhook call) is one object for the whole run.
const nodeByContext = new WeakMap<object, INode>();

/** The node of this run (one copy per context, made on first use); read it, do not change it. */
export function nodeOfRun(context: { getNode(): INode }): INode {
	let node = nodeByContext.get(context);
	if (!node) nodeByContext.set(context, (node = context.getNode()));
	return node;
}
