import { Api } from 'telegram';
import type { Counters } from './counters';
import { sha256Hex, type MediaStore } from './mediaStore';
import type { FakeMedia, FakeMessage, FakeWorld } from './state';
import { entitiesFor, mediaToTl, peerToTl } from './tlViews';
import { toLong } from './wire';

/**
 * What other accounts do that the test plays: messages (text, media, albums) arriving in an
 * account's private chat or posted in a channel, and their later edits and deletions. Each is
 * numbered like Telegram numbers it (message id and pts in the recipient's box, or the channel's),
 * kept for getDifference and pushed to the connected clients.
 */

/** A file the other side sends; its bytes are what upload.getFile serves. */
export interface FakeIncomingMedia {
	kind: FakeMedia['kind'];
	bytes: Buffer;
	fileName?: string;
	mimeType?: string;
	/** The DC the file is stored on (default the fake's): downloads elsewhere get FILE_MIGRATE_X. */
	dcId?: number;
}

export interface FakeReceived {
	/** In the recipient's box (private chats) or the channel's. */
	id: number;
	/** The account whose box holds it; undefined for channel posts. */
	toUserId?: bigint;
	/** The chat as the recipient sees it: `user:<sender>` or `channel:<id>`. */
	peerKey: string;
	fromUserId?: bigint;
	text: string;
	entities: Api.TypeMessageEntity[];
	media?: FakeMedia;
	groupedId?: bigint;
	date: number;
	editDate?: number;
	deleted?: boolean;
}

export interface IncomingOptions {
	media?: FakeIncomingMedia;
	entities?: Api.TypeMessageEntity[];
	groupedId?: bigint;
}

export interface InboxDeps {
	world: FakeWorld;
	media: MediaStore;
	counters: Counters;
	/** TelegramFake.pushUpdate: keeps pts updates for getDifference and pushes them. */
	push(update: Api.TypeUpdates, toUserId?: bigint): void;
}

export class Inbox {
	received: FakeReceived[] = [];
	private mirrors = new WeakMap<FakeReceived, FakeMessage>();

	constructor(private readonly deps: InboxDeps) {}

	reset(): void {
		this.received = [];
	}

	/** Messages (one, or the parts of an album when they share groupedId) from `fromUserId` to `toUserId`, in one push. */
	receive(fromUserId: bigint, toUserId: bigint, parts: Array<{ text: string } & IncomingOptions>) {
		const records = parts.map((part) =>
			this.keep({
				id: this.deps.counters.next(`message:box:${toUserId}`),
				toUserId,
				peerKey: `user:${fromUserId}`,
				fromUserId,
				...this.contentOf(part),
			}),
		);
		const updates = records.map(
			(record) =>
				new Api.UpdateNewMessage({
					message: this.view(record, toUserId),
					pts: this.deps.counters.next(`pts:${toUserId}`),
					ptsCount: 1,
				}),
		);
		this.deps.push(this.wrap(updates, toUserId, [`user:${fromUserId}`]), toUserId);
		return records.map((record, index) => ({ id: record.id, pts: updates[index].pts }));
	}

	/** Posts (one, or an album) in a channel, pushed to every client. */
	post(
		channelId: bigint,
		fromUserId: bigint | undefined,
		parts: Array<{ text: string } & IncomingOptions>,
	) {
		const peerKey = `channel:${channelId}`;
		const records = parts.map((part) =>
			this.keep({
				id: this.deps.counters.next(`message:${peerKey}`),
				peerKey,
				fromUserId,
				...this.contentOf(part),
			}),
		);
		const updates = records.map(
			(record) =>
				new Api.UpdateNewChannelMessage({
					message: this.view(record, undefined),
					pts: this.deps.counters.next(`pts:${peerKey}`),
					ptsCount: 1,
				}),
		);
		this.deps.push(
			this.wrap(updates, undefined, [peerKey], fromUserId === undefined ? [] : [fromUserId]),
		);
		return records.map((record, index) => ({ id: record.id, pts: updates[index].pts }));
	}

