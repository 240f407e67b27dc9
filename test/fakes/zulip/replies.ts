import type { ZulipWorld } from './state';

/** What every Zulip route answers with, and the context it runs in. */

export interface Reply {
	status: number;
	body: Record<string, unknown>;
}

export interface RouteContext {
	world: ZulipWorld;
	params: Record<string, string>;
	body: Record<string, unknown>;
	query: Record<string, string>;
	nowMs: number;
	nextScheduledId(): number;
	nextMessageId(): number;
	nextReminderId(): number;
	nextQueueId(): string;
}

export type Route = (ctx: RouteContext) => Reply;

export const ok = (fields: Record<string, unknown> = {}): Reply => ({
	status: 200,
	body: { result: 'success', msg: '', ...fields },
});

/** Zulip's JsonableError: 400 with code BAD_REQUEST unless stated. */
export class ZulipError extends Error {
	constructor(
		message: string,
		readonly status = 400,
		readonly extra: Record<string, unknown> = { code: 'BAD_REQUEST' },
	) {
		super(message);
	}

	reply(): Reply {
		return { status: this.status, body: { result: 'error', msg: this.message, ...this.extra } };
	}
}
