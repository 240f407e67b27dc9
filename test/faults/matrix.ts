import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

/**
 * The fault matrix of issue 11: every send path of every provider, run through n8n's engine
 * against its fake, with Retry On Fail on and off (and off with Continue On Fail), a fault at the
 * first, middle or last of three items, for each fault that applies to the provider. What each
 * cell must show is written down here (FAULTS), so the expectations can be reviewed apart from
 * the code that checks them (judge.ts).
 */

/** What became of one item, as its output item or the node's error says. */
export type Outcome =
	/** A success output that describes the item's own message (id and content). */
	| 'ok'
	/** An error saying the message may have been sent/created, and what to check. */
	| 'unclear'
	/** An error saying how long the provider asks to wait. */
	| 'rate-limited'
	/** Another error that says what happened and what to do (NodeApiError with a description). */
	| 'error';

/** Sends create a message (a duplicate is the risk); removals delete or cancel one (repeating is harmless). */
export type RowKind = 'send' | 'remove';

export const ITEM_COUNT = 3;
export const POSITIONS = [
	{ index: 0, label: 'first' },
	{ index: 1, label: 'middle' },
	{ index: 2, label: 'last' },
];
export type Position = (typeof POSITIONS)[number];

export interface Column {
	id: string;
	label: string;
	retryOnFail: boolean;
	continueOnFail: boolean;
	/** Where item k sits among the three items. */
	positions: Position[];
}

export const COLUMNS: Column[] = [
	{
		id: 'retry',
		label: 'Retry On Fail',
		retryOnFail: true,
		continueOnFail: false,
		positions: POSITIONS,
	},
	{
		id: 'once',
		label: 'no retry',
		retryOnFail: false,
		continueOnFail: false,
		positions: POSITIONS,
	},
	// With Continue On Fail every item runs whatever happens to item k: the middle one shows items on both sides.
	{
		id: 'cof',
		label: 'Continue On Fail',
		retryOnFail: false,
		continueOnFail: true,
		positions: [POSITIONS[1]],
	},
];

/** Retry On Fail as the matrix sets it: three tries, 10 ms apart. */
export const RETRY = { maxTries: 3, waitBetweenTries: 10 };

export interface FaultSpec {
	label: string;
	/** Whether the provider applied item k's request when the fault hit: after an error, the fake then holds it. */
	acted: boolean;
	/** The outcomes item k may have, for sends and removals, with Retry On Fail ('retry') and without ('once'). */
	allowed: Record<RowKind, { retry: Outcome[]; once: Outcome[] }>;
	/** Why these outcomes are the right ones, in one or two lines. */
	why: string;
	/** Set when the fault cannot be made for this provider: the cells are skipped, saying why. */
	skip?: string;
}

const both = (outcomes: Outcome[]) => ({ retry: outcomes, once: outcomes });

/** Zulip and Telnyx: HTTP. Neither has an idempotency key for messages. */
export const HTTP_FAULTS = {
	'http-500': {
		label: 'HTTP 500, not acted',
		acted: false,
		allowed: {
			send: { retry: ['ok', 'unclear'], once: ['error', 'unclear'] },
			remove: { retry: ['ok'], once: ['error'] },
		},
		why: "The provider's own 500 (its error body; the fake applied nothing). A retry may send it again, or the node may treat any 5xx as unclear; either way no duplicate.",
	},
	'gateway-504': {
		label: 'HTTP 504 from a gateway, acted',
		acted: true,
		allowed: { send: both(['unclear']), remove: { retry: ['ok'], once: ['ok', 'error'] } },
		why: 'A proxy in front of the provider timed out after the provider acted (nginx 504 page). The node cannot know, so a send must be unclear ("may have been sent, check ...") and never repeated; a removal repeated finds the message gone, which is success.',
	},
	'rate-short': {
		label: '429, short reset (waited out)',
		acted: false,
		allowed: { send: both(['ok']), remove: both(['ok']) },
		why: 'A 429 means the provider did not act (both document it). Zulip Retry-After 0.25 s, Telnyx x-ratelimit-reset 1 s: within Max Rate-Limit Wait, so the node waits and sends once.',
	},
	'rate-long': {
		label: '429, long reset (fails with the wait)',
		acted: false,
		allowed: { send: both(['rate-limited']), remove: both(['rate-limited']) },
		why: 'Reset 120 s, over the default Max Rate-Limit Wait (30 s), answered to every try of item k: the item fails saying how long to wait; nothing sent for it.',
	},
	'reset-before': {
		label: 'connection reset before the provider acted',
		acted: false,
		allowed: { send: both(['ok', 'unclear']), remove: { retry: ['ok'], once: ['ok', 'error'] } },
		why: 'The request was written but never reached the provider. The client sees the same ECONNRESET as for a reset after acting, so "unclear" is right too; sending it once more is right only if the node can prove it was not acted on.',
	},
	'reset-after': {
		label: 'connection reset after the provider acted (answer lost)',
		acted: true,
		allowed: { send: both(['unclear']), remove: { retry: ['ok'], once: ['ok', 'error'] } },
		why: 'The provider acted; the answer is lost. A send must say "may have been sent ... check" and never be repeated (no idempotency key); a removal repeated finds the message gone, which is success.',
	},
	timeout: {
		label: 'timeout (no answer)',
		acted: false,
		allowed: { send: both(['unclear']), remove: both(['error']) },
		why: 'Would be unclear for a send, like a lost answer.',
		skip: 'Zulip and Telnyx have no configurable request timeout (60 s fixed in shared/http.ts): a hang would cost 60 s per cell.',
	},
} satisfies Record<string, FaultSpec>;

