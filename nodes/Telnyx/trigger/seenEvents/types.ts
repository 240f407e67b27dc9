import { createHash } from 'node:crypto';

/** Which trigger saw an event: two workflows (or two triggers) on the same events each run once. */
export interface EventScope {
	workflowId: string;
	nodeId: string;
	/** A "listen for test event" in the editor: kept apart from the active workflow's events. */
	test: boolean;
}

/** `first`: start the workflow; `duplicate`: this trigger already took the event. */
export type Claim = 'first' | 'duplicate';

export interface SeenEventStore {
	/** Atomically takes the event for the scope; only one of any number of concurrent calls gets `first`. */
	claim(scope: EventScope, eventId: string, occurredAt: string | undefined): Promise<Claim>;
	/** Forgets a claim whose run n8n could not start, so that Telnyx's next delivery starts it. */
	release(scope: EventScope, eventId: string, occurredAt: string | undefined): Promise<void>;
	/** Where the ids are kept, for messages. */
	readonly location: string;
}

/** How long an event id is kept after its first delivery: longer than Telnyx goes on retrying. */
export const REMEMBER_MS = 25 * 60 * 60 * 1000;

/** A folder name or key part: ids as they are when plain (n8n ids, UUIDs), else a hash. */
export function safePart(value: string): string {
	return /^[A-Za-z0-9_-]{1,64}$/.test(value)
		? value
		: `h-${createHash('sha256').update(value).digest('hex').slice(0, 40)}`;
}

export function scopeParts(scope: EventScope): [string, string] {
	return [safePart(scope.workflowId), `${safePart(scope.nodeId)}${scope.test ? '-test' : ''}`];
}
