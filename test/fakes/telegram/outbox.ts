import { Api } from 'telegram';
import type { Counters } from './counters';
import type { MediaStore } from './mediaStore';
import { parsePeerKey, type FakeMessage, type FakeUser, type FakeWorld } from './state';
import { entitiesFor, findChannelOfPeer, isChannelAdmin, messageToTl, peerToTl } from './tlViews';
import type { UpdateLog } from './updateLog';
import { badRequest, toLong } from './wire';

/**
 * Telegram's rules for sending and scheduling, and the bookkeeping behind them: message ids
 * (one box per account for private chats, one per channel), scheduled ids per chat, pts,
 * random_id uniqueness, the per-chat scheduled limit, and the updates a send answers with.
 */

/** Telegram sends at once what is scheduled less than about 10 s ahead (or in the past). */
export const SCHEDULE_NOW_WINDOW_SECONDS = 10;
export const SCHEDULE_MAX_AHEAD_SECONDS = 367 * 24 * 3600;
/** schedule_date meaning "when the other user is next online" (private chats only). */
export const SEND_WHEN_ONLINE = 0x7ffffffe;

export interface OutboxDeps {
	world: FakeWorld;
	media: MediaStore;
	counters: Counters;
	usedRandomIds: Set<string>;
	/** Keeps every pts-numbered update for getDifference. */
	updateLog: UpdateLog;
}

export interface Draft {
	text: string;
	entities: unknown[];
	media?: FakeMessage['media'];
	randomId: bigint;
	replyToMsgId?: number;
	topicId?: number;
	groupedId?: bigint;
}

export interface SendFlags {
	silent: boolean;
	noWebpage: boolean;
	/** Due date when scheduled (see dueDateFor), undefined to send now. */
	dueDate?: number;
}

export class Outbox {
	constructor(private readonly deps: OutboxDeps) {}

	private get world() {
		return this.deps.world;
	}

	/** When a requested schedule_date makes the message due, or undefined for "send now". */
	dueDateFor(
		sender: FakeUser,
		peerKey: string,
		requested: number | null | undefined,
	): number | undefined {
		if (requested === null || requested === undefined) return undefined;
		if (sender.bot) throw badRequest('SCHEDULE_BOT_NOT_ALLOWED');
		if (requested === SEND_WHEN_ONLINE) {
			const peer = parsePeerKey(peerKey);
			if (peer.kind !== 'user' || peer.id === sender.id) throw badRequest('SCHEDULE_DATE_INVALID');
			return requested;
		}
		const now = this.world.nowSeconds();
		if (requested > now + SCHEDULE_MAX_AHEAD_SECONDS) throw badRequest('SCHEDULE_DATE_TOO_LATE');
		if (requested <= now + SCHEDULE_NOW_WINDOW_SECONDS) return undefined;
		return requested;
	}

	/** A new date for an already scheduled message: no "send now" fallback here. */
	checkRescheduleDate(peerKey: string, senderId: bigint, requested: number): void {
		if (requested === SEND_WHEN_ONLINE) {
			const peer = parsePeerKey(peerKey);
			if (peer.kind !== 'user' || peer.id === senderId) throw badRequest('SCHEDULE_DATE_INVALID');
			return;
		}
		const now = this.world.nowSeconds();
		if (requested > now + SCHEDULE_MAX_AHEAD_SECONDS) throw badRequest('SCHEDULE_DATE_TOO_LATE');
		if (requested <= now + SCHEDULE_NOW_WINDOW_SECONDS) throw badRequest('SCHEDULE_DATE_INVALID');
	}

	/** A text message: 1..`message` UTF-16 code units (JavaScript's length), Premium or not. */
	checkText(text: string): void {
		if (!text.trim()) throw badRequest('MESSAGE_EMPTY');
		if (text.length > this.world.textLimits.message) throw badRequest('MESSAGE_TOO_LONG');
	}

	/** A caption: up to the sender's limit, larger for a Premium account. */
	checkCaption(sender: FakeUser, text: string): void {
		const limits = this.world.textLimits;
		const limit = sender.premium ? limits.captionPremium : limits.captionDefault;
		if (text.length > limit) throw badRequest('MEDIA_CAPTION_TOO_LONG');
	}

	checkCanWrite(sender: FakeUser, peerKey: string): void {
		const channel = findChannelOfPeer(this.world, peerKey);
		if (channel && !channel.megagroup && !isChannelAdmin(channel, sender.id))
			throw badRequest('CHAT_WRITE_FORBIDDEN');
	}