	/** The sender edits a message it sent: updateEditMessage / updateEditChannelMessage with the next pts. */
	edit(record: FakeReceived, text: string, entities: Api.TypeMessageEntity[] = []): number {
		Object.assign(record, { text, entities, editDate: this.deps.world.nowSeconds() });
		const mirror = this.mirrors.get(record);
		if (mirror) Object.assign(mirror, { text, entities, editDate: record.editDate });
		const channel = record.toUserId === undefined;
		const pts = this.deps.counters.next(
			channel ? `pts:${record.peerKey}` : `pts:${record.toUserId}`,
		);
		const message = this.view(record, record.toUserId);
		const update = channel
			? new Api.UpdateEditChannelMessage({ message, pts, ptsCount: 1 })
			: new Api.UpdateEditMessage({ message, pts, ptsCount: 1 });
		const extra = record.fromUserId === undefined ? [] : [record.fromUserId];
		this.deps.push(this.wrap([update], record.toUserId, [record.peerKey], extra), record.toUserId);
		return pts;
	}

	/**
	 * Deletes messages of one box for everyone: updateDeleteMessages (ids only: Telegram does not say
	 * the chat) in the account's box, updateDeleteChannelMessages (with the channel) in a channel's.
	 */
	delete(records: FakeReceived[]): number {
		const first = records[0];
		if (!first || records.some((r) => r.toUserId !== first.toUserId || r.peerKey !== first.peerKey))
			throw new Error('delete() takes messages of one box');
		for (const record of records) record.deleted = true;
		const gone = new Set(records.map((r) => this.mirrors.get(r)));
		this.deps.world.messages = this.deps.world.messages.filter((m) => !gone.has(m));
		const counter = first.toUserId === undefined ? `pts:${first.peerKey}` : `pts:${first.toUserId}`;
		let pts = 0;
		for (let n = 0; n < records.length; n++) pts = this.deps.counters.next(counter);
		const ids = records.map((r) => r.id);
		const ptsCount = records.length;
		const update =
			first.toUserId === undefined
				? new Api.UpdateDeleteChannelMessages({
						channelId: toLong(BigInt(first.peerKey.split(':')[1])),
						messages: ids,
						pts,
						ptsCount,
					})
				: new Api.UpdateDeleteMessages({ messages: ids, pts, ptsCount });
		this.deps.push(this.wrap([update], first.toUserId, [first.peerKey]), first.toUserId);
		return pts;
	}

	/**
	 * The account deletes messages of its box (messages.deleteMessages), or of a channel it may
	 * delete in (channels.deleteMessages): what it sent and what it received; ids it does not have
	 * are ignored, as Telegram does. The deletion is numbered, kept and pushed to the account's
	 * sessions (a channel's to every client); the caller gets the pts as affectedMessages.
	 */
	deleteAsAccount(
		accountId: bigint,
		ids: number[],
		channelKey?: string,
	): { pts: number; ptsCount: number } {
		const world = this.deps.world;
		const mirrors = new Set<FakeMessage>();
		const received = this.received.filter(
			(r) =>
				ids.includes(r.id) &&
				!r.deleted &&
				(channelKey === undefined ? r.toUserId === accountId : r.peerKey === channelKey),
		);
		for (const record of received) {
			record.deleted = true;
			const mirror = this.mirrors.get(record);
			if (mirror) mirrors.add(mirror);
		}
		const sent = world.messages.filter(
			(m) =>
				!mirrors.has(m) &&
				ids.includes(m.id) &&
				(channelKey === undefined
					? m.fromId === accountId && !m.peerKey.startsWith('channel:')
					: m.peerKey === channelKey),
		);
		const gone = new Set([...mirrors, ...sent]);
		world.messages = world.messages.filter((m) => !gone.has(m));
		const deleted = [...new Set([...received.map((r) => r.id), ...sent.map((m) => m.id)])];
		const counter = channelKey === undefined ? `pts:${accountId}` : `pts:${channelKey}`;
		if (deleted.length === 0) return { pts: this.deps.counters.current(counter), ptsCount: 0 };
		let pts = 0;
		for (let n = 0; n < deleted.length; n++) pts = this.deps.counters.next(counter);
		const ptsCount = deleted.length;
		const update =
			channelKey === undefined
				? new Api.UpdateDeleteMessages({ messages: deleted, pts, ptsCount })
				: new Api.UpdateDeleteChannelMessages({
						channelId: toLong(BigInt(channelKey.split(':')[1])),
						messages: deleted,
						pts,
						ptsCount,
					});
		const viewer = channelKey === undefined ? accountId : undefined;
		this.deps.push(this.wrap([update], viewer, channelKey ? [channelKey] : []), viewer);
		return { pts, ptsCount };
	}

