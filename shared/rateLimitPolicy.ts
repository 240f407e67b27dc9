import type { INode, JsonObject } from 'n8n-workflow';
import { providerError } from './errors';
import {
	DEFAULT_RATE_LIMIT_ATTEMPTS,
	describeWait,
	type RateLimitGiveUp,
	type RateLimitPolicy,
} from './rateLimit';
import { waitUnlessStopped } from './stop';

export interface RateLimitPolicyOptions {
	provider: string;
	maxWaitSeconds: number;
	itemIndex?: number;
	/** n8n's Stop: ends a wait at once. */
	signal?: AbortSignal;
	/** Rate-limited answers in a row waited out before giving up (default DEFAULT_RATE_LIMIT_ATTEMPTS). */
	maxAttempts?: number;
	/** How the message starts, naming the provider's "slow down" (default `rate limit reached;`). */
	signalName?: (waitSeconds: number) => string;
	httpCode?: string;
	/** What was being done, e.g. "sending the message". */
	doing?: string;
	details?: (waitSeconds: number) => JsonObject;
}

/**
 * The one rate-limit policy of every node: waits with n8n's sleep, ended at once by Stop; a wait
 * beyond the user's limit, or one wait too many in a row, fails the item saying which and how long.
 */
export function rateLimitPolicy(node: INode, options: RateLimitPolicyOptions): RateLimitPolicy {
	const { provider, maxWaitSeconds, itemIndex, signal } = options;
	const maxAttempts = options.maxAttempts ?? DEFAULT_RATE_LIMIT_ATTEMPTS;
	return {
		maxWaitSeconds,
		maxAttempts,
		sleep: async (ms) => await waitUnlessStopped(ms, signal),
		tooLong: (waitSeconds: number, reason: RateLimitGiveUp) => {
			const wait = Math.ceil(waitSeconds);
			const name = options.signalName?.(wait) ?? 'rate limit reached;';
			const doing = options.doing ? ` before ${options.doing}` : '';
			// Say which limit ended it: the attempt cap (each wait was allowed) or the longest wait.
			const limit =
				reason === 'too-many-waits'
					? `, again after several waits in a row (limit hit: the attempt cap: ${maxAttempts} rate-limited answers in a row, each wait within Max Rate-Limit Wait (${maxWaitSeconds} s))`
					: ` (limit hit: Max Rate-Limit Wait (${maxWaitSeconds} s); the wait is longer)`;
			return providerError(node, {
				provider,
				message: `${name} ${provider} asks to wait ${wait} s${doing}${limit}`,
				description: describeWait(waitSeconds, maxWaitSeconds, reason),
				httpCode: options.httpCode ?? '429',
				itemIndex,
				details: {
					...(options.details?.(wait) ?? {}),
					rateLimit: reason,
					waitSeconds: wait,
					maxRateLimitWaitSeconds: maxWaitSeconds,
					maxAttempts,
				},
			});
		},
	};
}

/** The HTTP nodes' policy: a 429 from `provider`. */
export function providerRateLimitPolicy(
	node: INode,
	provider: string,
	maxWaitSeconds: number,
	itemIndex?: number,
	signal?: AbortSignal,
): RateLimitPolicy {
	return rateLimitPolicy(node, { provider, maxWaitSeconds, itemIndex, signal });
}