/** Telegram: MTProto. Every message carries a random_id that makes a repeat safe. */
export const TELEGRAM_FAULTS = {
	'reset-before': {
		label: 'connection dropped before Telegram acted',
		acted: false,
		allowed: { send: both(['ok']), remove: both(['ok']) },
		why: 'gramjs reconnects (after 1 s) and sends the same request again; nothing was applied, so it is applied once.',
	},
	'lost-answer': {
		label: 'lost answer (dropped after Telegram acted)',
		acted: true,
		allowed: { send: both(['ok']), remove: both(['ok']) },
		why: 'gramjs sends it again. A send repeats its random_id: Telegram answers with the original message, so the output still has its ids. Send Now / Delete must confirm from the scheduled list (issue 11), not fail.',
	},
	'flood-short': {
		label: 'FLOOD_WAIT_1 (waited out)',
		acted: false,
		allowed: { send: both(['ok']), remove: both(['ok']) },
		why: 'Under Max Rate-Limit Wait (30 s): the node sleeps 1 s and repeats the call once.',
	},
	'flood-long': {
		label: 'FLOOD_WAIT_3600 (fails with the wait)',
		acted: false,
		allowed: { send: both(['rate-limited']), remove: both(['rate-limited']) },
		why: 'Over Max Rate-Limit Wait, answered to every try of item k: the item fails saying how long to wait; nothing applied for it.',
	},
	'dc-migrate': {
		label: 'USER_MIGRATE_4 (followed)',
		acted: false,
		allowed: { send: both(['ok']), remove: both(['ok']) },
		why: 'The account lives on DC 4: the login moves there and the call is repeated once.',
	},
	'rpc-500': {
		label: 'RPC 500 INTERNAL, not acted',
		acted: false,
		allowed: {
			send: { retry: ['ok'], once: ['ok', 'error'] },
			remove: { retry: ['ok'], once: ['ok', 'error'] },
		},
		why: "Transient on Telegram's side, answered before acting. gramjs does not repeat it: the item fails saying to try again, and Retry On Fail repeats it safely (random_id, ids), which must end in success.",
	},
	timeout: {
		label: 'timeout (no answer)',
		acted: false,
		allowed: { send: both(['ok']), remove: both(['ok']) },
		why: 'Would be repeated safely (random_id).',
		skip: 'The node has no configurable call timeout (30 s fixed in transport/call.ts): a hang would cost 30 s per cell.',
	},
} satisfies Record<string, FaultSpec>;

export type HttpFault = keyof typeof HTTP_FAULTS;
export type TelegramFault = keyof typeof TELEGRAM_FAULTS;

/** One cell's node and what the row knows about its items, ready to run. */
export interface CellSetup {
	node: {
		type: string;
		parameters: IDataObject;
		credentials: Record<string, ICredentialDataDecryptedObject>;
	};
	items: IDataObject[];
	/** Arms the cell's fault for item k. */
	arm(k: number): void;
	/** How many times item i's effect is in the fake (a message held, a scheduled message gone). */
	count(i: number): number;
	/** Why this output does not describe item i's own message; undefined when it does. */
	mismatch(i: number, json: IDataObject): string | undefined;
	/** Anything else wrong in the fake (requests that broke the provider's spec). */
	problems(): string[];
}

export interface Row<Lane> {
	provider: 'Zulip' | 'Telnyx' | 'Telegram';
	operation: string;
	kind: RowKind;
	/** Whether items after a failed one were already under way (Telnyx sends several at once). */
	order: 'sequential' | 'parallel';
	faults: Record<string, FaultSpec>;
	/** Seeds what the operation needs and builds the cell. */
	setup(lane: Lane, fault: string): Promise<CellSetup>;
}