	/** The scheduled queue of a chat as this account sees it (a channel's is shared by its admins). */
	scheduledIn(ownerId: bigint, peerKey: string): FakeMessage[] {
		const shared = parsePeerKey(peerKey).kind === 'channel';
		return this.world.scheduled.filter(
			(m) => m.peerKey === peerKey && (shared || m.fromId === ownerId),
		);
	}

	deliveredIn(ownerId: bigint, peerKey: string): FakeMessage[] {
		const shared = parsePeerKey(peerKey).kind === 'channel';
		return this.world.messages.filter(
			(m) => m.peerKey === peerKey && (shared || m.fromId === ownerId),
		);
	}

	/**
	 * A send whose random_ids all came before in this chat: Telegram answers a repeated send with
	 * the original message(s) and sends nothing new. When an original is gone (sent from the
	 * scheduled queue, deleted) or only some ids repeat, it answers RANDOM_ID_DUPLICATE.
	 */
	originalsOf(sender: FakeUser, peerKey: string, drafts: Draft[]): FakeMessage[] | undefined {
		const randomKeys = drafts.map((d) => `${sender.id}:${peerKey}:${d.randomId}`);
		const repeated = randomKeys.filter((k) => this.deps.usedRandomIds.has(k));
		if (new Set(randomKeys).size !== randomKeys.length) throw badRequest('RANDOM_ID_DUPLICATE');
		if (repeated.length === 0) return undefined;
		const pool = [...this.world.scheduled, ...this.world.messages].filter(
			(m) => m.peerKey === peerKey && m.fromId === sender.id && !m.fromScheduled,
		);
		const originals = drafts.map((d) => pool.find((m) => m.randomId === d.randomId));
		if (repeated.length !== randomKeys.length || originals.some((m) => m === undefined))
			throw badRequest('RANDOM_ID_DUPLICATE');
		return originals as FakeMessage[];
	}

	/** The answer to a repeated send: updateMessageID and the original message, no new pts. */
	repeatedUpdates(messages: FakeMessage[], viewerId: bigint): Api.TypeUpdate[] {
		const ids = messages.map(
			(m) => new Api.UpdateMessageID({ id: m.id, randomId: toLong(m.randomId) }),
		);
		const originals = messages.map((m) => {
			if (m.scheduleDate !== undefined)
				return new Api.UpdateNewScheduledMessage({ message: this.view(m, viewerId, true) });
			const view = this.view(m, viewerId, false);
			const pts = this.deps.counters.current(
				`pts:${parsePeerKey(m.peerKey).kind === 'channel' ? m.peerKey : viewerId}`,
			);
			return parsePeerKey(m.peerKey).kind === 'channel'
				? new Api.UpdateNewChannelMessage({ message: view, pts, ptsCount: 0 })
				: new Api.UpdateNewMessage({ message: view, pts, ptsCount: 0 });
		});
		return [...ids, ...originals];
	}

	/** Records new messages (all or none), delivered or scheduled, and returns them. */
	send(sender: FakeUser, peerKey: string, drafts: Draft[], flags: SendFlags): FakeMessage[] {
		this.checkCanWrite(sender, peerKey);
		const randomKeys = drafts.map((d) => `${sender.id}:${peerKey}:${d.randomId}`);
		if (
			new Set(randomKeys).size !== randomKeys.length ||
			randomKeys.some((k) => this.deps.usedRandomIds.has(k))
		)
			throw badRequest('RANDOM_ID_DUPLICATE');
		if (
			flags.dueDate !== undefined &&
			this.scheduledIn(sender.id, peerKey).length + drafts.length > this.world.scheduledLimitPerChat
		) {
			throw badRequest('SCHEDULE_TOO_MUCH');
		}
		for (const key of randomKeys) this.deps.usedRandomIds.add(key);
		const now = this.world.nowSeconds();
		return drafts.map((draft) => {
			const scheduled = flags.dueDate !== undefined;
			const message: FakeMessage = {
				id: scheduled
					? this.nextScheduledId(sender.id, peerKey)
					: this.nextMessageId(sender.id, peerKey),
				peerKey,
				fromId: sender.id,
				text: draft.text,
				entities: draft.entities,
				date: now,
				scheduleDate: flags.dueDate,
				media: draft.media,
				groupedId: draft.groupedId,
				randomId: draft.randomId,
				silent: flags.silent,
				noWebpage: flags.noWebpage,
				replyToMsgId: draft.replyToMsgId,
				topicId: draft.topicId,
			};
			(scheduled ? this.world.scheduled : this.world.messages).push(message);
			return message;
		});
	}

