/**
 * Compares a fake's own model of an API (requestModel.ts) with the provider's published OpenAPI
 * operation: method, path, authentication, path and query parameters, body media type, fields,
 * which are required, their types, formats and enums, and which form fields carry JSON. Used by
 * the spec-specific tests, so the model the fakes run on without the spec cannot drift from it.
 */
import type { Operation } from 'openapi-backend';
import { FORM, type Field, type ModelOperation, type Schema } from './requestModel';

type Json = Record<string, unknown>;

/** Differences between `model` and `spec`, in words; empty when they agree. */
export function differences(
	model: ModelOperation,
	spec: Operation | undefined,
	specRequiresAuth: boolean,
): string[] {
	const label = `${model.method} ${model.path} (${model.id})`;
	if (!spec) return [`${label}: the spec has no operation ${model.id}`];
	const out: string[] = [];
	const note = (what: string) => out.push(`${label}: ${what}`);
	if (spec.method.toUpperCase() !== model.method || spec.path !== model.path)
		note(`the spec has it as ${spec.method.toUpperCase()} ${spec.path}`);
	if (specRequiresAuth !== model.auth)
		note(`the spec says authentication is ${specRequiresAuth ? '' : 'not '}required`);

	const parameters = (spec.parameters ?? []) as unknown as Json[];
	const specParams = Object.fromEntries(
		parameters.filter((p) => p.in === 'path').map((p) => [String(p.name), p.schema as Json]),
	);
	compareFields(
		'path parameter',
		modelFields(model.params),
		specParams,
		new Set(Object.keys(specParams)),
		note,
	);

	const specQuery = flattenQuery(parameters.filter((p) => p.in === 'query'));
	const modelQuery = model.query ?? {};
	compareFields(
		'query parameter',
		modelQuery,
		specQuery,
		requiredNames(parameters.filter((p) => p.in === 'query')),
		note,
	);

	const content = (
		spec.requestBody as
			| {
					content?: Record<
						string,
						{ schema?: Json; encoding?: Record<string, { contentType?: string }> }
					>;
			  }
			| undefined
	)?.content;
	if (!model.body) {
		if (content) note(`the spec documents a body (${Object.keys(content).join(', ')})`);
		return out;
	}
	const media = content?.[model.body.mediaType];
	if (!media?.schema) {
		note(`the spec documents no ${model.body.mediaType} body`);
		return out;
	}
	const schema = media.schema;
	const properties = (schema.properties ?? {}) as Record<string, Json>;
	compareFields(
		'body field',
		model.body.fields,
		properties,
		new Set((schema.required as string[] | undefined) ?? []),
		note,
	);
	if (model.body.mediaType === FORM) {
		for (const [name, field] of Object.entries(model.body.fields)) {
			const json = (media.encoding?.[name]?.contentType ?? '').startsWith('application/json');
			if (Boolean(field.json) !== json)
				note(`body field ${name}: the spec says its value is ${json ? '' : 'not '}JSON`);
		}
	}
	return out;
}

function modelFields(params: Record<string, Schema> | undefined): Record<string, Field> {
	return Object.fromEntries(
		Object.entries(params ?? {}).map(([name, schema]) => [name, { schema, required: true }]),
	);
}

function requiredNames(parameters: Json[]): Set<string> {
	return new Set(parameters.filter((p) => p.required).map((p) => String(p.name)));
}

/** Query parameters by the names clients send: a deepObject `page` with `size` is `page[size]`. */
function flattenQuery(parameters: Json[]): Record<string, Json> {
	const out: Record<string, Json> = {};
	for (const p of parameters) {
		// A JSON-valued parameter (`content: application/json`) has its schema there.
		const content = p.content as Record<string, { schema?: Json }> | undefined;
		const schema = (p.schema ?? content?.['application/json']?.schema ?? {}) as Json;
		const properties = schema.properties as Record<string, Json> | undefined;
		if (p.style === 'deepObject' && properties) {
			for (const [name, sub] of Object.entries(properties)) out[`${String(p.name)}[${name}]`] = sub;
		} else {
			out[String(p.name)] = schema;
		}
	}
	return out;
}

function compareFields(
	kind: string,
	model: Record<string, Field>,
	spec: Record<string, Json>,
	specRequired: Set<string>,
	note: (what: string) => void,
): void {
	for (const name of Object.keys(spec))
		if (!(name in model)) note(`${kind} ${name} is in the spec, not in the model`);
	for (const [name, field] of Object.entries(model)) {
		const specSchema = spec[name];
		if (!specSchema) {
			note(`${kind} ${name} is in the model, not in the spec`);
			continue;
		}
		if (Boolean(field.required) !== specRequired.has(name))
			note(`${kind} ${name}: the spec says it is ${specRequired.has(name) ? '' : 'not '}required`);
		const [ours, theirs] = [modelShape(field), specShape(specSchema)];
		if (ours !== theirs) note(`${kind} ${name}: the model reads ${ours}, the spec says ${theirs}`);
	}
}

const KNOWN_FORMATS = new Set(['date-time', 'uuid', 'url']);

/** A schema as a short canonical string, e.g. `string(url)|null`, `array<integer>`. */
function modelShape(field: Field): string {
	return shapeOf(field.schema) + (field.nullable ? '|null' : '');
}

function shapeOf(schema: Schema): string {
	switch (schema.type) {
		case 'string':
			return `string${schema.format ? `(${schema.format})` : ''}${schema.enum ? `[${schema.enum.join(',')}]` : ''}`;
		case 'integer':
			return `integer${bounds(schema.minimum, schema.maximum)}`;
		case 'array':
			return `array<${shapeOf(schema.items)}>`;
		case 'oneOf':
			return schema.options.map(shapeOf).join(' | ');
		default:
			return schema.type;
	}
}

function specShape(schema: Json): string {
	if (Array.isArray(schema.oneOf)) return (schema.oneOf as Json[]).map(specShape).join(' | ');
	const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
	const nullable = schema.nullable === true || types.includes('null');
	const type = types.find((t) => t !== 'null') ?? 'any';
	let shape: string = type;
	if (type === 'string') {
		const format =
			typeof schema.format === 'string' && KNOWN_FORMATS.has(schema.format)
				? `(${schema.format})`
				: '';
		const values = Array.isArray(schema.enum) ? `[${(schema.enum as string[]).join(',')}]` : '';
		shape = `string${format}${values}`;
	} else if (type === 'integer') {
		shape = `integer${bounds(schema.minimum as number | undefined, schema.maximum as number | undefined)}`;
	} else if (type === 'array') {
		shape = `array<${specShape((schema.items ?? {}) as Json)}>`;
	}
	return shape + (nullable ? '|null' : '');
}

function bounds(minimum: number | undefined, maximum: number | undefined): string {
	return `${minimum !== undefined ? `>=${minimum}` : ''}${maximum !== undefined ? `<=${maximum}` : ''}`;
}
