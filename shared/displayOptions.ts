import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { isPlainObject } from './plainObject';

// n8n-workflow's updateDisplayOptions with the same result, without lodash's generic deep merge:
// every operation file calls it once when the pack loads, and lodash's merge (compiled on that
// first use) was about 15% of loading the whole pack. test/descriptions.test.ts holds the result.

type Plain = Record<string, unknown>;

/** lodash's `merge` for plain objects and arrays (merged index by index); `target` is ours to change. */
function mergeInto(target: unknown, source: unknown): unknown {
	if (source === undefined) return target;
	if (Array.isArray(source)) {
		const merged: unknown[] = Array.isArray(target) ? target : [];
		source.forEach((value: unknown, index) => (merged[index] = mergeInto(merged[index], value)));
		return merged;
	}
	if (!isPlainObject(source)) return source;
	const merged: Plain = isPlainObject(target) ? target : {};
	for (const [key, value] of Object.entries(source)) {
		const next = mergeInto(merged[key], value);
		if (next !== undefined || !(key in merged)) merged[key] = next;
	}
	return merged;
}

/** Shows `properties` only where `displayOptions` says, on top of their own display options. */
export function updateDisplayOptions(
	displayOptions: IDisplayOptions,
	properties: INodeProperties[],
): Array<INodeProperties & { displayOptions: IDisplayOptions }> {
	return properties.map((property) => ({
		...property,
		displayOptions: mergeInto(
			mergeInto({}, property.displayOptions),
			displayOptions,
		) as IDisplayOptions,
	}));
}
