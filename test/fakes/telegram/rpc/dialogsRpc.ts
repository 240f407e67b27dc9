import { Api } from 'telegram';
import { parsePeerKey, peerKeyOf, type FakeMessage, type FakeWorld } from '../state';
import { entitiesFor, findChannelOfPeer, isChannelAdmin, peerToTl } from '../tlViews';
import type { Outbox } from '../outbox';
import { resolveInputPeer } from './peerResolution';
import { on, type RpcRoute } from './route';

/**
 * messages.getDialogs: the account's chat list, newest top message first, paged as Telegram pages
 * it (offset_date + offset_id + offset_peer of the last dialog of the previous page, limit <= 100).
 * A chat is in the list when it holds a delivered message the account sent or received, or is a
 * channel the account administers or joined (`adminIds` / `memberIds`) and has a post.
 */

const DIALOGS_PAGE_MAX = 100;

export interface FakeDialog {
	/** The chat as the account sees it: `user:<other>` for a private chat, `channel:<id>`. */
	peerKey: string;
	top: FakeMessage;
}

/** The private chat a delivered message belongs to, as `viewerId` sees it, if it is theirs. */
function dialogPeerOf(
	world: FakeWorld,
	message: FakeMessage,
	viewerId: bigint,
): string | undefined {
	const { kind, id } = parsePeerKey(message.peerKey);
	if (kind === 'user') {
		if (message.fromId === viewerId) return message.peerKey;
		return id === viewerId ? peerKeyOf({ userId: message.fromId }) : undefined;
	}
	const channel = findChannelOfPeer(world, message.peerKey);
	if (!channel) return undefined;
	const joined =
		message.fromId === viewerId ||
		isChannelAdmin(channel, viewerId) ||
		(channel.memberIds ?? []).includes(viewerId);
	return joined ? message.peerKey : undefined;
}

/** Newer first: by the top message's date, then its id, then the chat (a stable order). */
function newerFirst(a: FakeDialog, b: FakeDialog): number {
	return b.top.date - a.top.date || b.top.id - a.top.id || (a.peerKey < b.peerKey ? -1 : 1);
}

export function dialogsOf(world: FakeWorld, viewerId: bigint): FakeDialog[] {
	const tops = new Map<string, FakeMessage>();
	for (const message of world.messages) {
		const peerKey = dialogPeerOf(world, message, viewerId);
		if (!peerKey) continue;
		const top = tops.get(peerKey);
		if (!top || message.date > top.date || (message.date === top.date && message.id > top.id))
			tops.set(peerKey, message);
	}
	return [...tops].map(([peerKey, top]) => ({ peerKey, top })).sort(newerFirst);
}

/** The top message as the account sees it: an incoming private message is in the sender's chat. */
function topMessageView(outbox: Outbox, dialog: FakeDialog, viewerId: bigint): Api.Message {
	const view = outbox.view(dialog.top, viewerId, false);
	view.peerId = peerToTl(dialog.peerKey);
	return view;
}

/** Older than the offset (the previous page's last dialog): by date, then id, then chat. */
function isAfterOffset(
	{ top, peerKey }: FakeDialog,
	offset: { offsetDate: number; offsetId: number },
	offsetPeerKey: string | undefined,
): boolean {
	if (offset.offsetDate > 0 && top.date !== offset.offsetDate) return top.date < offset.offsetDate;
	if (offset.offsetId > 0 && top.id !== offset.offsetId) return top.id < offset.offsetId;
	return offsetPeerKey !== undefined && peerKey > offsetPeerKey;
}

export function dialogsRoutes(): RpcRoute[] {
	return [
		on(Api.messages.GetDialogs, (ctx, request) => {
			const viewer = ctx.user();
			// A wrong access hash in offset_peer is refused like any input peer.
			const offsetPeerKey =
				request.offsetPeer instanceof Api.InputPeerEmpty
					? undefined
					: resolveInputPeer(ctx, request.offsetPeer).key;
			const all = dialogsOf(ctx.world, viewer.id);
			const paged = request.offsetDate > 0 || request.offsetId > 0 || offsetPeerKey !== undefined;
			const after = paged
				? all.filter((dialog) => isAfterOffset(dialog, request, offsetPeerKey))
				: all;
			const limit = Math.min(
				request.limit > 0 ? request.limit : DIALOGS_PAGE_MAX,
				DIALOGS_PAGE_MAX,
			);
			const page = after.slice(0, limit);
			const outbox = ctx.services.outbox;
			const dialogs = page.map(
				({ peerKey, top }) =>
					new Api.Dialog({
						peer: peerToTl(peerKey),
						topMessage: top.id,
						readInboxMaxId: top.id,
						readOutboxMaxId: top.id,
						unreadCount: 0,
						unreadMentionsCount: 0,
						unreadReactionsCount: 0,
						notifySettings: new Api.PeerNotifySettings({}),
						pts:
							parsePeerKey(peerKey).kind === 'channel'
								? ctx.services.counters.current(`pts:${peerKey}`)
								: undefined,
					}),
			);
			const messages = page.map((dialog) => topMessageView(outbox, dialog, viewer.id));
			const { users, chats } = entitiesFor(
				ctx.world,
				viewer.id,
				page.map((d) => d.peerKey),
				page.map((d) => d.top.fromId),
			);
			// The whole list in one answer is messages.dialogs; a part of it is a slice with the total.
			if (!paged && page.length === all.length)
				return new Api.messages.Dialogs({ dialogs, messages, chats, users }).getBytes();
			return new Api.messages.DialogsSlice({
				count: all.length,
				dialogs,
				messages,
				chats,
				users,
			}).getBytes();
		}),
	];
}
