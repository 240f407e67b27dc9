import type { Api } from 'telegram';
import { settle } from '../../../shared/errors';
import { runBounded } from '../../../shared/pool';
import { call, rpcFailureOf, type CallOptions } from './call';
import { formatText, type Formatting } from './formatting';
import type { ResolvedChat } from './peers';
import type { TelegramSession } from './pool';
import {
	messagesOfList,
	messagesOfUpdates,
	sentIdsOfScheduled,
	sentMessagesOf,
	type MessageRecord,
	type SentOutcome,
	type SentRequest,
} from './records';
import { uploadBytes } from './upload';

export interface SendFlags {
	/** Unix seconds; undefined sends now. */
	scheduleDate?: number;
	silent?: boolean;
	replyToMessageId?: number;
	/** A forum topic (the id of its first message): sent as reply_to with top_msg_id. */
	topicId?: number;
}

export interface TextToSend extends SendFlags {
	text: string;
	formatting: Formatting;
	noWebpage?: boolean;
	randomId: bigint;
}

/**
 * What a send did: the message(s) Telegram answered with (new ones, or for a repeated random_id
 * the originals), or that Telegram refused the random_id as used (RANDOM_ID_DUPLICATE).
 */
export type SendResult =
	| { refusedAsDuplicate: false; sent: SentOutcome[] }
	| { refusedAsDuplicate: true };

/** A reply, and/or a post in a forum topic (reply_to the topic, with top_msg_id naming it). */
function replyTo(session: TelegramSession, flags: SendFlags): Api.TypeInputReplyTo | undefined {
	const { replyToMessageId, topicId } = flags;
	if (!replyToMessageId && !topicId) return undefined;
	return new session.gram.Api.InputReplyToMessage({
		replyToMsgId: (replyToMessageId || topicId) as number,
		topMsgId: topicId || undefined,
	});
}

/**
 * Telegram answers a repeated random_id with the original message, or refuses it as
 * RANDOM_ID_DUPLICATE: either way an earlier attempt of this very message arrived, and nothing
 * more is sent.
 */
async function sendOnceByRandomId(
	send: () => Promise<Api.TypeUpdates>,
	randomIds: bigint[],
	request?: SentRequest,
): Promise<SendResult> {
	const outcome = await settle(send());
	if (outcome.ok)
		return { refusedAsDuplicate: false, sent: sentMessagesOf(outcome.value, randomIds, request) };
	if (rpcFailureOf(outcome.error)?.name === 'RANDOM_ID_DUPLICATE')
		return { refusedAsDuplicate: true };
	throw outcome.error;
}

/**
 * The scheduled messages an earlier attempt made, for a send refused as RANDOM_ID_DUPLICATE:
 * found in the chat's queue by text (captions, in order) and due date. Empty when not found.
 */
export async function findScheduledCopies(
	session: TelegramSession,
	chat: ResolvedChat,
	texts: string[],
	scheduleDate: number,
	options: CallOptions,
): Promise<MessageRecord[]> {
	const queue = (await listScheduled(session, chat, options)).sort((a, b) => a.id - b.id);
	for (let start = 0; start + texts.length <= queue.length; start++) {
		const run = queue.slice(start, start + texts.length);
		if (
			run.every((message, index) => message.text === texts[index] && message.date === scheduleDate)
		)
			return run;
	}
	return [];
}

export async function sendText(
	session: TelegramSession,
	chat: ResolvedChat,
	message: TextToSend,
	options: CallOptions,
): Promise<SendResult> {
	const { Api, returnBigInt } = session.gram;
	const { text, entities } = formatText(session.gram, message.text, message.formatting);
	const request = new Api.messages.SendMessage({
		peer: chat.inputPeer,
		message: text,
		entities,
		randomId: returnBigInt(message.randomId),
		scheduleDate: message.scheduleDate,
		silent: message.silent || undefined,
		noWebpage: message.noWebpage || undefined,
		replyTo: replyTo(session, message),
	});
	return await sendOnceByRandomId(
		async () => await call(session, request, options),
		[message.randomId],
		{
			chatId: chat.id,
			text,
			entities,
			silent: message.silent === true,
			replyToMessageId: message.replyToMessageId,
		},
	);
}

export type AlbumItemKind = 'photo' | 'video' | 'document';

export interface AlbumItem {
	kind: AlbumItemKind;
	source:
		| { type: 'bytes'; data: Buffer; fileName: string; mimeType: string }
		| { type: 'url'; url: string };
	caption: string;
	randomId: bigint;
}

export interface AlbumToSend extends SendFlags {
	items: AlbumItem[];
	formatting: Formatting;
	background?: boolean;
	clearDraft?: boolean;
}

function uploadedMedia(
	session: TelegramSession,
	item: AlbumItem,
	file: Api.TypeInputFile,
	source: { fileName: string; mimeType: string },
): Api.TypeInputMedia {
	const { Api } = session.gram;
	if (item.kind === 'photo') return new Api.InputMediaUploadedPhoto({ file });
	const attributes: Api.TypeDocumentAttribute[] = [
		new Api.DocumentAttributeFilename({ fileName: source.fileName }),
	];
	if (item.kind === 'video')
		attributes.push(
			new Api.DocumentAttributeVideo({ duration: 0, w: 0, h: 0, supportsStreaming: true }),
		);
	return new Api.InputMediaUploadedDocument({
		file,
		mimeType: source.mimeType,
		attributes,
		forceFile: item.kind === 'document' || undefined,
	});
}

