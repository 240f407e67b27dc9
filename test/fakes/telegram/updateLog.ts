import { Api } from 'telegram';
import type { Counters } from './counters';
import { fromLong } from './wire';

/**
 * What Telegram keeps of the pts-numbered updates it sent, so that a client that was away can ask
 * for them (updates.getDifference, updates.getChannelDifference): one log per account for its
 * common message box (private chats, basic groups) and one per channel, each in pts order.
 */

/** How much the fake hands out per call, and how far back it still answers (tests lower them). */
export interface UpdateLimits {
	/** Updates per getDifference answer; more make it a differenceSlice. */
	differencePage: number;
	/** A common-box gap larger than this is answered with differenceTooLong. */
	differenceTooLong: number;
	/** A channel gap larger than this is answered with channelDifferenceTooLong. */
	channelDifferenceTooLong: number;
	/** Messages channelDifferenceTooLong carries (the latest). */
	channelTooLongMessages: number;
}

export const DEFAULT_UPDATE_LIMITS: Readonly<UpdateLimits> = {
	differencePage: 100,
	differenceTooLong: 100_000,
	channelDifferenceTooLong: 100_000,
	channelTooLongMessages: 20,
};

export interface LoggedUpdate {
	pts: number;
	ptsCount: number;
	/** Unix seconds when it was recorded. */
	date: number;
	update: Api.TypeUpdate;
}

/** Where a pts-carrying update belongs: an account's common box or a channel; undefined without pts. */
export function boxOf(
	update: unknown,
	accountId: bigint,
): { kind: 'common'; accountId: bigint } | { kind: 'channel'; channelId: bigint } | undefined {
	const fields = update as {
		pts?: unknown;
		ptsCount?: unknown;
		channelId?: unknown;
		message?: { peerId?: unknown };
	};
	if (typeof fields.pts !== 'number' || typeof fields.ptsCount !== 'number') return undefined;
	if (fields.channelId !== undefined)
		return { kind: 'channel', channelId: fromLong(fields.channelId as bigint) };
	const peer = fields.message?.peerId;
	if (peer instanceof Api.PeerChannel)
		return { kind: 'channel', channelId: fromLong(peer.channelId) };
	return { kind: 'common', accountId };
}

export class UpdateLog {
	private readonly common = new Map<bigint, LoggedUpdate[]>();
	private readonly channels = new Map<bigint, LoggedUpdate[]>();
	limits: UpdateLimits = { ...DEFAULT_UPDATE_LIMITS };

	constructor(
		private readonly counters: Counters,
		private readonly now: () => number,
	) {}

	/**
	 * Keeps a pushed or answered update that carries pts, once (the same pts again is the same
	 * update), and moves the box's counter up to it when a test chose the pts itself.
	 */
	record(update: Api.TypeUpdate, accountId: bigint): void {
		const box = boxOf(update, accountId);
		if (!box) return;
		const { pts, ptsCount } = update as unknown as { pts: number; ptsCount: number };
		const counter =
			box.kind === 'common' ? commonCounter(box.accountId) : channelCounter(box.channelId);
		const log = this.logOf(
			box.kind === 'common' ? this.common : this.channels,
			box.kind === 'common' ? box.accountId : box.channelId,
		);
		if (ptsCount === 0 || log.some((entry) => entry.pts === pts)) return;
		log.push({ pts, ptsCount, date: this.now(), update });
		log.sort((a, b) => a.pts - b.pts);
		while (this.counters.current(counter) < pts) this.counters.next(counter);
	}

	/** The account's common-box updates after `pts`, in order. */
	commonAfter(accountId: bigint, pts: number): LoggedUpdate[] {
		return (this.common.get(accountId) ?? []).filter((entry) => entry.pts > pts);
	}

	commonPts(accountId: bigint): number {
		return this.counters.current(commonCounter(accountId));
	}

	channelAfter(channelId: bigint, pts: number): LoggedUpdate[] {
		return (this.channels.get(channelId) ?? []).filter((entry) => entry.pts > pts);
	}

	channelPts(channelId: bigint): number {
		return this.counters.current(channelCounter(channelId));
	}

	/** Channels with updates recorded at or after `date` (getDifference names them with updateChannelTooLong). */
	channelsActiveSince(date: number): Array<{ channelId: bigint; pts: number }> {
		return [...this.channels.entries()]
			.filter(([, log]) => log.some((entry) => entry.date >= date))
			.map(([channelId]) => ({ channelId, pts: this.channelPts(channelId) }));
	}

	reset(): void {
		this.common.clear();
		this.channels.clear();
		this.limits = { ...DEFAULT_UPDATE_LIMITS };
	}

	private logOf(logs: Map<bigint, LoggedUpdate[]>, key: bigint): LoggedUpdate[] {
		let log = logs.get(key);
		if (!log) logs.set(key, (log = []));
		return log;
	}
}

/** The same counters the outbox numbers sends with. */
export const commonCounter = (accountId: bigint) => `pts:${accountId}`;
export const channelCounter = (channelId: bigint) => `pts:channel:${channelId}`;

/** An update's message, for new_messages (updateNewMessage, or a short message rebuilt). */
export function messageOf(update: Api.TypeUpdate): Api.TypeMessage | undefined {
	if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage)
		return update.message;
	return undefined;
}
