import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { providerError } from '../../../shared/errors';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS } from '../../../shared/options';
import { markMayHaveActed, markUnclearCreate } from '../../../shared/executionMemo';
import {
	credentialOfRun,
	gatewayFailureOf,
	requestWithCredential,
	type HttpContext,
	type HttpReply,
	type TransportFailure,
} from '../../../shared/http';
import { RateLimitedSignal, waitOutRateLimits } from '../../../shared/rateLimit';
import { providerRateLimitPolicy } from '../../../shared/rateLimitPolicy';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { stopSignalOf, throwIfStopped } from '../../../shared/stop';

export const TELNYX_CREDENTIAL = 'telnyxScheduledApi';
export const TELNYX_DEFAULT_BASE_URL = 'https://api.telnyx.com/v2';
export { DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS };
const PROVIDER = 'Telnyx';
// Telnyx sends x-ratelimit-reset on 429s; without it, assume its one-minute window.
const RESET_WHEN_UNSAID_SECONDS = 60;

/** What a create request makes, so an unclear failure can say what to look for. */
export interface CreatedThing {
	/** e.g. "the message from +15550001111 to +15557654321". */
	what: string;
	/** Where the user can see whether it happened. */
	check: string;
}

export interface TelnyxCall {
	method: IHttpRequestMethods;
	/** Path below /v2, e.g. `/messages/schedule`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** Set for requests that create a message: after an unclear failure they are never repeated. */
	creates?: CreatedThing;
	itemIndex?: number;
	maxRateLimitWaitSeconds?: number;
	/** Awaited before every attempt (a per-second cap counts retries after a 429 too). */
	beforeAttempt?: () => Promise<void>;
}

interface TelnyxErrorEntry {
	code?: string;
	title?: string;
	detail?: string;
	source?: { pointer?: string; parameter?: string };
}

export async function telnyxBaseUrl(context: HttpContext): Promise<string> {
	const credentials = (await credentialOfRun(context, TELNYX_CREDENTIAL)).data ?? {};
	const url = String(credentials.baseUrl || TELNYX_DEFAULT_BASE_URL)
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(url)) {
		throw providerError(context.getNode(), {
			provider: PROVIDER,
			message: `the credential's API Base URL ("${url}") is not an http(s) address`,
			description: `Open the Telnyx credential and set API Base URL to ${TELNYX_DEFAULT_BASE_URL} (or clear it).`,
		});
	}
	return url;
}

function resetSeconds(headers: Record<string, string | string[] | undefined>): number {
	const raw = headers['x-ratelimit-reset'];
	const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds : RESET_WHEN_UNSAID_SECONDS;
}

/** The node's field names for the JSON pointers Telnyx puts in `source.pointer`. */
const FIELD_BY_POINTER: Record<string, string> = {
	'/to': 'To',
	'/from': 'From Number',
	'/messaging_profile_id': 'Messaging Profile',
	'/send_at': 'Send At',
	'/text': 'Text',
	'/media_urls': 'Media URLs',
	'/subject': 'Subject',
	'/type': 'Message Type',
	'/webhook_url': 'Webhook URL',
	'/webhook_failover_url': 'Webhook Failover URL',
	'/id': 'Message ID',
};

function fieldOf(pointer: string | undefined): string | undefined {
	if (!pointer) return undefined;
	return FIELD_BY_POINTER[pointer] ?? FIELD_BY_POINTER[`/${pointer.split('/')[1] ?? ''}`];
}

const HINT_BY_STATUS: Record<number, string> = {
	400: 'Telnyx could not read the request: correct the value it names and run again.',
	401: 'Check the API key in the Telnyx credential (Mission Control > Account Settings > Keys & Credentials > API Keys); it may have been deleted or mistyped.',
	403: 'Telnyx does not allow this for this API key or resource.',
	404: "Check the ID (Telnyx keeps messages for 10 days) and the credential's API Base URL.",
	422: 'Telnyx refused a value: correct it and run again.',
};

function hintFor(status: number, entry: TelnyxErrorEntry): string {
	const field = fieldOf(entry.source?.pointer);
	if (field && (status === 400 || status === 422)) {
		return `Telnyx refused the value of '${field}' (${entry.source?.pointer}): correct it and run again.`;
	}
	if (HINT_BY_STATUS[status]) return HINT_BY_STATUS[status];
	return status >= 500
		? 'Telnyx had a problem answering; try again in a few minutes.'
		: 'Telnyx could not complete the request.';
}

