import type { INode } from 'n8n-workflow';
import { oncePerRun } from './oncePerRun';

// n8n's getNode() returns a deep copy of the node, parameters included, on every call: asked for
// every item and request it cost more than our own work. The node does not change while a node runs.

/** The node of this run (one copy per context, made on first use); read it, do not change it. */
export const nodeOfRun: (context: { getNode(): INode }) => INode = oncePerRun((context) =>
	context.getNode(),
);
