import type { INode } from 'n8n-workflow';
import { providerError } from './errors';
import { describeWait, type RateLimitPolicy } from './rateLimit';
import { waitUnlessStopped } from './stop';

/**
 * The usual policy: waits with n8n's sleep, ended at once by Stop (`signal`); a wait beyond the
 * user's limit fails the item saying how long.
 */
export function providerRateLimitPolicy(node: INode, provider: string, maxWaitSeconds: number, itemIndex?: number, signal?: AbortSignal): RateLimitPolicy {
	return {
		maxWaitSeconds,
		sleep: async (ms) => await waitUnlessStopped(ms, signal),
		tooLong: (waitSeconds: number) =>
			providerError(node, {
				provider,
				message: `rate limit reached; ${provider} asks to wait ${Math.ceil(waitSeconds)} s`,
				description: describeWait(waitSeconds, maxWaitSeconds),
				httpCode: '429',
				itemIndex,
			}),
	};
}
