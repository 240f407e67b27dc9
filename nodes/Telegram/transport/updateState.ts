import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import { call } from './call';
import { encryptedQtsOf } from './encryptedQts';
import type { TelegramSession } from './pool';

/**
 * Where one trigger stands in the account's update sequences, and how it gets back what it
 * missed, as Telegram's update-handling guide says: a pts per message box (the account's common
 * box, and each channel's own), checked on every update (pts = local + pts_count applies it, less
 * was seen, more is a gap); gaps, restarts and reconnects are filled with updates.getDifference
 * (in slices) and updates.getChannelDifference. Each trigger keeps its own state, so a trigger
 * that was stopped gets what it missed even if another one on the account kept listening.
 */

export interface ChannelUpdateState {
	pts: number;
	accessHash: string;
	/** The newest message id emitted from it, for what channelDifferenceTooLong hands back. */
	topMessage: number;
}

export interface UpdateState {
	pts: number;
	qts: number;
	date: number;
	seq: number;
	/** When this trigger first listened: messages of channels it learns of later count from then. */
	since: number;
	/** By channel id. */
	channels: Record<string, ChannelUpdateState>;
}

/** Keeps a trigger's state per account (the trigger's workflow static data, saved by n8n). */
export interface UpdateStateStore {
	load(accountId: string): UpdateState | undefined;
	save(accountId: string, state: UpdateState): void;
}

/** What a trigger's tracker hands on: messages for this trigger, secret-chat updates for the account. */
export interface TrackerSink {
	onMessage(message: Api.Message): void;
	/** Any other update applied in a box (edits, deletions): the sink keeps what it wants. */
	onBoxUpdate(update: unknown): void;
	/** Secret-chat updates (updateEncryption, encrypted messages) are applied once per account. */
	onAccountUpdate(update: Api.TypeUpdate): Promise<void>;
	/** The qts to ask from: encrypted messages are read once per account (its secret-chat store). */
	appliedQts(): Promise<number | undefined>;
	recordQts(qts: number): Promise<void>;
	onWarning(message: string): void;
}

/** getDifference rounds per catch-up; each is one of Telegram's pages. */
const DIFFERENCE_ROUNDS = 50;
/** Updates asked per getChannelDifference (Telegram allows up to 100 for users). */
export const CHANNEL_PAGE = 100;

export type PtsVerdict = 'apply' | 'seen' | 'gap';

/** The guide's rule for an update with pts and pts_count against the local pts. */
export function ptsVerdict(local: number, pts: number, ptsCount: number): PtsVerdict {
	if (local + ptsCount === pts) return 'apply';
	return local + ptsCount > pts ? 'seen' : 'gap';
}

type Box = { kind: 'common' } | { kind: 'channel'; channelId: string };

interface PtsFields {
	pts: number;
	ptsCount: number;
}

/** The box an update counts in, or undefined when it carries no pts_count (seq/qts updates, reads). */
export function boxOf(
	gram: TelegramSession['gram'],
	update: unknown,
): (Box & PtsFields) | undefined {
	const fields = update as Partial<PtsFields> & {
		channelId?: unknown;
		message?: { peerId?: unknown };
	};
	if (typeof fields.pts !== 'number' || typeof fields.ptsCount !== 'number') return undefined;
	const { pts, ptsCount } = fields as PtsFields;
	if (fields.channelId !== undefined && fields.channelId !== null)
		return { kind: 'channel', channelId: String(fields.channelId), pts, ptsCount };
	const peer = fields.message?.peerId;
	if (peer instanceof gram.Api.PeerChannel)
		return { kind: 'channel', channelId: String(peer.channelId), pts, ptsCount };
	return { kind: 'common', pts, ptsCount };
}

/** A new message an update carries, in the form messageEvent reads (short messages rebuilt). */
export function newMessageOf(
	gram: TelegramSession['gram'],
	update: unknown,
): Api.Message | undefined {
	const { Api } = gram;
	if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage)
		return update.message instanceof Api.Message ? update.message : undefined;
	if (update instanceof Api.UpdateShortMessage) {
		const peer = new Api.PeerUser({ userId: update.userId });
		return new Api.Message({
			id: update.id,
			peerId: peer,
			fromId: update.out ? undefined : peer,
			date: update.date,
			message: update.message,
			out: update.out,
			silent: update.silent,
		});
	}
	if (update instanceof Api.UpdateShortChatMessage) {
		return new Api.Message({
			id: update.id,
			peerId: new Api.PeerChat({ chatId: update.chatId }),
			fromId: new Api.PeerUser({ userId: update.fromId }),
			date: update.date,
			message: update.message,
			out: update.out,
			silent: update.silent,
		});
	}
	return undefined;
}

