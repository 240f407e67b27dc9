// Nodes of n8n's own that the CLI tests and benches build their workflows from (workflow JSON as
// `n8n import:workflow` reads it).

/** The Manual Trigger `n8n execute` starts, named Start. */
export function manualTriggerNode(position: [number, number] = [0, 0]) {
	return {
		id: 'start',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position,
		parameters: {},
	};
}

/** A Code node running `jsCode` (which returns the items, `{ json }` each). */
export function codeNode(name: string, position: [number, number], jsCode: string) {
	return {
		id: name.toLowerCase(),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position,
		parameters: { jsCode },
	};
}
