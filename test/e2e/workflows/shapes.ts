/**
 * Workflows in which one send node runs several times in one execution, built from n8n's own
 * nodes: Loop Over Items (batch sizes 1 and 2), an IF whose two branches feed the send node, a
 * Merge (append) plus a second path into the same node, and a sub-workflow called once per item.
 * Every item carries its own text, so a send that answers with another item's message shows.
 */

export type WorkflowNode = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
};

/** A node before the builder gives it an id. */
export type NewNode = Omit<WorkflowNode, 'id'>;

export type Workflow = {
	id: string;
	name: string;
	active: false;
	settings: Record<string, unknown>;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	>;
};

/** One send operation under test: its node reads the message text from `$json.content`. */
export interface SendStep {
	/** Short and unique per provider, used in node names, workflow ids and message texts. */
	label: string;
	node(name: string, position: [number, number]): NewNode;
}

/** One shape of one send step, and what it must produce. */
export interface ShapeCase {
	step: string;
	shape: string;
	/** Every message text of this case starts with it (and no other case's does). */
	prefix: string;
	/** The node whose output items (all runs) describe the messages: the send node, or Execute Workflow. */
	outputNode: string;
	/** One message per input item, each its own text. */
	expected: string[];
	/** How often `outputNode` runs in one execution: more than once is what the shape is for. */
	runs: number;
}

export interface ShapeWorkflows {
	main: Workflow;
	/** Called by the main workflow: import it with it, and publish it (n8n runs a sub-workflow's published version). */
	subWorkflow: Workflow;
	cases: ShapeCase[];
}

const WORDS = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove'];
const SETTINGS = { executionOrder: 'v1', timezone: 'Europe/Berlin' };

class Builder {
	readonly nodes: WorkflowNode[] = [];
	readonly connections: Workflow['connections'] = {};

	add(node: NewNode): string {
		this.nodes.push({ id: `n${this.nodes.length}`, ...node });
		return node.name;
	}

	connect(from: string, to: string, { output = 0, input = 0 } = {}): void {
		const outputs = (this.connections[from] ??= { main: [] }).main;
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type: 'main', index: input });
	}
}

/** A Code node that outputs the given items (one per entry). */
function itemsNode(
	name: string,
	position: [number, number],
	items: Array<Record<string, unknown>>,
): NewNode {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position,
		parameters: { jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` },
	};
}

function texts(prefix: string, count: number, first = 1): string[] {
	return Array.from(
		{ length: count },
		(_, index) => `${prefix} #${first + index} ${WORDS[(first + index - 1) % WORDS.length]}`,
	);
}

/** A sub-workflow that sends the one item it is called with, by the send node of step number `$json.route`. */
function sendOneItemWorkflow(provider: string, id: string, steps: SendStep[]): Workflow {
	const sub = new Builder();
	const trigger = sub.add({
		name: 'When Called',
		type: 'n8n-nodes-base.executeWorkflowTrigger',
		typeVersion: 1.1,
		position: [0, 0],
		parameters: { inputSource: 'passthrough' },
	});
	const route = sub.add({
		name: 'Route by Step',
		type: 'n8n-nodes-base.switch',
		typeVersion: 3.2,
		position: [220, 0],
		parameters: { mode: 'expression', numberOutputs: steps.length, output: '={{ $json.route }}' },
	});
	sub.connect(trigger, route);
	for (const [index, step] of steps.entries())
		sub.connect(route, sub.add(step.node(`${step.label}: send`, [440, 200 * index])), {
			output: index,
		});
	return {
		id,
		name: `${provider}: send one item`,
		active: false,
		settings: SETTINGS,
		nodes: sub.nodes,
		connections: sub.connections,
	};
}

/**
 * One main workflow per provider holding every shape of every step as its own branch off the
 * Manual Trigger, and the sub-workflow its "sub-workflow per item" shapes call.
 */
