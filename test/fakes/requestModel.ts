/**
 * A provider's API as a fake models it by itself: its routes and, for each, the path parameters,
 * query parameters and body fields it reads (types, formats, enums, which are required). With it a
 * fake routes and checks requests on a bare clone, without the published OpenAPI files; the
 * OpenAPI check (openapi.ts, telnyx/spec.ts) is a second layer on top when those files are there.
 * Each provider turns the problems found here into its own error answers.
 */

import { accepts, describe, validate, type Schema } from './schema';

export type { Schema, StringFormat } from './schema';

export interface Field {
	schema: Schema;
	required?: boolean;
	/** null is accepted as well. */
	nullable?: boolean;
	/** A form field whose value is JSON (`to=[9,10]`). */
	json?: boolean;
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_MEDIA = 'application/json';

export interface ModelOperation {
	/** The operationId the provider's spec uses for this route. */
	id: string;
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
	/** Relative to the API root, with `{name}` for path parameters. */
	path: string;
	auth: boolean;
	params?: Record<string, Schema>;
	/** Query parameters by their literal name (`page[size]`); an object schema accepts `name[...]` keys. */
	query?: Record<string, Field>;
	body?: { mediaType: typeof FORM | typeof JSON_MEDIA; fields: Record<string, Field> };
}

export type ProblemKind =
	/** A required field is absent. */
	| 'missing'
	/** Wrong JSON type, or a form/query value that does not read as the type. */
	| 'type'
	| 'format'
	| 'enum'
	| 'range'
	/** A JSON-valued field (or a JSON body) that is not JSON. */
	| 'json'
	/** A field the route does not read: providers ignore it, so sending it is a bug of the client. */
	| 'unknown'
	/** The body is not in the route's media type. */
	| 'media-type';

export interface Problem {
	in: 'path' | 'query' | 'body';
	/** Field name; '' for the body as a whole. */
	field: string;
	kind: ProblemKind;
	/** What was expected, in words: 'an integer', 'a URL', 'one of SMS, MMS'... */
	expected: string;
}

export interface ModelCheck {
	operation?: ModelOperation;
	/** Path parameters as strings (as in the URL, decoded). */
	params: Record<string, string>;
	/** The body as the provider reads it: JSON, or form fields with JSON-valued ones decoded. */
	body: Record<string, unknown>;
	problems: Problem[];
	/** Methods the path accepts when it matched a route but not the method (for 405 answers). */
	allowedMethods: string[];
}

export interface ModelRequest {
	method: string;
	/** Path relative to the API root, without the query string. */
	path: string;
	query: URLSearchParams;
	contentType: string;
	rawBody: string;
}

/** Route a request and list how it breaks the model: path, then query, then body, in declared order. */
export function checkRequest(operations: readonly ModelOperation[], req: ModelRequest): ModelCheck {
	const found = route(operations, req.method, req.path);
	if (!found) {
		return {
			params: {},
			body: {},
			problems: [],
			allowedMethods: allowedMethods(operations, req.path),
		};
	}
	const { operation, params, problems } = found;
	for (const [name, values] of groupQuery(req.query)) {
		const field = queryField(operation, name);
		if (!field)
			problems.push({ in: 'query', field: name, kind: 'unknown', expected: 'no such parameter' });
		else if (field.schema.type !== 'object')
			checkValue(
				problems,
				'query',
				name,
				field,
				field.json
					? readJsonField(values[values.length - 1], field.schema)
					: readScalar(values[values.length - 1], field.schema),
			);
	}
	for (const [name, field] of Object.entries(operation.query ?? {})) {
		if (field.required && !req.query.has(name))
			problems.push({
				in: 'query',
				field: name,
				kind: 'missing',
				expected: describe(field.schema),
			});
	}
	const body = readBody(operation, req, problems);
	return { operation, params, body, problems, allowedMethods: [] };
}

function route(operations: readonly ModelOperation[], method: string, path: string) {
	// Literal segments win over parameters (/users/me before /users/{email}); then a route whose
	// parameters are valid wins (/users/{user_id} for digits, /users/{email} otherwise).
	let fallback:
		| { operation: ModelOperation; params: Record<string, string>; problems: Problem[] }
		| undefined;
	for (const operation of bySpecificity(operations)) {
		if (operation.method !== method.toUpperCase()) continue;
		const params = matchPath(operation.path, path);
		if (!params) continue;
		const problems: Problem[] = [];
		for (const [name, schema] of Object.entries(operation.params ?? {})) {
			checkValue(
				problems,
				'path',
				name,
				{ schema, required: true },
				readScalar(params[name], schema),
			);
		}
		if (problems.length === 0) return { operation, params, problems };
		fallback ??= { operation, params, problems };
	}
	return fallback;
}

function bySpecificity(operations: readonly ModelOperation[]): ModelOperation[] {
	const paramCount = (op: ModelOperation) => (op.path.match(/\{/g) ?? []).length;
	return [...operations].sort((a, b) => paramCount(a) - paramCount(b));
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
	const names: string[] = [];
	const pattern = template
		.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
		.replace(/\{(\w+)\}/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
	const match = new RegExp(`^${pattern}$`).exec(path);
	if (!match) return undefined;
	return Object.fromEntries(names.map((name, i) => [name, safeDecode(match[i + 1])]));
}

function allowedMethods(operations: readonly ModelOperation[], path: string): string[] {
	return operations.filter((op) => matchPath(op.path, path)).map((op) => op.method);
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

function groupQuery(query: URLSearchParams): Map<string, string[]> {
	const grouped = new Map<string, string[]>();
	for (const [key, value] of query) grouped.set(key, [...(grouped.get(key) ?? []), value]);
	return grouped;
}

function queryField(operation: ModelOperation, name: string): Field | undefined {
	const fields = operation.query ?? {};
	if (fields[name]) return fields[name];
	// `filter[number_type][eq]` belongs to the object parameter `filter[number_type]`.
	const parent = Object.keys(fields).find(
		(key) => fields[key].schema.type === 'object' && name.startsWith(`${key}[`),
	);
	return parent === undefined ? undefined : fields[parent];
}

function readBody(
	operation: ModelOperation,
	req: ModelRequest,
	problems: Problem[],
): Record<string, unknown> {
	if (req.rawBody === '') {
		return checkFields(operation, {}, problems);
	}
	const mediaType = req.contentType.split(';')[0].trim().toLowerCase();
	const declared = operation.body?.mediaType;
	if (declared === undefined || mediaType !== declared) {
		problems.push({ in: 'body', field: '', kind: 'media-type', expected: declared ?? 'no body' });
		return checkFields(operation, {}, problems);
	}
	if (declared === JSON_MEDIA) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(req.rawBody);
		} catch {
			problems.push({ in: 'body', field: '', kind: 'json', expected: 'a JSON object' });
			return {};
		}
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
			problems.push({ in: 'body', field: '', kind: 'type', expected: 'a JSON object' });
			return {};
		}
		return checkFields(operation, parsed as Record<string, unknown>, problems);
	}
	const form: Record<string, unknown> = {};
	for (const [name, value] of new URLSearchParams(req.rawBody)) {
		const field = operation.body?.fields[name];
		form[name] = field?.json ? readJsonField(value, field.schema) : value;
	}
	return checkFields(operation, form, problems);
}

/** A JSON-valued form field; a value that is not JSON stays a string for the schema to judge. */
function readJsonField(value: string, schema: Schema): unknown {
	try {
		return JSON.parse(value);
	} catch {
		return accepts(schema, 'string') ? value : new NotJson(value);
	}
}

class NotJson {
	constructor(readonly text: string) {}
}

function checkFields(
	operation: ModelOperation,
	body: Record<string, unknown>,
	problems: Problem[],
): Record<string, unknown> {
	const fields = operation.body?.fields ?? {};
	for (const [name, field] of Object.entries(fields)) {
		if (body[name] === undefined) {
			if (field.required)
				problems.push({
					in: 'body',
					field: name,
					kind: 'missing',
					expected: describe(field.schema),
				});
			continue;
		}
		checkValue(problems, 'body', name, field, body[name]);
	}
	for (const name of Object.keys(body)) {
		if (!(name in fields))
			problems.push({ in: 'body', field: name, kind: 'unknown', expected: 'no such field' });
	}
	// Record what a field held: the raw text of a JSON field that was not JSON.
	return Object.fromEntries(
		Object.entries(body).map(([k, v]) => [k, v instanceof NotJson ? v.text : v]),
	);
}

/** Query and path values are text: read them as the schema's type when they can be. */
function readScalar(text: string, schema: Schema): unknown {
	if (schema.type === 'integer' && /^-?\d+$/.test(text)) return Number(text);
	if (schema.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
	return text;
}

function checkValue(
	problems: Problem[],
	where: Problem['in'],
	name: string,
	field: Field,
	value: unknown,
): void {
	if (value instanceof NotJson) {
		problems.push({
			in: where,
			field: name,
			kind: 'json',
			expected: `JSON (${describe(field.schema)})`,
		});
		return;
	}
	if (value === null && field.nullable) return;
	const problem = validate(field.schema, value);
	if (problem) problems.push({ in: where, field: name, ...problem });
}

/** A problem as a violation line: what the client did wrong, for a test to show. */
export function describeProblem(problem: Problem, provider: string): string {
	const where = problem.field ? `${problem.in}.${problem.field}` : problem.in;
	switch (problem.kind) {
		case 'missing':
			return `${where} is required (${problem.expected})`;
		case 'unknown':
			return `${where} is not a parameter of this route (${provider} ignores it)`;
		case 'media-type':
			return `body is not ${problem.expected}`;
		case 'json':
			return problem.field ? `${where} must be ${problem.expected}` : 'body is not JSON';
		default:
			return `${where} must be ${problem.expected}`;
	}
}
