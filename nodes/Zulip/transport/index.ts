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
import { parseRetryAfter, RateLimitedSignal, waitOutRateLimits } from '../../../shared/rateLimit';
import { providerRateLimitPolicy } from '../../../shared/rateLimitPolicy';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { stopSignalOf, throwIfStopped } from '../../../shared/stop';

export const ZULIP_CREDENTIAL = 'zulipScheduledApi';
export { DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS };

export interface ZulipCall {
	method: IHttpRequestMethods;
	/** Path below /api/v1, e.g. `/scheduled_messages`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** The request creates a message: after an unclear failure it must not be repeated. */
	creates?: boolean;
	itemIndex?: number;
	maxRateLimitWaitSeconds?: number;
}

export async function zulipBaseUrl(context: HttpContext): Promise<string> {
	const credentials = (await credentialOfRun(context, ZULIP_CREDENTIAL)).data ?? {};
	const url = String(credentials.url ?? '')
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(url)) {
		throw providerError(context.getNode(), {
			provider: 'Zulip',
			message: `the credential's Server URL ("${url}") is not an http(s) address`,
			description:
				'Open the Zulip credential and enter your organization URL, e.g. https://yourorg.zulipchat.com',
		});
	}
	return `${url}/api/v1`;
}

function retryAfterSeconds(reply: HttpReply): number {
	const headers = reply.headers as Record<string, string | undefined>;
	const fromHeader = parseRetryAfter(headers['retry-after']);
	if (fromHeader !== undefined) return fromHeader;
	const fromBody = Number((reply.body as IDataObject | undefined)?.['retry-after']);
	if (Number.isFinite(fromBody)) return Math.max(0, fromBody);
	const reset = Number(headers['x-ratelimit-reset']);
	return Number.isFinite(reset) ? Math.max(0, reset - Date.now() / 1000) : 60;
}

const HINT_BY_STATUS: Record<number, string> = {
	400: 'Zulip refused the request as given: correct the field its message names.',
	401: "Check the credential's email and API key (the key must belong to that email).",
	403: 'The user of this credential is not allowed to do this in Zulip.',
	404: 'Check the Server URL in the credential, and that the server runs Zulip 7.0 or newer (scheduled messages).',
};

/** Zulip's own answers are JSON objects with `result` ("success" or "error"). */
function isZulipAnswer(body: unknown): boolean {
	return typeof body === 'object' && body !== null && 'result' in body;
}

/** Turns a Zulip answer into data, a RateLimitedSignal (429), or a NodeApiError with Zulip's msg. */
export function interpretZulipReply(
	context: HttpContext,
	reply: HttpReply,
	itemIndex?: number,
): IDataObject {
	const body = (reply.body ?? {}) as IDataObject;
	if (reply.statusCode === 429) throw new RateLimitedSignal(retryAfterSeconds(reply));
	if (reply.statusCode >= 200 && reply.statusCode < 300 && body.result !== 'error') return body;
	const message =
		typeof body.msg === 'string' && body.msg !== '' ? body.msg : `HTTP ${reply.statusCode}`;
	throw providerError(context.getNode(), {
		provider: 'Zulip',
		message,
		description:
			HINT_BY_STATUS[reply.statusCode] ?? 'Zulip could not complete the request; try again later.',
		httpCode: String(reply.statusCode),
		itemIndex,
		details: typeof body.code === 'string' ? { zulipCode: body.code } : undefined,
	});
}

/** The one place that calls Zulip for the programmatic operations and the editor's lists. */
export async function zulipRequest(context: HttpContext, call: ZulipCall): Promise<IDataObject> {
	const baseURL = await zulipBaseUrl(context);
	const signal = stopSignalOf(context);
	const attempt = async () => {
		throwIfStopped(signal);
		const outcome = await requestWithCredential(context, ZULIP_CREDENTIAL, {
			method: call.method,
			baseURL,
			url: call.path,
			qs: call.qs,
			body: call.body,
			form: call.body !== undefined,
		});
		const failure = outcome.failure ?? gatewayFailureOf(outcome.reply, isZulipAnswer);
		if (failure) throw connectionError(context, call, failure, baseURL);
		return interpretZulipReply(context, outcome.reply as HttpReply, call.itemIndex);
	};
	const maxWait = call.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS;
	return await waitOutRateLimits(
		attempt,
		providerRateLimitPolicy(nodeOfRun(context), 'Zulip', maxWait, call.itemIndex, signal),
	);
}

function connectionError(
	context: HttpContext,
	call: ZulipCall,
	failure: TransportFailure,
	baseURL: string,
) {
	const { code } = failure;
	const unclear = call.creates === true && failure.mayHaveArrived;
	const error = providerError(context.getNode(), {
		provider: 'Zulip',
		message: unclear
			? `the connection failed (${code}) after the request was sent, so the message may have been created`
			: `could not reach ${baseURL} (${code})`,
		description: unclear
			? 'It was not sent again, to avoid a duplicate. Check the scheduled messages (or the conversation) in Zulip before running this item again.'
			: 'Check the Server URL in the credential and that the server is reachable from n8n.',
		itemIndex: call.itemIndex,
		details: { networkCode: code },
	});
	if (failure.mayHaveArrived) markMayHaveActed(error);
	return unclear ? markUnclearCreate(error) : error;
}

/** Zulip answers 400 (404 on some versions) for a scheduled message id it does not hold (any more). */
export function isScheduledMessageGone(error: unknown): boolean {
	return ['400', '404'].includes(String((error as { httpCode?: string }).httpCode));
}