	/** A received message of `toUserId`'s box, or a channel post (toUserId undefined), by id. */
	find(id: number, where: { toUserId?: bigint; channelId?: bigint }): FakeReceived | undefined {
		return this.received.find(
			(r) =>
				r.id === id &&
				!r.deleted &&
				(where.channelId === undefined
					? r.toUserId === where.toUserId
					: r.peerKey === `channel:${where.channelId}`),
		);
	}

	view(record: FakeReceived, viewerId: bigint | undefined): Api.Message {
		const channel = this.deps.world.channels.find((c) => `channel:${c.id}` === record.peerKey);
		const broadcast = channel !== undefined && !channel.megagroup;
		return new Api.Message({
			id: record.id,
			peerId: peerToTl(record.peerKey),
			fromId:
				broadcast || record.fromUserId === undefined
					? undefined
					: new Api.PeerUser({ userId: toLong(record.fromUserId) }),
			out: viewerId !== undefined && record.fromUserId === viewerId ? true : undefined,
			post: broadcast || undefined,
			date: record.date,
			message: record.text,
			entities: record.entities.length > 0 ? record.entities : undefined,
			media: record.media
				? mediaToTl(record.media, this.deps.media, this.deps.world.dcId)
				: undefined,
			groupedId: record.groupedId === undefined ? undefined : toLong(record.groupedId),
			editDate: record.editDate,
		});
	}

	private keep(record: FakeReceived): FakeReceived {
		this.received.push(record);
		// Also as the world's delivered messages hold them (the sender's view: a private message's
		// peer is the recipient), so the chat shows in the recipient's dialogs (messages.getDialogs).
		const mirror: FakeMessage = {
			id: record.id,
			peerKey: record.toUserId === undefined ? record.peerKey : `user:${record.toUserId}`,
			fromId: record.fromUserId ?? 0n,
			text: record.text,
			entities: record.entities,
			date: record.date,
			media: record.media,
			groupedId: record.groupedId,
			randomId: 0n,
			silent: false,
			noWebpage: false,
		};
		this.deps.world.messages.push(mirror);
		this.mirrors.set(record, mirror);
		return record;
	}

	private contentOf(part: { text: string } & IncomingOptions) {
		const date = this.deps.world.nowSeconds();
		let media: FakeMedia | undefined;
		if (part.media) {
			const { kind, bytes, fileName, mimeType, dcId } = part.media;
			media = this.deps.media.store(
				{
					kind,
					fileName,
					mimeType: mimeType ?? (kind === 'photo' ? 'image/jpeg' : 'application/octet-stream'),
					size: bytes.length,
					sha256: sha256Hex(bytes),
				},
				date,
				bytes,
				dcId,
			);
		}
		return {
			text: part.text,
			entities: part.entities ?? [],
			media,
			groupedId: part.groupedId,
			date,
		};
	}

	private wrap(
		updates: Api.TypeUpdate[],
		viewerId: bigint | undefined,
		peerKeys: string[],
		extraUserIds: bigint[] = [],
	): Api.Updates {
		return new Api.Updates({
			updates,
			...entitiesFor(this.deps.world, viewerId, peerKeys, extraUserIds),
			date: this.deps.world.nowSeconds(),
			seq: 0,
		});
	}
}
