import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	ITriggerFunctions,
} from 'n8n-workflow';
import { settle } from './errors';
import { nodeOfRun } from './nodeOfRun';
import { oncePerRun } from './oncePerRun';

export type HttpContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| ITriggerFunctions;

export interface HttpCall {
	method: IHttpRequestMethods;
	baseURL: string;
	url: string;
	qs?: IDataObject;
	/** JSON body, or (with `form`) fields sent as application/x-www-form-urlencoded. */
	body?: IDataObject;
	form?: boolean;
	timeoutMs?: number;
	/** Aborts the request (a trigger's long poll when the workflow is deactivated). */
	signal?: AbortSignal;
}

export interface HttpReply {
	statusCode: number;
	headers: Record<string, string>;
	body: unknown;
}

/** The connection failed; `mayHaveArrived` tells whether the provider may still have acted on it. */
export interface TransportFailure {
	code: string;
	mayHaveArrived: boolean;
}

export type HttpOutcome =
	| { reply: HttpReply; failure?: undefined }
	| { reply?: undefined; failure: TransportFailure };

// Failures that happen before a request can reach the provider: nothing was sent.
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ERR_INVALID_URL',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function errorCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code !== '') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return 'UNKNOWN';
}

function formEncode(fields: IDataObject): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		params.append(key, typeof value === 'string' ? value : JSON.stringify(value));
	}
	return params.toString();
}

function lowerCaseHeaders(
	headers: IN8nHttpFullResponse['headers'] | undefined,
): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [key, value] of Object.entries(headers ?? {})) {
		result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

// One credential read per node run and type. In n8n each getCredentials is a database read plus
// a decryption, so reading it for every request cost more than the request itself.

/** The node's credential of `type`, read once for this context (a node run, a list, a webhook call). */
export const credentialOfRun: (
	context: HttpContext,
	type: string,
) => Promise<ICredentialsDecrypted> = oncePerRun(
	async (context: HttpContext, type: string): Promise<ICredentialsDecrypted> => {
		const reference = nodeOfRun(context).credentials?.[type];
		return {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type,
			data: await context.getCredentials<ICredentialDataDecryptedObject>(type),
		};
	},
	{ keyOf: (type) => type },
);

/**
 * One authenticated request through n8n's HTTP helper (so proxies, credentials and the
 * execution's cancel signal apply). Every HTTP status comes back as a reply for the provider's
 * transport to interpret; a connection failure comes back as `failure`.
 */
export async function requestWithCredential(
	context: HttpContext,
	credentialType: string,
	call: HttpCall,
): Promise<HttpOutcome> {
	const credentialsDecrypted = await credentialOfRun(context, credentialType);
	// A copy of the data: n8n may merge pre-authentication results into the object it is given.
	return await outcomeOf(
		context.helpers.httpRequestWithAuthentication.call(
			context,
			credentialType,
			requestOptions(call),
			{ credentialsDecrypted: { ...credentialsDecrypted, data: { ...credentialsDecrypted.data } } },
		) as Promise<IN8nHttpFullResponse>,
	);
}

/**
 * The same, with HTTP Basic credentials read beforehand. For a trigger's requests after
 * activation: n8n 2.x evaluates a credential's `={{ }}` authenticate expressions only while
 * the node runs (activation, an execution), so httpRequestWithAuthentication fails later with
 * "No bridge acquired for this context".
 */
export async function requestWithBasicAuth(
	context: HttpContext,
	auth: { username: string; password: string },
	call: HttpCall,
): Promise<HttpOutcome> {
	return await outcomeOf(
		context.helpers.httpRequest({ ...requestOptions(call), auth }) as Promise<IN8nHttpFullResponse>,
	);
}

function requestOptions(call: HttpCall): IHttpRequestOptions {
	const options: IHttpRequestOptions = {
		method: call.method,
		baseURL: call.baseURL,
		url: call.url,
		qs: call.qs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: call.timeoutMs ?? 60_000,
		json: true,
	};
	if (call.signal) options.abortSignal = call.signal;
	if (call.body && call.form) {
		options.body = formEncode(call.body);
		options.headers = { 'content-type': 'application/x-www-form-urlencoded' };
	} else if (call.body) {
		options.body = call.body;
	}
	return options;
}

async function outcomeOf(request: Promise<IN8nHttpFullResponse>): Promise<HttpOutcome> {
	const outcome = await settle(request);
	if (!outcome.ok) {
		const code = errorCode(outcome.error);
		return { failure: { code, mayHaveArrived: !NOT_SENT_CODES.has(code) } };
	}
	const response = outcome.value;
	return {
		reply: {
			statusCode: response.statusCode,
			headers: lowerCaseHeaders(response.headers),
			body: response.body,
		},
	};
}

const GATEWAY_STATUSES = new Set([502, 503, 504]);

/**
 * A 502/503/504 that the provider did not write (a proxy's or load balancer's page, not the
 * provider's error JSON): the request may have reached the provider and been acted on, so it is
 * an unclear failure like a connection that broke after sending.
 */
export function gatewayFailureOf(
	reply: HttpReply,
	isProviderAnswer: (body: unknown) => boolean,
): TransportFailure | undefined {
	if (!GATEWAY_STATUSES.has(reply.statusCode) || isProviderAnswer(reply.body)) return undefined;
	return { code: `HTTP ${reply.statusCode} from a proxy or gateway`, mayHaveArrived: true };
}
