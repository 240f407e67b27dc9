/**
 * Failures a test arms for the next matching calls: RPC errors (flood waits and DC migrations
 * are RPC errors too), dropped TCP connections and answers given instead of the real one.
 */

export type RequestMatch = string | ((name: string, request: unknown) => boolean);

export type FaultAction =
	| { kind: 'error'; code: number; message: string; migrateToDc?: number }
	| { kind: 'drop'; when: 'before-apply' | 'after-apply' }
	/** Answers this instead of applying the call (a server misbehaving, e.g. endless redirects). */
	| { kind: 'answer'; build: (request: unknown) => { getBytes(): Buffer } };

interface ArmedFault {
	match: RequestMatch;
	remaining: number;
	action: FaultAction;
}

export class FaultPlan {
	private armed: ArmedFault[] = [];

	arm(match: RequestMatch, action: FaultAction, times = 1): void {
		this.armed.push({ match, remaining: times, action });
	}

	/** The first armed fault for this call, used up once. */
	take(name: string, request: unknown): FaultAction | undefined {
		const fault = this.armed.find(
			(f) =>
				f.remaining > 0 &&
				(typeof f.match === 'string' ? f.match === name : f.match(name, request)),
		);
		if (!fault) return undefined;
		fault.remaining -= 1;
		this.armed = this.armed.filter((f) => f.remaining > 0);
		return fault.action;
	}

	clear(): void {
		this.armed = [];
	}
}

/** USER_MIGRATE for calls of a logged-in account, PHONE_MIGRATE for the login calls. */
export function migrateErrorName(requestName: string, dcId: number): string {
	const kind = /^auth\.(SendCode|SignIn|SignUp|ResendCode)$/.test(requestName) ? 'PHONE' : 'USER';
	return `${kind}_MIGRATE_${dcId}`;
}