export function shapeWorkflows(
	provider: string,
	idPrefix: string,
	steps: SendStep[],
): ShapeWorkflows {
	const flow = new Builder();
	const start = flow.add({
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	});
	const cases: ShapeCase[] = [];
	let row = 0;
	const at = (column: number, lane = 0): [number, number] => [220 * column, 300 * row + 100 * lane];

	const subWorkflow = sendOneItemWorkflow(provider, `${idPrefix}Sub`, steps);
	for (const [stepIndex, step] of steps.entries()) {
		const begin = (shape: string) => {
			row++;
			const prefix = `${provider} ${step.label} ${shape}`;
			return { prefix, name: (part: string) => `${step.label} ${shape}: ${part}` };
		};

		for (const batchSize of [1, 2]) {
			const shape = `loop of ${batchSize}`;
			const { prefix, name } = begin(shape);
			const expected = texts(prefix, batchSize === 1 ? 3 : 5);
			const items = flow.add(
				itemsNode(
					name('items'),
					at(1),
					expected.map((content) => ({ content })),
				),
			);
			const loop = flow.add({
				name: name('loop'),
				type: 'n8n-nodes-base.splitInBatches',
				typeVersion: 3,
				position: at(2),
				parameters: { batchSize, options: {} },
			});
			const send = flow.add(step.node(name('send'), at(3)));
			flow.connect(start, items);
			flow.connect(items, loop);
			// Output 0 is "done", output 1 "loop": the body runs once per batch and returns to the loop.
			flow.connect(loop, send, { output: 1 });
			flow.connect(send, loop);
			cases.push({
				step: step.label,
				shape,
				prefix,
				outputNode: send,
				expected,
				runs: Math.ceil(expected.length / batchSize),
			});
		}

		{
			const shape = 'if branches';
			const { prefix, name } = begin(shape);
			const expected = texts(prefix, 4);
			const items = flow.add(
				itemsNode(
					name('items'),
					at(1),
					expected.map((content, index) => ({ content, first: index % 2 === 0 })),
				),
			);
			const branch = flow.add({
				name: name('if'),
				type: 'n8n-nodes-base.if',
				typeVersion: 2,
				position: at(2),
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' },
						conditions: [
							{
								id: 'first',
								leftValue: '={{ $json.first }}',
								rightValue: '',
								operator: { type: 'boolean', operation: 'true', singleValue: true },
							},
						],
						combinator: 'and',
					},
					options: {},
				},
			});
			const send = flow.add(step.node(name('send'), at(3)));
			flow.connect(start, items);
			flow.connect(items, branch);
			flow.connect(branch, send, { output: 0 });
			flow.connect(branch, send, { output: 1 });
			cases.push({ step: step.label, shape, prefix, outputNode: send, expected, runs: 2 });
		}

		{
			const shape = 'merge and a second path';
			const { prefix, name } = begin(shape);
			const expected = texts(prefix, 6);
			const left = flow.add(
				itemsNode(
					name('items A'),
					at(1),
					expected.slice(0, 2).map((content) => ({ content })),
				),
			);
			const right = flow.add(
				itemsNode(
					name('items B'),
					at(1, 1),
					expected.slice(2, 4).map((content) => ({ content })),
				),
			);
			const direct = flow.add(
				itemsNode(
					name('items C'),
					at(1, 2),
					expected.slice(4).map((content) => ({ content })),
				),
			);
			const merge = flow.add({
				name: name('merge'),
				type: 'n8n-nodes-base.merge',
				typeVersion: 3,
				position: at(2),
				parameters: {},
			});
			const send = flow.add(step.node(name('send'), at(3)));
			for (const source of [left, right, direct]) flow.connect(start, source);
			flow.connect(left, merge, { input: 0 });
			flow.connect(right, merge, { input: 1 });
			flow.connect(merge, send);
			// The second path: the same send node runs again with other items.
			flow.connect(direct, send);
			cases.push({ step: step.label, shape, prefix, outputNode: send, expected, runs: 2 });
		}

		{
			const shape = 'sub-workflow per item';
			const { prefix, name } = begin(shape);
			const expected = texts(prefix, 3);
			// The sub-workflow sends each item with the send node of its step (the Switch routes by index).
			const items = flow.add(
				itemsNode(
					name('items'),
					at(1),
					expected.map((content) => ({ content, route: stepIndex })),
				),
			);
			const call = flow.add({
				name: name('call'),
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1.2,
				position: at(2),
				parameters: {
					source: 'database',
					workflowId: { __rl: true, mode: 'id', value: subWorkflow.id },
					mode: 'each',
					options: { waitForSubWorkflow: true },
				},
			});
			flow.connect(start, items);
			flow.connect(items, call);
			// One run of Execute Workflow, one sub-execution (with its own execution id) per item.
			cases.push({ step: step.label, shape, prefix, outputNode: call, expected, runs: 1 });
		}
	}

	const main: Workflow = {
		id: `${idPrefix}Shapes`,
		name: `${provider}: one send node run many times in one execution`,
		active: false,
		settings: SETTINGS,
		nodes: flow.nodes,
		connections: flow.connections,
	};
	return { main, subWorkflow, cases };
}