/** One trigger's view of the account's updates. All its methods run on the account's update queue. */
export class UpdateTracker {
	private state?: UpdateState;
	private accountId?: string;

	constructor(
		private readonly session: TelegramSession,
		private readonly node: INode,
		private readonly store: UpdateStateStore,
		private readonly sink: TrackerSink,
	) {}

	private get Api() {
		return this.session.gram.Api;
	}

	private options(doing: string) {
		return { node: this.node, doing };
	}

	private save() {
		if (this.state && this.accountId)
			this.store.save(this.accountId, { ...this.state, channels: { ...this.state.channels } });
	}

	/** An update as it was pushed: applied if it is the next in its box, a gap is filled first. */
	async live(update: unknown): Promise<void> {
		const state = this.state;
		if (!state) return; // not caught up yet: that catch-up returns it
		const box = boxOf(this.session.gram, update);
		if (!box) return;
		if (box.kind === 'common') {
			const verdict = ptsVerdict(state.pts, box.pts, box.ptsCount);
			if (verdict === 'gap') return await this.catchUp();
			if (verdict === 'seen') return;
			state.pts = box.pts;
			const message = newMessageOf(this.session.gram, update);
			if (message) state.date = Math.max(state.date, message.date);
			this.save();
			if (message) this.sink.onMessage(message);
			else this.sink.onBoxUpdate(update);
			return;
		}
		let channel = state.channels[box.channelId];
		if (!channel) {
			// First news from this channel since the trigger started: it starts counting here.
			const accessHash = this.accessHashOf(update, box.channelId);
			if (accessHash === undefined) {
				// Without its access hash the channel cannot be asked for later; this message still counts.
				const message = newMessageOf(this.session.gram, update);
				if (message) this.sink.onMessage(message);
				else this.sink.onBoxUpdate(update);
				return;
			}
			channel = state.channels[box.channelId] = {
				pts: box.pts - box.ptsCount,
				accessHash,
				topMessage: 0,
			};
		}
		const verdict = ptsVerdict(channel.pts, box.pts, box.ptsCount);
		if (verdict === 'gap') return await this.catchUpChannel(box.channelId);
		if (verdict === 'seen') return;
		channel.pts = box.pts;
		const message = newMessageOf(this.session.gram, update);
		if (message) channel.topMessage = Math.max(channel.topMessage, message.id);
		this.save();
		if (message) this.sink.onMessage(message);
		else this.sink.onBoxUpdate(update);
	}

	/** The access hash gramjs received with the update (or had cached), as text. */
	private accessHashOf(update: unknown, channelId: string): string | undefined {
		const entities = (update as { _entities?: Map<string, unknown> })._entities;
		for (const entity of entities?.values() ?? []) {
			if (
				entity instanceof this.Api.Channel &&
				String(entity.id) === channelId &&
				entity.accessHash !== undefined
			)
				return String(entity.accessHash);
		}
		return undefined;
	}