function describeEntry(entry: TelnyxErrorEntry, status: number): string {
	const title = entry.title?.trim();
	const detail = entry.detail?.trim();
	if (title && detail && detail !== title) return `${title}: ${detail}`;
	return title || detail || `HTTP ${status}`;
}

/** Turns a Telnyx answer into data, a RateLimitedSignal (429), or a NodeApiError with Telnyx's own words. */
export function interpretTelnyxReply(
	context: HttpContext,
	reply: HttpReply,
	itemIndex?: number,
): IDataObject {
	if (reply.statusCode === 429)
		throw new RateLimitedSignal(resetSeconds(reply.headers as Record<string, string>));
	const body = (reply.body ?? {}) as IDataObject;
	if (reply.statusCode >= 200 && reply.statusCode < 300) return body;
	const entries = Array.isArray(body.errors) ? (body.errors as TelnyxErrorEntry[]) : [];
	const first = entries[0] ?? {};
	const more =
		entries.length > 1
			? ` (and ${entries.length - 1} more: ${entries
					.slice(1)
					.map((e) => describeEntry(e, reply.statusCode))
					.join('; ')})`
			: '';
	const details: Record<string, string> = {};
	if (first.code) details.telnyxCode = first.code;
	if (first.source?.pointer) details.pointer = first.source.pointer;
	throw providerError(context.getNode(), {
		provider: PROVIDER,
		message: `${describeEntry(first, reply.statusCode)}${more}`,
		description: hintFor(reply.statusCode, first),
		httpCode: String(reply.statusCode),
		itemIndex,
		details,
	});
}

/** Telnyx's own error answers carry an `errors` list. */
function isTelnyxAnswer(body: unknown): boolean {
	return (
		typeof body === 'object' &&
		body !== null &&
		Array.isArray((body as { errors?: unknown }).errors)
	);
}

function connectionError(
	context: HttpContext,
	call: TelnyxCall,
	failure: TransportFailure,
	baseURL: string,
) {
	const { code } = failure;
	if (call.creates && failure.mayHaveArrived) {
		return markMayHaveActed(
			markUnclearCreate(
				providerError(context.getNode(), {
					provider: PROVIDER,
					message: `the connection failed (${code}) after the request was sent, so ${call.creates.what} may have been sent`,
					description: `It was not sent again, to avoid a duplicate. ${call.creates.check} before running this item again.`,
					itemIndex: call.itemIndex,
					details: { networkCode: code },
				}),
			),
		);
	}
	if (failure.mayHaveArrived) {
		// A read or a cancel: repeating it is harmless, so the user can simply run it again.
		return markMayHaveActed(
			providerError(context.getNode(), {
				provider: PROVIDER,
				message: `no answer from Telnyx (${code})`,
				description:
					"Check the credential's API Base URL and that n8n can reach Telnyx, then run it again (reading or cancelling twice is harmless).",
				itemIndex: call.itemIndex,
				details: { networkCode: code },
			}),
		);
	}
	return providerError(context.getNode(), {
		provider: PROVIDER,
		message: `could not reach ${baseURL} (${code})`,
		description:
			"Check the credential's API Base URL and that n8n can reach Telnyx; nothing was sent.",
		itemIndex: call.itemIndex,
		details: { networkCode: code },
	});
}

/** The one place that calls Telnyx for the programmatic operations, the editor's lists and the trigger. */
export async function telnyxRequest(context: HttpContext, call: TelnyxCall): Promise<IDataObject> {
	const baseURL = await telnyxBaseUrl(context);
	const signal = stopSignalOf(context);
	const attempt = async () => {
		await call.beforeAttempt?.();
		// After a wait for the rate cap or a 429, Stop means nothing more is sent.
		throwIfStopped(signal);
		const outcome = await requestWithCredential(context, TELNYX_CREDENTIAL, {
			method: call.method,
			baseURL,
			url: call.path,
			qs: call.qs,
			body: call.body,
		});
		const failure = outcome.failure ?? gatewayFailureOf(outcome.reply, isTelnyxAnswer);
		if (failure) throw connectionError(context, call, failure, baseURL);
		return interpretTelnyxReply(context, outcome.reply as HttpReply, call.itemIndex);
	};
	const maxWait = call.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS;
	return await waitOutRateLimits(
		attempt,
		providerRateLimitPolicy(nodeOfRun(context), PROVIDER, maxWait, call.itemIndex, signal),
	);
}
