import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { INodeProperties, INodePropertyCollection, INodeTypeDescription } from 'n8n-workflow';
import { loadPackage } from './harness/engine';

/** Every property of a list, nested collections included, with the path of display names to it. */
function* walk(properties: INodeProperties[], path: string): Generator<[string, INodeProperties]> {
	for (const property of properties) {
		const here = path ? `${path} > ${property.displayName}` : property.displayName;
		yield [here, property];
		if (property.type === 'collection')
			yield* walk((property.options ?? []) as INodeProperties[], here);
		if (property.type === 'fixedCollection')
			for (const group of (property.options ?? []) as INodePropertyCollection[])
				yield* walk(group.values, `${here} > ${group.displayName}`);
	}
}

// The editor keeps a number inside minValue/maxValue; the readers refuse the rest at run time.
test('every number parameter of the action nodes says its range (minValue and maxValue)', async () => {
	const loader = await loadPackage();
	const unbounded: string[] = [];
	for (const name of Object.keys(loader.known.nodes)) {
		const description = loader.getNode(name).type.description as INodeTypeDescription;
		if (description.group.includes('trigger')) continue;
		for (const [path, property] of walk(description.properties, '')) {
			if (property.type !== 'number') continue;
			const { minValue, maxValue } = property.typeOptions ?? {};
			if (typeof minValue !== 'number' || typeof maxValue !== 'number')
				unbounded.push(`${name}: ${path}`);
		}
	}
	assert.deepEqual(unbounded, []);
});
