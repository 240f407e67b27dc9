/**
 * Failures a test arms for the next matching calls: RPC errors (flood waits and DC migrations
 * are RPC errors too), dropped TCP connections and answers given instead of the real one.
 */

export type RequestMatch = string | ((name: string, request: unknown) => boolean);

export type FaultAction =
	| { kind: 'error'; code: number; message: string; migrateToDc?: number }
	| { kind: 'drop'; when: 'before-apply' | 'after-apply' }
	/** Answers this instead of applying the call (a server misbehaving, e.g. endless redirects). */
	| { kind: 'answer'; build: (request: unknown) => { getBytes(): Buffer } }
	/** The call has arrived and waits, unapplied and unanswered, until `gate` resolves (a crash point). */
	| {
			kind: 'hold';
			gate: (request: unknown) => Promise<void>;
			/** The connection answers later calls meanwhile (else it waits with this one). */
			overlap?: boolean;
	  };

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
		this.delays.clear();
		this.mostAtOnce.clear();
	}

	// --- Slow answers: calls of one connection then overlap, as on Telegram, and are counted ---

	private readonly delays = new Map<string, number>();
	private readonly running = new Map<string, number>();
	private readonly mostAtOnce = new Map<string, number>();

	/** Every call named `name` is answered `ms` later; the connection reads on meanwhile. */
	delayAnswers(name: string, ms: number): void {
		this.delays.set(name, ms);
	}

	answerDelay(name: string): number {
		return this.delays.get(name) ?? 0;
	}

	/** Runs a delayed call's answer after its delay, counting how many of its name overlap. */
	async answerLater(name: string, answer: () => Promise<void>): Promise<void> {
		const running = (this.running.get(name) ?? 0) + 1;
		this.running.set(name, running);
		this.mostAtOnce.set(name, Math.max(running, this.mostAtOnce.get(name) ?? 0));
		try {
			await new Promise((done) => setTimeout(done, this.answerDelay(name)));
			await answer();
		} finally {
			this.running.set(name, (this.running.get(name) ?? 1) - 1);
		}
	}

	/** The most delayed calls named `name` that were unanswered at once (since the last clear). */
	mostUnansweredAtOnce(name: string): number {
		return this.mostAtOnce.get(name) ?? 0;
	}
}

/** USER_MIGRATE for calls of a logged-in account, PHONE_MIGRATE for the login calls. */
export function migrateErrorName(requestName: string, dcId: number): string {
	const kind = /^auth\.(SendCode|SignIn|SignUp|ResendCode)$/.test(requestName) ? 'PHONE' : 'USER';
	return `${kind}_MIGRATE_${dcId}`;
}
