import { Duration } from 'luxon';
import { settle } from './errors';
import { humanDuration } from './time';

/** Thrown by a transport when the provider answered "too many requests"; nothing was processed. */
export class RateLimitedSignal extends Error {
	constructor(readonly waitSeconds: number) {
		super(`rate limited for ${waitSeconds} s`);
		this.name = 'RateLimitedSignal';
	}
}

/** How many rate-limited answers in a row are waited out when a policy does not say. */
export const DEFAULT_RATE_LIMIT_ATTEMPTS = 4;

/** Why waiting stopped: the provider asked for longer than allowed, or asked too often in a row. */
export type RateLimitGiveUp = 'wait-too-long' | 'too-many-waits';

export interface RateLimitPolicy {
	/** Longest single wait the user allows before the item fails instead. */
	maxWaitSeconds: number;
	/** How many rate-limited answers in a row are waited out before giving up. */
	maxAttempts?: number;
	sleep: (ms: number) => Promise<void>;
	/** Builds the error for a wait that is too long, or for one wait too many in a row. */
	tooLong: (waitSeconds: number, reason: RateLimitGiveUp) => Error;
}

/**
 * Runs `attempt`; each RateLimitedSignal is waited out (and the attempt repeated) while the wait
 * is within the policy. A 429 means the provider did not act on the request, so repeating even a
 * create is safe.
 */
export async function waitOutRateLimits<T>(
	attempt: () => Promise<T>,
	policy: RateLimitPolicy,
): Promise<T> {
	const maxAttempts = policy.maxAttempts ?? DEFAULT_RATE_LIMIT_ATTEMPTS;
	for (let tries = 1; ; tries++) {
		const outcome = await settle(attempt());
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		if (!(error instanceof RateLimitedSignal)) throw error;
		if (error.waitSeconds > policy.maxWaitSeconds)
			throw policy.tooLong(error.waitSeconds, 'wait-too-long');
		if (tries >= maxAttempts) throw policy.tooLong(error.waitSeconds, 'too-many-waits');
		await policy.sleep(Math.ceil(error.waitSeconds * 1000));
	}
}

export function describeWait(
	waitSeconds: number,
	maxWaitSeconds: number,
	reason: RateLimitGiveUp = 'wait-too-long',
): string {
	const wait = humanDuration(Duration.fromObject({ seconds: Math.ceil(waitSeconds) }));
	if (reason === 'too-many-waits') {
		return `The node waited out several rate limits in a row and stopped trying. Wait ${wait} or more before running it again, or send fewer requests at once (Concurrency, Max Requests per Second).`;
	}
	return `Wait ${wait} before running it again, or raise 'Max Rate-Limit Wait' (now ${maxWaitSeconds} s) so the node waits by itself.`;
}

/** Reads Retry-After (seconds, possibly fractional, or an HTTP date) into seconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
