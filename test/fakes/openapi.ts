import { readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAPIBackend, {
	type Document,
	type Operation,
	type ValidationResult,
} from 'openapi-backend';
import { parse } from 'yaml';

/**
 * Validates requests that a fake server receives against a provider's published OpenAPI file,
 * so a test fails when the code under test sends something the real API would not accept.
 * Generic: the provider fakes add their own quirks through `patch` and their own behaviour.
 */

/** A request as a fake server received it (before any decoding). */
export interface SpecRequest {
	method: string;
	/** URL path as received, API root included, without the query string. */
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
}

export interface SpecCheck {
	/** The spec operation the request maps to; undefined when the spec has no such route. */
	operation?: Operation;
	/** Path parameters taken from the operation's URI template. */
	params: Record<string, string>;
	/** The body as the real server reads it: form or JSON decoded, JSON-encoded form fields decoded. */
	body: Record<string, unknown>;
	/** Human-readable spec violations; empty when the request conforms. */
	problems: string[];
}

export interface SpecValidatorOptions {
	/** Absolute path of the YAML or JSON spec. */
	file: string;
	/** Prefix the spec's paths are served under, e.g. '/api/v1'. */
	apiRoot: string;
	/** In-memory fixes for known quirks of the published file (never written back to disk). */
	patch?: (doc: Record<string, unknown>) => void;
	/** Report body fields the operation's schema does not list (the real servers ignore them, so they are bugs). */
	rejectUnknownBodyFields?: boolean;
}

// Minimal views of the (already dereferenced) spec objects we read ourselves.
interface SchemaView {
	properties?: Record<string, unknown>;
	allOf?: SchemaView[];
	oneOf?: SchemaView[];
	anyOf?: SchemaView[];
}
interface MediaTypeView {
	schema?: SchemaView;
	encoding?: Record<string, { contentType?: string }>;
}
type ValidationError = NonNullable<ValidationResult['errors']>[number];

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export class SpecValidator {
	constructor(
		readonly api: OpenAPIBackend,
		/** How long reading, parsing and initialising the spec took (ms). */
		readonly loadMs: number,
		private readonly rejectUnknownBodyFields: boolean,
	) {}

	match(method: string, urlPath: string): Operation | undefined {
		return this.api.matchOperation({ method: method.toLowerCase(), path: urlPath, headers: {} });
	}

	operation(operationId: string): Operation | undefined {
		return this.api.getOperation(operationId);
	}

	/** Whether the operation declares any security requirement (operation level, else document level). */
	requiresAuth(operation: Operation): boolean {
		const security = operation.security ?? this.api.definition.security ?? [];
		return (
			security.length > 0 && !security.some((requirement) => Object.keys(requirement).length === 0)
		);
	}

	/** Decode the body and validate method, path, path params, query and body against `operation` (or the matched one). */
	check(req: SpecRequest, operation = this.match(req.method, req.path)): SpecCheck {
		const decoded = decodeBody(req, operation);
		const label = `${req.method.toUpperCase()} ${req.path}`;
		if (!operation) {
			return {
				params: {},
				body: decoded.body,
				problems: [`${label}: no operation in the spec matches this method and path`],
			};
		}
		const problems = [...decoded.problems];
		const content = requestBodyContent(operation);
		if (!content && decoded.present) {
			problems.push(
				`the spec documents no request body, got fields ${Object.keys(decoded.body).join(', ') || '(none)'}`,
			);
		}
		if (content && decoded.mediaType && this.rejectUnknownBodyFields) {
			const known = schemaProperties(content[decoded.mediaType]?.schema);
			for (const field of Object.keys(decoded.body)) {
				if (known.size > 0 && !known.has(field))
					problems.push(`body field '${field}' is not in the spec`);
			}
		}
		const result = this.api.validateRequest(
			{
				method: req.method.toLowerCase(),
				path: req.path,
				headers: definedHeaders(req.headers),
				query: req.query,
				// Always hand a body to the validator when one is documented, so missing fields are named.
				body: content ? decoded.body : undefined,
			},
			operation,
		);
		problems.push(...formatErrors(result.errors));
		const params = this.api.router.parseRequest(
			{ method: req.method, path: req.path, headers: {} },
			operation,
		).params as Record<string, string>;
		return {
			operation,
			params,
			body: decoded.body,
			problems: problems.length
				? [`${label} (${operation.operationId}): ${problems.join('; ')}`]
				: [],
		};
	}

	/** Validate a JSON response the fake itself produced; a problem here is a bug in the fake. */
	checkResponse(operation: Operation, status: number, body: unknown): string[] {
		let result: ValidationResult;
		try {
			result = this.api.validateResponse(body, operation, status);
		} catch (error) {
			return [
				`cannot compile the spec's ${status} response schema of ${operation.operationId}: ${(error as Error).message}`,
			];
		}
		return result.errors?.length
			? [
					`fake's ${status} response to ${operation.operationId}: ${formatErrors(result.errors).join('; ')}`,
				]
			: [];
	}
}

const cache = new Map<string, Promise<SpecValidator>>();

/** Load (once per process and file) a validator; the big specs take seconds to parse. */
export function loadSpecValidator(options: SpecValidatorOptions): Promise<SpecValidator> {
	const key = `${path.resolve(options.file)}\n${options.apiRoot}`;
	let loading = cache.get(key);
	if (!loading) {
		loading = buildValidator(options);
		cache.set(key, loading);
		// A failed load (e.g. missing file) must not poison later attempts.
		loading.catch(() => cache.delete(key));
	}
	return loading;
}

async function buildValidator(options: SpecValidatorOptions): Promise<SpecValidator> {
	const started = Date.now();
	const doc = parse(await readFile(options.file, 'utf8')) as Record<string, unknown>;
	dropTypelessNullable(doc);
	options.patch?.(doc);
	const api = new OpenAPIBackend({
		definition: doc as unknown as Document,
		apiRoot: options.apiRoot,
		quick: true, // compile validators lazily: the first request per operation pays for its own
		validate: true, // builds the validator; we call validateRequest ourselves (never handleRequest)
		ajvOpts: { allErrors: true }, // report every problem of a request, not only the first
	});
	await api.init();
	return new SpecValidator(api, Date.now() - started, options.rejectUnknownBodyFields ?? true);
}

/**
 * OpenAPI 3.0.3: `nullable` only adds null to an explicit `type`, so on a schema without `type`
 * (Zulip's allOf overrides such as `delivery_email: { nullable: true }`) it means nothing,
 * but Ajv refuses to compile it. Drop it; examples are left alone.
 */
function dropTypelessNullable(node: unknown): void {
	if (Array.isArray(node)) {
		for (const item of node) dropTypelessNullable(item);
		return;
	}
	if (node === null || typeof node !== 'object') return;
	const schema = node as Record<string, unknown>;
	if (typeof schema.nullable === 'boolean' && schema.type === undefined) delete schema.nullable;
	for (const [key, value] of Object.entries(schema)) {
		if (key !== 'example' && key !== 'examples') dropTypelessNullable(value);
	}
}

export function mediaTypeOf(header: string | string[] | undefined): string {
	const value = Array.isArray(header) ? header[0] : header;
	return (value ?? '').split(';')[0].trim().toLowerCase();
}

function requestBodyContent(operation: Operation): Record<string, MediaTypeView> | undefined {
	return (operation.requestBody as { content?: Record<string, MediaTypeView> } | undefined)
		?.content;
}

/**
 * Read the body the way the provider does. Form fields whose `encoding.<field>.contentType` is
 * application/json carry JSON (`to=[9,10]`) and are decoded; a value that is not JSON stays a
 * string, so the schema decides whether a plain string is acceptable there.
 */
function decodeBody(
	req: SpecRequest,
	operation: Operation | undefined,
): { body: Record<string, unknown>; present: boolean; mediaType?: string; problems: string[] } {
	const text = req.rawBody.toString('utf8');
	if (text === '') return { body: {}, present: false, problems: [] };
	const mediaType = mediaTypeOf(req.headers['content-type']);
	const content = operation ? requestBodyContent(operation) : undefined;
	const problems: string[] = [];
	if (content && !(mediaType in content)) {
		problems.push(
			`body sent as '${mediaType || 'no content type'}', the spec accepts ${Object.keys(content).join(', ')}`,
		);
	}
	let body: Record<string, unknown> = {};
	if (mediaType === FORM) {
		body = Object.fromEntries(new URLSearchParams(text));
		const encoding = content?.[FORM]?.encoding ?? {};
		for (const [field, { contentType }] of Object.entries(encoding)) {
			if (mediaTypeOf(contentType) === JSON_TYPE && typeof body[field] === 'string') {
				body[field] = parseJsonOr(body[field] as string);
			}
		}
	} else if (mediaType === JSON_TYPE) {
		const parsed = parseJsonOr(text);
		if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
			body = parsed as Record<string, unknown>;
		else problems.push('body is not a JSON object');
	} else {
		problems.push(`cannot read a body sent as '${mediaType || 'no content type'}'`);
	}
	return {
		body,
		present: true,
		mediaType: mediaType in (content ?? {}) ? mediaType : undefined,
		problems,
	};
}

function parseJsonOr(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function schemaProperties(schema: SchemaView | undefined, into = new Set<string>()): Set<string> {
	if (!schema) return into;
	for (const name of Object.keys(schema.properties ?? {})) into.add(name);
	for (const sub of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
		schemaProperties(sub, into);
	return into;
}

function definedHeaders(headers: SpecRequest['headers']): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
	return out;
}

function formatErrors(errors: ValidationResult['errors']): string[] {
	return [...new Set((errors ?? []).map(formatError))];
}

function formatError(error: ValidationError): string {
	const where =
		error.instancePath
			.replace(/^\/requestBody/, 'body')
			.replace(/^\/(path|query|header|cookie)/, '$1')
			.replace(/\//g, '.') || 'request';
	const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
	let detail = '';
	if (params.additionalProperty !== undefined) detail = ` ('${params.additionalProperty}')`;
	if (params.allowedValues !== undefined)
		detail = ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
	return `${where} ${error.message ?? error.keyword}${detail}`;
}