/** An album item as Telegram wants it in sendMultiMedia: uploaded (or fetched by URL) first, then referenced. */
async function albumMedia(
	session: TelegramSession,
	chat: ResolvedChat,
	item: AlbumItem,
	index: number,
	options: CallOptions,
): Promise<Api.TypeInputMedia> {
	const { Api } = session.gram;
	let media: Api.TypeInputMedia;
	if (item.source.type === 'url') {
		media =
			item.kind === 'photo'
				? new Api.InputMediaPhotoExternal({ url: item.source.url })
				: new Api.InputMediaDocumentExternal({ url: item.source.url });
	} else {
		const file = await uploadBytes(session, item.source.data, item.source.fileName, options);
		media = uploadedMedia(session, item, file, item.source);
	}
	const stored = await call(
		session,
		new Api.messages.UploadMedia({ peer: chat.inputPeer, media }),
		{ ...options, doing: `preparing album item ${index + 1}` },
	);
	if (stored.className === 'MessageMediaPhoto' && stored.photo?.className === 'Photo') {
		const { id, accessHash, fileReference } = stored.photo;
		return new Api.InputMediaPhoto({ id: new Api.InputPhoto({ id, accessHash, fileReference }) });
	}
	if (stored.className === 'MessageMediaDocument' && stored.document?.className === 'Document') {
		const { id, accessHash, fileReference } = stored.document;
		return new Api.InputMediaDocument({
			id: new Api.InputDocument({ id, accessHash, fileReference }),
		});
	}
	throw new Error(
		`Telegram turned album item ${index + 1} into ${stored.className}, which an album cannot hold`,
	);
}

/** Album parts prepared at once: one after another, ten parts cost ten round trips or more. */
export const ALBUM_PARTS_AT_ONCE = 4;

/**
 * Every album item uploaded and stored, ALBUM_PARTS_AT_ONCE at a time; after a failure no further
 * item starts, and the failure of the earliest failing item is thrown (as one by one would).
 */
async function allAlbumMedia(
	session: TelegramSession,
	chat: ResolvedChat,
	items: AlbumItem[],
	options: CallOptions,
): Promise<Api.TypeInputMedia[]> {
	const media: Api.TypeInputMedia[] = new Array(items.length);
	const failures = new Map<number, unknown>();
	await runBounded(
		items.length,
		ALBUM_PARTS_AT_ONCE,
		async (index) => {
			const outcome = await settle(albumMedia(session, chat, items[index], index, options));
			if (outcome.ok) media[index] = outcome.value;
			else failures.set(index, outcome.error);
		},
		() => failures.size > 0,
	);
	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return media;
}

export async function sendAlbum(
	session: TelegramSession,
	chat: ResolvedChat,
	album: AlbumToSend,
	options: CallOptions,
): Promise<SendResult> {
	const { Api, returnBigInt } = session.gram;
	const randomIds = album.items.map((item) => item.randomId);
	return await sendOnceByRandomId(async () => {
		const media = await allAlbumMedia(session, chat, album.items, options);
		const multiMedia = album.items.map((item, index) => {
			const { text, entities } = formatText(session.gram, item.caption, album.formatting);
			return new Api.InputSingleMedia({
				media: media[index],
				randomId: returnBigInt(item.randomId),
				message: text,
				entities,
			});
		});
		const request = new Api.messages.SendMultiMedia({
			peer: chat.inputPeer,
			multiMedia,
			scheduleDate: album.scheduleDate,
			silent: album.silent || undefined,
			background: album.background || undefined,
			clearDraft: album.clearDraft || undefined,
			replyTo: replyTo(session, album),
		});
		return await call(session, request, options);
	}, randomIds);
}

export async function listScheduled(
	session: TelegramSession,
	chat: ResolvedChat,
	options: CallOptions,
): Promise<MessageRecord[]> {
	const { Api, returnBigInt } = session.gram;
	const answer = await call(
		session,
		new Api.messages.GetScheduledHistory({ peer: chat.inputPeer, hash: returnBigInt(0) }),
		options,
	);
	return messagesOfList(answer, true);
}

/** Sends scheduled messages now; returns the id each one got once sent (when Telegram says). */
export async function sendScheduledNow(
	session: TelegramSession,
	chat: ResolvedChat,
	ids: number[],
	options: CallOptions,
): Promise<Map<number, number>> {
	const answer = await call(
		session,
		new session.gram.Api.messages.SendScheduledMessages({ peer: chat.inputPeer, id: ids }),
		options,
	);
	return sentIdsOfScheduled(answer);
}

export async function deleteScheduled(
	session: TelegramSession,
	chat: ResolvedChat,
	ids: number[],
	options: CallOptions,
): Promise<void> {
	await call(
		session,
		new session.gram.Api.messages.DeleteScheduledMessages({ peer: chat.inputPeer, id: ids }),
		options,
	);
}

/**
 * Moves a scheduled message (with its album, which Telegram moves as one) to a new time.
 * MESSAGE_NOT_MODIFIED means it is already due then: a retry of a reschedule that worked.
 */
export async function reschedule(
	session: TelegramSession,
	chat: ResolvedChat,
	id: number,
	scheduleDate: number,
	options: CallOptions,
): Promise<MessageRecord[] | 'unchanged'> {
	const request = new session.gram.Api.messages.EditMessage({
		peer: chat.inputPeer,
		id,
		scheduleDate,
	});
	const outcome = await settle(call(session, request, options));
	if (outcome.ok) return messagesOfUpdates(outcome.value);
	if (rpcFailureOf(outcome.error)?.name === 'MESSAGE_NOT_MODIFIED') return 'unchanged';
	throw outcome.error;
}
