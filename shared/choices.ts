import type {
	IExecuteFunctions,
	INodeParameters,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { fieldError } from './errors';
import { shownValue } from './ids';
import { nodeOfRun } from './nodeOfRun';
import { holdsExpression } from './parameterOfRun';

/*
 * The editor only offers an options parameter's values, but an expression (or an imported
 * workflow) can give anything, and code reading `=== 'direct'` then takes any other value for the
 * default. So each item's options and multiOptions values are checked against the node's own
 * description before the operation runs, where n8n would show them (displayOptions), inside
 * collections too.
 */

type Choice = INodePropertyOptions;

/** The fixed values of an options or multiOptions property; undefined for other types and loaded lists. */
function fixedChoices(property: INodeProperties): Choice[] | undefined {
	if (property.type !== 'options' && property.type !== 'multiOptions') return undefined;
	if (property.typeOptions?.loadOptionsMethod || property.typeOptions?.loadOptions)
		return undefined;
	return (property.options ?? []).filter((option): option is Choice => 'value' in option);
}

const listed = (choices: Choice[]) =>
	choices.map((choice) => `${choice.name} (${JSON.stringify(choice.value)})`).join(', ');

function checkValue(
	context: IExecuteFunctions,
	itemIndex: number,
	label: string,
	property: INodeProperties,
	choices: Choice[],
	value: unknown,
): void {
	const allowed = (entry: unknown) => choices.some((choice) => choice.value === entry);
	if (property.type === 'options') {
		if (allowed(value)) return;
		throw fieldError(
			context.getNode(),
			label,
			`is "${shownValue(value ?? '')}", which is not one of its values`,
			`Use one of: ${listed(choices)}.`,
			itemIndex,
		);
	}
	const bad = Array.isArray(value) ? value.filter((entry) => !allowed(entry)) : [value];
	if (bad.length === 0) return;
	throw fieldError(
		context.getNode(),
		label,
		Array.isArray(value)
			? `has ${bad.map((entry) => `"${shownValue(entry ?? '')}"`).join(', ')}, not among its values`
			: `is "${shownValue(value ?? '')}", not a list of its values`,
		`Give a list (an expression like {{ ["${String(choices[0]?.value ?? '')}"] }}) of: ${listed(choices)}.`,
		itemIndex,
	);
}

const pruned = new WeakMap<INodeProperties[], INodeProperties[]>();

/** The properties that are, or hold, fixed choices (made once per list: most properties are neither). */
function withChoices(properties: INodeProperties[]): INodeProperties[] {
	let kept = pruned.get(properties);
	if (kept) return kept;
	kept = properties.filter((property) => {
		if (fixedChoices(property)) return true;
		if (property.type === 'collection')
			return withChoices((property.options ?? []) as INodeProperties[]).length > 0;
		if (property.type === 'fixedCollection')
			return ((property.options ?? []) as INodePropertyCollection[]).some(
				(group) => withChoices(group.values).length > 0,
			);
		return false;
	});
	pruned.set(properties, kept);
	return kept;
}

interface Level {
	/** The parameter path of this level's values, '' at the top. */
	path: string;
	/** The field names leading here, for messages. */
	label: string;
	/** This level's values as saved (expressions unresolved), with resolved choices written in. */
	values: INodeParameters;
}

/** What one check saw: whether any value it judged came from an expression. */
interface Trace {
	readsExpression: boolean;
}

function checkLevel(
	context: IExecuteFunctions,
	description: INodeTypeDescription,
	itemIndex: number,
	properties: INodeProperties[],
	level: Level,
	root: INodeParameters,
	trace: Trace,
): void {
	const node = nodeOfRun(context);
	for (const property of withChoices(properties)) {
		const saved: unknown = level.values[property.name];
		if (saved === undefined) continue;
		// Resolved choices of this level are written into `values` as they are read, so a property
		// shown by an expression's value (Message Type = {{ "direct" }}) is judged on that value.
		if (!NodeHelpers.displayParameter(level.values, property, node, description, root)) continue;
		const path = level.path ? `${level.path}.${property.name}` : property.name;
		const label = level.label ? `${level.label} > ${property.displayName}` : property.displayName;
		const choices = fixedChoices(property);
		if (choices) {
			if (holdsExpression(saved)) trace.readsExpression = true;
			const value = context.getNodeParameter(path, itemIndex) as unknown;
			checkValue(context, itemIndex, label, property, choices, value);
			level.values[property.name] = value as INodeParameters[string];
		} else if (property.type === 'collection' && isObject(saved)) {
			const nested = (property.options ?? []) as INodeProperties[];
			checkLevel(
				context,
				description,
				itemIndex,
				nested,
				{ path, label, values: { ...saved } },
				root,
				trace,
			);
		} else if (property.type === 'fixedCollection' && isObject(saved)) {
			for (const group of (property.options ?? []) as INodePropertyCollection[]) {
				const entries = saved[group.name];
				const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
				for (const [index, entry] of list.entries()) {
					if (!isObject(entry)) continue;
					const many = Array.isArray(entries);
					checkLevel(
						context,
						description,
						itemIndex,
						group.values,
						{
							path: `${path}.${group.name}${many ? `[${index}]` : ''}`,
							label: `${label} > ${group.displayName}${many ? ` ${index + 1}` : ''}`,
							values: { ...entry },
						},
						root,
						trace,
					);
				}
			}
		}
	}
}

function isObject(value: unknown): value is INodeParameters {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Runs whose check passed without reading an expression: every other item gives the same values,
// so the same verdict. (A failed check is made again for each item, so each error names its item.)
const passedForEveryItem = new WeakSet<object>();

/**
 * Refuses the item when an options or multiOptions parameter that n8n would show for it holds a
 * value its description does not list (from an expression or an edited workflow), naming the
 * field and its values. Runs before the operation, so nothing is sent for such an item.
 */
export function checkChoices(
	context: IExecuteFunctions,
	description: INodeTypeDescription,
	itemIndex: number,
): void {
	if (passedForEveryItem.has(context)) return;
	const values = { ...nodeOfRun(context).parameters };
	const trace: Trace = { readsExpression: false };
	checkLevel(
		context,
		description,
		itemIndex,
		description.properties,
		{ path: '', label: '', values },
		values,
		trace,
	);
	if (!trace.readsExpression) passedForEveryItem.add(context);
}
