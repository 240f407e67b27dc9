import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { loadPackage } from './harness/engine';

/**
 * Saved workflows hold parameter names, option values and the shape of collections: a rename
 * breaks them silently. This test keeps every node's parameters (name, type, default, option
 * values, resource-locator modes, displayOptions, nested options) in a JSON snapshot.
 */
const SNAPSHOT = resolve(__dirname, 'descriptions.snapshot.json');

type Shape = Record<string, unknown>;

/** Object keys sorted at every depth, so that the order updateDisplayOptions merges in does not matter. */
function sortedKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortedKeys);
	if (typeof value !== 'object' || value === null) return value;
	const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
		a.localeCompare(b),
	);
	return Object.fromEntries(entries.map(([key, entry]) => [key, sortedKeys(entry)]));
}

function isProperty(option: unknown): option is INodeProperties {
	return typeof option === 'object' && option !== null && 'type' in option && 'name' in option;
}

function shapeOf(property: INodeProperties): Shape {
	const shape: Shape = {
		name: property.name,
		type: property.type,
		default: property.default ?? null,
	};
	if (property.required) shape.required = true;
	if (property.displayOptions) shape.displayOptions = sortedKeys(property.displayOptions);
	if (property.modes) shape.modes = property.modes.map((mode) => mode.name);
	const options = property.options ?? [];
	if (property.type === 'options' || property.type === 'multiOptions') {
		shape.options = (options as INodePropertyOptions[]).map((option) => option.value);
	} else if (property.type === 'collection') {
		shape.options = (options as INodeProperties[]).filter(isProperty).map(shapeOf);
	} else if (property.type === 'fixedCollection') {
		shape.options = (options as INodePropertyCollection[]).map((group) => ({
			name: group.name,
			values: group.values.map(shapeOf),
		}));
	}
	return shape;
}

async function currentShapes(): Promise<Record<string, Shape[]>> {
	const loader = await loadPackage();
	const result: Record<string, Shape[]> = {};
	for (const name of Object.keys(loader.known.nodes).sort()) {
		const description = loader.getNode(name).type.description as INodeTypeDescription;
		result[`${name} v${JSON.stringify(description.version)}`] = description.properties.map(shapeOf);
	}
	return result;
}

/** The lines that differ, one JSON line per property, so a failure names what changed. */
function differences(expected: Record<string, Shape[]>, actual: Record<string, Shape[]>): string[] {
	const lines: string[] = [];
	for (const node of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
		const before = (expected[node] ?? []).map((shape) => JSON.stringify(shape));
		const after = (actual[node] ?? []).map((shape) => JSON.stringify(shape));
		if (!(node in actual)) lines.push(`${node}: node missing`);
		if (!(node in expected)) lines.push(`${node}: node not in the snapshot`);
		const removed = before.filter((line) => !after.includes(line));
		const added = after.filter((line) => !before.includes(line));
		for (const line of removed) lines.push(`${node} - ${line}`);
		for (const line of added) lines.push(`${node} + ${line}`);
		if (removed.length === 0 && added.length === 0 && before.join('\n') !== after.join('\n'))
			lines.push(`${node}: the properties' order changed`);
	}
	return lines;
}

test('every node description matches the stored snapshot of its parameters', async () => {
	const actual = await currentShapes();
	assert.equal(
		Object.keys(actual).length,
		6,
		`expected six nodes, found ${Object.keys(actual).join(', ')}`,
	);
	if (process.env.UPDATE_SNAPSHOTS === '1') {
		writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, '\t')}\n`);
		return;
	}
	const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, Shape[]>;
	const changed = differences(expected, actual);
	if (changed.length > 0) {
		assert.fail(
			`Node descriptions differ from ${SNAPSHOT} (saved workflows depend on parameter names and values):\n` +
				`${changed.slice(0, 40).join('\n')}${changed.length > 40 ? `\n... and ${changed.length - 40} more` : ''}\n` +
				'Update the snapshot with UPDATE_SNAPSHOTS=1 if the change is intended.',
		);
	}
});

test('every action node runs through execute(), the only entry n8n uses for a node used as an AI tool', async () => {
	const loader = await loadPackage();
	for (const name of Object.keys(loader.known.nodes)) {
		const type = loader.getNode(name).type as {
			execute?: unknown;
			trigger?: unknown;
			webhook?: unknown;
			description: INodeTypeDescription;
		};
		if (type.webhook || type.trigger) continue;
		assert.equal(typeof type.execute, 'function', `${name} has no execute()`);
		assert.equal(type.description.usableAsTool, true, `${name} is not usable as a tool`);
		assert.equal(
			'customOperations' in type,
			false,
			`${name} has customOperations, which a tool run would skip`,
		);
	}
});
