/**
 * The contract: Telnyx's own OpenAPI files (read from the shared specs folder, never copied into
 * the repo), loaded once per folder into openapi-backend, which checks each request the fake gets.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';
import YAML from 'yaml';
import { TELNYX_SPEC_FILE } from '../specs';
import { graftPaths } from './graft';

export const SUBSET_FILE = TELNYX_SPEC_FILE;
export const FULL_FILE = 'telnyx-openapi-spec3.yml';
/** Sender listings are not in the subset; they are taken from the full spec when it is present. */
const GRAFTED_GET_PATHS = [
	'/phone_numbers',
	'/messaging_profiles/{id}/phone_numbers',
	'/short_codes',
	'/alphanumeric_sender_ids',
];

export interface TelnyxSpec {
	api: OpenAPIBackend;
	/** Paths grafted from the full spec (empty when it is absent). */
	grafted: string[];
	loadMs: number;
}

type Json = Record<string, unknown>;
type FormatCheck = (value: string) => boolean;

/** ajv knows no string formats by default; these are the ones the Telnyx files use. */
const FORMATS: Record<string, FormatCheck> = {
	'date-time': (s) =>
		/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) &&
		!Number.isNaN(Date.parse(s)),
	date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
	uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
	url: (s) => /^https?:\/\/[^\s]+$/i.test(s) && URL.canParse(s),
	uri: (s) => URL.canParse(s),
	email: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s),
	'json-pointer': (s) => /^(\/([^~/]|~[01])*)*$/.test(s),
};

function collectFormats(value: unknown, into: Set<string>): void {
	if (Array.isArray(value)) {
		for (const item of value) collectFormats(item, into);
	} else if (value !== null && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			if (key === 'format' && typeof item === 'string') into.add(item);
			else collectFormats(item, into);
		}
	}
}

/**
 * README quirk: the live API answers `scheduled` (and `cancelled`) as a recipient status, but the
 * OutboundMessagePayload enum lacks them. Widened in memory so the fake's own responses check out.
 */
function widenRecipientStatus(doc: Json): void {
	const schemas = (doc.components as Record<string, Json>).schemas as Record<string, Json>;
	const to = (schemas.OutboundMessagePayload?.properties as Json | undefined)?.to as
		| Json
		| undefined;
	const status = ((to?.items as Json | undefined)?.properties as Json | undefined)?.status as
		| Json
		| undefined;
	const values = status?.enum;
	if (!Array.isArray(values))
		throw new Error('OutboundMessagePayload.to[].status enum not found: spec changed?');
	for (const extra of ['scheduled', 'cancelled']) if (!values.includes(extra)) values.push(extra);
}

async function load(dir: string): Promise<TelnyxSpec> {
	const started = Date.now();
	const doc = YAML.parse(readFileSync(path.join(dir, SUBSET_FILE), 'utf8')) as Json;
	const fullPath = path.join(dir, FULL_FILE);
	const grafted = existsSync(fullPath)
		? graftPaths(doc, readFileSync(fullPath, 'utf8'), GRAFTED_GET_PATHS, 'get')
		: [];
	widenRecipientStatus(doc);
	const formats = new Set<string>();
	collectFormats(doc, formats);
	const api = new OpenAPIBackend({
		definition: doc as unknown as Document,
		quick: true,
		ajvOpts: { allErrors: true }, // report every way a request breaks the spec, not just the first
		// Known formats are checked; the rest (decimal, float...) are declared so ajv does not warn.
		customizeAjv: (ajv) => {
			for (const name of formats) {
				if (name in FORMATS) ajv.addFormat(name, { type: 'string', validate: FORMATS[name] });
				else if (
					!['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'].includes(name)
				)
					ajv.addFormat(name, true);
			}
			return ajv;
		},
	});
	await api.init();
	return { api, grafted, loadMs: Date.now() - started };
}

const cache = new Map<string, Promise<TelnyxSpec>>();

/** The initialised validator for a specs folder, built once per process. */
export function loadTelnyxSpec(dir: string): Promise<TelnyxSpec> {
	const key = path.resolve(dir);
	let spec = cache.get(key);
	if (!spec) {
		spec = load(key);
		cache.set(key, spec);
		spec.catch(() => cache.delete(key));
	}
	return spec;
}

export interface RequestCheck {
	operation?: Operation;
	/** Path parameters, e.g. `{ id }` for /messages/{id}. */
	params: Record<string, string>;
	violations: string[];
}

/**
 * Query parameters in the shape openapi-backend validates: deepObject params (`page[size]=5`)
 * become nested objects, but a parameter literally named with brackets (`filter[name][eq]`)
 * stays flat, as the spec declares it.
 */
function queryFor(
	operation: Operation,
	search: URLSearchParams,
): Record<string, string | string[]> {
	const declared = new Set((operation.parameters ?? []).map((p) => ('name' in p ? p.name : '')));
	const out: Json = {};
	for (const key of new Set(search.keys())) {
		const values = search.getAll(key);
		const value = values.length > 1 ? values : values[0];
		const m = /^([^[\]]+)\[([^[\]]+)\]$/.exec(key);
		if (!declared.has(key) && m) {
			const parent = (out[m[1]] ??= {}) as Json;
			parent[m[2]] = value;
		} else {
			out[key] = value;
		}
	}
	return out as Record<string, string | string[]>;
}

/** Matches a request (path without the /v2 base) to an operation and lists how it breaks the spec. */
export function checkRequest(
	spec: TelnyxSpec,
	req: {
		method: string;
		path: string;
		search: URLSearchParams;
		headers: Record<string, string | string[] | undefined>;
		/** Parsed JSON body, undefined when empty. */
		body: unknown;
		rawBody: string;
		/** Set when the body is not JSON: reported once instead of as schema errors. */
		jsonError?: string;
	},
): RequestCheck {
	const label = `${req.method} ${req.path}`;
	const operation = spec.api.matchOperation({ method: req.method, path: req.path, headers: {} });
	if (!operation)
		return { params: {}, violations: [`${label}: no such operation in the Telnyx spec`] };
	const params = spec.api.router.parseRequest(
		{ method: req.method, path: req.path, headers: {} },
		operation,
	).params as Record<string, string>;
	const violations: string[] = [];
	const headers: Record<string, string | string[]> = {};
	for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
	const contentType = String(req.headers['content-type'] ?? '');
	if (req.rawBody !== '' && !/^application\/json\b/i.test(contentType)) {
		violations.push(
			`${label}: body sent as '${contentType}', the spec only declares application/json`,
		);
	}
	if (req.jsonError !== undefined) violations.push(`${label}: body is not JSON (${req.jsonError})`);
	const result = spec.api.validateRequest(
		{
			method: req.method,
			path: req.path,
			headers,
			query: queryFor(operation, req.search),
			body: req.body,
		},
		operation,
	);
	for (const e of result.errors ?? []) {
		const aboutBody =
			e.instancePath.startsWith('/requestBody') || e.params.missingProperty === 'requestBody';
		if (req.jsonError !== undefined && aboutBody) continue;
		violations.push(
			`${label} (${operation.operationId}): ${e.instancePath || '/'} ${e.message ?? e.keyword}`,
		);
	}
	return { operation, params, violations };
}

/** Checks one of the fake's own answers against the documented response schema. */
export function checkResponse(
	spec: TelnyxSpec,
	operation: Operation,
	status: number,
	body: unknown,
): string[] {
	const result = spec.api.validateResponse(body, operation, status);
	return (result.errors ?? []).map(
		(e) =>
			`${operation.operationId} ${status} response: ${e.instancePath || '/'} ${e.message ?? e.keyword}`,
	);
}