	/** Moves scheduled messages out of the queue as newly sent ones (from_scheduled). */
	release(owner: FakeUser, scheduled: FakeMessage[]): FakeMessage[] {
		const leaving = new Set(scheduled);
		this.world.scheduled = this.world.scheduled.filter((m) => !leaving.has(m));
		const now = this.world.nowSeconds();
		return scheduled.map((m) => {
			const sent: FakeMessage = {
				...m,
				id: this.nextMessageId(owner.id, m.peerKey),
				date: now,
				scheduleDate: undefined,
				fromScheduled: true,
			};
			this.world.messages.push(sent);
			return sent;
		});
	}

	nextMessageId(ownerId: bigint, peerKey: string): number {
		const box = parsePeerKey(peerKey).kind === 'channel' ? peerKey : `box:${ownerId}`;
		return this.deps.counters.next(`message:${box}`);
	}

	private nextScheduledId(ownerId: bigint, peerKey: string): number {
		const queue = parsePeerKey(peerKey).kind === 'channel' ? peerKey : `${ownerId}:${peerKey}`;
		return this.deps.counters.next(`scheduled:${queue}`);
	}

	// --- The updates Telegram answers with ---

	view(message: FakeMessage, viewerId: bigint, scheduled: boolean): Api.Message {
		return messageToTl(message, { world: this.world, store: this.deps.media, viewerId, scheduled });
	}

	/** updateNewMessage / updateNewChannelMessage, with the next pts of the box. */
	newMessageUpdate(message: FakeMessage, viewerId: bigint): Api.TypeUpdate {
		const channel = parsePeerKey(message.peerKey).kind === 'channel';
		const pts = this.nextPts(viewerId, message.peerKey);
		const view = this.view(message, viewerId, false);
		const update = channel
			? new Api.UpdateNewChannelMessage({ message: view, pts, ptsCount: 1 })
			: new Api.UpdateNewMessage({ message: view, pts, ptsCount: 1 });
		this.deps.updateLog.record(update, viewerId);
		return update;
	}

	editedMessageUpdate(message: FakeMessage, viewerId: bigint): Api.TypeUpdate {
		const channel = parsePeerKey(message.peerKey).kind === 'channel';
		const pts = this.nextPts(viewerId, message.peerKey);
		const view = this.view(message, viewerId, false);
		const update = channel
			? new Api.UpdateEditChannelMessage({ message: view, pts, ptsCount: 1 })
			: new Api.UpdateEditMessage({ message: view, pts, ptsCount: 1 });
		this.deps.updateLog.record(update, viewerId);
		return update;
	}

	/** updateMessageID(random_id) then the new (scheduled) message, per sent message. */
	sentUpdates(messages: FakeMessage[], viewerId: bigint): Api.TypeUpdate[] {
		const ids = messages.map(
			(m) => new Api.UpdateMessageID({ id: m.id, randomId: toLong(m.randomId) }),
		);
		const news = messages.map((m) =>
			m.scheduleDate !== undefined
				? new Api.UpdateNewScheduledMessage({ message: this.view(m, viewerId, true) })
				: this.newMessageUpdate(m, viewerId),
		);
		return [...ids, ...news];
	}

	scheduledRemovedUpdate(
		peerKey: string,
		removedIds: number[],
		sentIds?: number[],
	): Api.UpdateDeleteScheduledMessages {
		return new Api.UpdateDeleteScheduledMessages({
			peer: peerToTl(peerKey),
			messages: removedIds,
			sentMessages: sentIds,
		});
	}

	updates(updates: Api.TypeUpdate[], viewerId: bigint, peerKeys: string[]): Api.Updates {
		const { users, chats } = entitiesFor(this.world, viewerId, peerKeys);
		return new Api.Updates({ updates, users, chats, date: this.world.nowSeconds(), seq: 0 });
	}

	nextPts(viewerId: bigint, peerKey: string): number {
		const box = parsePeerKey(peerKey).kind === 'channel' ? peerKey : `${viewerId}`;
		return this.deps.counters.next(`pts:${box}`);
	}
}