	/**
	 * Everything since this trigger's state (or, the first time, the state now, so that it starts
	 * from here): getDifference until the final answer, then each channel it follows.
	 */
	async catchUp(): Promise<void> {
		const { Api } = this;
		if (!this.state) {
			const me = await call(
				this.session,
				new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }),
				this.options('asking which account the trigger listens as'),
			);
			this.accountId = String(me[0]?.id ?? 'self');
			this.state = this.store.load(this.accountId);
		}
		if (!this.state) {
			// Telegram pushes updates to a session once it has asked for the state.
			const now = await call(
				this.session,
				new Api.updates.GetState(),
				this.options('reading the update state'),
			);
			this.state = {
				pts: now.pts,
				qts: now.qts,
				date: now.date,
				seq: now.seq,
				since: now.date,
				channels: {},
			};
			this.save();
			// Encrypted messages are the account's, read once wherever they are: those still
			// waiting on Telegram are read now, not a catch-up later.
			const applied = await this.sink.appliedQts();
			if (applied === undefined || applied >= now.qts) return;
		}
		const state = this.state;
		// Channels Telegram says have news (updateChannelTooLong), and the access hashes it sent along.
		const channelsWithNews = new Set<string>();
		const accessHashes = new Map<string, string>();
		for (let round = 0; round < DIFFERENCE_ROUNDS; round++) {
			const qts = (await this.sink.appliedQts()) ?? state.qts;
			const difference = await call(
				this.session,
				new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts }),
				this.options('fetching updates received while the trigger was not listening'),
			);
			if (difference instanceof Api.updates.DifferenceEmpty) {
				state.date = difference.date;
				state.seq = difference.seq;
				this.save();
				break;
			}
			if (difference instanceof Api.updates.DifferenceTooLong) {
				this.sink.onWarning(
					`Telegram no longer keeps the updates between pts ${state.pts} and ${difference.pts} (too many since the trigger last listened): messages received in that span were not emitted. The trigger goes on from there.`,
				);
				state.pts = difference.pts;
				this.save();
				continue;
			}
			const reached =
				difference instanceof Api.updates.Difference
					? difference.state
					: difference.intermediateState;
			for (const chat of difference.chats) {
				if (chat instanceof Api.Channel && chat.accessHash !== undefined)
					accessHashes.set(String(chat.id), String(chat.accessHash));
			}
			const messages = difference.newMessages.filter(
				(message): message is Api.Message => message instanceof Api.Message,
			);
			Object.assign(state, {
				pts: reached.pts,
				qts: Math.max(state.qts, reached.qts),
				date: reached.date,
				seq: reached.seq,
			});
			this.save();
			// Saved before the messages go out, so n8n's save on emit keeps a state past them.
			for (const message of messages) this.sink.onMessage(message);
			// Numbered, so a chat skips one a sending node already applied (secret/inbox.ts).
			const encrypted = difference.newEncryptedMessages;
			const encryptedQts = encryptedQtsOf(qts, reached.qts, encrypted.length);
			for (const [index, message] of encrypted.entries())
				await this.sink.onAccountUpdate(
					new Api.UpdateNewEncryptedMessage({ message, qts: encryptedQts[index] }),
				);
			if (difference.newEncryptedMessages.length > 0) await this.sink.recordQts(reached.qts);
			for (const other of difference.otherUpdates) {
				if (other instanceof Api.UpdateChannelTooLong)
					channelsWithNews.add(String(other.channelId));
				else if (boxOf(this.session.gram, other)?.kind === 'channel') await this.live(other);
				else {
					await this.sink.onAccountUpdate(other);
					this.sink.onBoxUpdate(other);
				}
			}
			if (difference instanceof Api.updates.Difference) break;
		}
		const learned = new Set<string>();
		for (const channelId of channelsWithNews) {
			const accessHash = accessHashes.get(channelId);
			if (state.channels[channelId] || accessHash === undefined) continue;
			// A channel first heard of now: its messages since the trigger started are new to it.
			state.channels[channelId] = { pts: 1, accessHash, topMessage: 0 };
			learned.add(channelId);
		}
		for (const channelId of Object.keys(state.channels))
			await this.catchUpChannel(channelId, learned.has(channelId) ? state.since : 0);
	}

	/** getChannelDifference from the channel's pts until `final`; messages older than `since` are skipped. */
	async catchUpChannel(channelId: string, since = 0): Promise<void> {
		const { Api } = this;
		const channel = this.state?.channels[channelId];
		if (!channel) return;
		const input = new Api.InputChannel({
			channelId: this.session.gram.returnBigInt(channelId),
			accessHash: this.session.gram.returnBigInt(channel.accessHash),
		});
		for (let round = 0; round < DIFFERENCE_ROUNDS; round++) {
			const difference = await call(
				this.session,
				new Api.updates.GetChannelDifference({
					channel: input,
					filter: new Api.ChannelMessagesFilterEmpty(),
					pts: channel.pts,
					limit: CHANNEL_PAGE,
				}),
				this.options('fetching channel messages received while the trigger was not listening'),
			);
			let messages: Api.Message[] = [];
			let others: Api.TypeUpdate[] = [];
			if (difference instanceof Api.updates.ChannelDifferenceEmpty) {
				channel.pts = difference.pts;
			} else if (difference instanceof Api.updates.ChannelDifferenceTooLong) {
				const pts =
					difference.dialog instanceof Api.Dialog
						? (difference.dialog.pts ?? channel.pts)
						: channel.pts;
				messages = difference.messages
					.filter(
						(message): message is Api.Message =>
							message instanceof Api.Message && message.id > channel.topMessage,
					)
					.sort((a, b) => a.id - b.id);
				this.sink.onWarning(
					`Telegram no longer hands out every update of channel ${channelId} between pts ${channel.pts} and ${pts} (too many since the trigger last listened): only its latest ${messages.length} message(s) not yet emitted are emitted, older ones in that span are not.`,
				);
				channel.pts = pts;
			} else {
				channel.pts = difference.pts;
				messages = difference.newMessages.filter(
					(message): message is Api.Message => message instanceof Api.Message,
				);
				others = difference.otherUpdates;
			}
			messages = messages.filter(
				(message) => message.date >= since && message.id > channel.topMessage,
			);
			for (const message of messages) channel.topMessage = Math.max(channel.topMessage, message.id);
			this.save();
			for (const message of messages) this.sink.onMessage(message);
			for (const other of others) this.sink.onBoxUpdate(other);
			if (difference.final !== false) return;
		}
	}
}
