import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import { call } from './call';
import { markedPeerId } from './peers';
import type { TelegramSession } from './pool';

/**
 * The account's chat list (messages.getDialogs), newest first, for the editor's chat pickers:
 * pages of 100, each starting after the previous page's last dialog (offset_date, offset_id and
 * offset_peer of its top message), as Telegram pages it.
 */

export interface DialogRecord {
	/** Bot-API style id, as items carry it in `chatId`. */
	id: string;
	title: string;
	username?: string;
	kind: 'user' | 'channel' | 'group';
}

export const DIALOG_PAGE = 100;
/** Pages read at most: the 500 most recent chats are enough for a picker (an ID can be typed). */
export const DIALOG_PAGES_MAX = 5;

function describe(gram: TelegramSession['gram'], entity: unknown): Omit<DialogRecord, 'id'> {
	const { Api } = gram;
	if (entity instanceof Api.User) {
		const name = [entity.firstName, entity.lastName].filter(Boolean).join(' ');
		return {
			title: entity.self ? 'Saved Messages' : name || entity.username || String(entity.id),
			username: entity.username ?? undefined,
			kind: 'user',
		};
	}
	if (entity instanceof Api.Channel)
		return { title: entity.title, username: entity.username ?? undefined, kind: 'channel' };
	if (entity instanceof Api.Chat) return { title: entity.title, kind: 'group' };
	return { title: 'unknown chat', kind: 'group' };
}

export async function listDialogs(session: TelegramSession, node: INode): Promise<DialogRecord[]> {
	const { Api, returnBigInt } = session.gram;
	const found = new Map<string, DialogRecord>();
	let offsetDate = 0;
	let offsetId = 0;
	let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
	for (let page = 0; page < DIALOG_PAGES_MAX; page++) {
		const answer = await call(
			session,
			new Api.messages.GetDialogs({
				offsetDate,
				offsetId,
				offsetPeer,
				limit: DIALOG_PAGE,
				hash: returnBigInt(0),
			}),
			{ node, doing: 'listing the chats of this account' },
		);
		if (answer instanceof Api.messages.DialogsNotModified) break;
		const entities = new Map<string, unknown>();
		for (const user of answer.users) entities.set(`user:${String(user.id)}`, user);
		for (const chat of answer.chats) {
			const prefix =
				chat instanceof Api.Channel || chat instanceof Api.ChannelForbidden ? 'channel' : 'chat';
			entities.set(`${prefix}:${String(chat.id)}`, chat);
		}
		const keyOf = (peer: Api.TypePeer) =>
			peer instanceof Api.PeerUser
				? `user:${String(peer.userId)}`
				: peer instanceof Api.PeerChannel
					? `channel:${String(peer.channelId)}`
					: `chat:${String(peer.chatId)}`;
		for (const dialog of answer.dialogs) {
			if (!(dialog instanceof Api.Dialog)) continue;
			const id = markedPeerId(dialog.peer);
			found.set(id, { id, ...describe(session.gram, entities.get(keyOf(dialog.peer))) });
		}
		const last = answer.dialogs.at(-1);
		if (answer instanceof Api.messages.Dialogs || !(last instanceof Api.Dialog)) break;
		const top = answer.messages.find(
			(message): message is Api.Message | Api.MessageService =>
				!(message instanceof Api.MessageEmpty) &&
				message.id === last.topMessage &&
				keyOf(message.peerId) === keyOf(last.peer),
		);
		if (!top) break;
		offsetDate = top.date;
		offsetId = top.id;
		offsetPeer = await session.client.getInputEntity(last.peer);
	}
	return [...found.values()];
}
