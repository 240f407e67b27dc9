import type { Api } from 'telegram';
import { markedPeerId } from './peers';

/** A message as the pack hands it to operations: plain data, no gramjs objects. */
export interface MessageRecord {
	id: number;
	chatId: string;
	/** The text as Telegram holds it: markup already turned into `entities`. */
	text: string;
	entities: EntityRecord[];
	/** Unix seconds: when it was sent, or for a scheduled message when it is due. */
	date: number;
	scheduled: boolean;
	silent: boolean;
	groupedId?: string;
	replyToMessageId?: number;
	/** The forum topic it was posted in (the id of the topic's first message). */
	topicId?: number;
	media?: { kind: 'photo' | 'video' | 'document' | 'other'; fileName?: string; mimeType?: string };
}

/** A formatting entity as plain data: type (bold, italic, textUrl, ...), UTF-16 offset and length. */
export interface EntityRecord {
	type: string;
	offset: number;
	length: number;
	url?: string;
	language?: string;
	userId?: string;
}

export function entityRecords(entities: Api.TypeMessageEntity[] | undefined): EntityRecord[] {
	return (entities ?? []).map((entity) => {
		const name = entity.className.replace(/^MessageEntity/, '');
		const record: EntityRecord = {
			type: name.charAt(0).toLowerCase() + name.slice(1),
			offset: entity.offset,
			length: entity.length,
		};
		if ('url' in entity && typeof entity.url === 'string') record.url = entity.url;
		if ('language' in entity && entity.language) record.language = entity.language;
		if ('userId' in entity && entity.userId !== undefined) record.userId = String(entity.userId);
		return record;
	});
}

function mediaOf(media: Api.TypeMessageMedia | undefined): MessageRecord['media'] {
	if (!media) return undefined;
	if (media.className === 'MessageMediaPhoto') return { kind: 'photo' };
	if (media.className === 'MessageMediaDocument' && media.document?.className === 'Document') {
		const { attributes, mimeType } = media.document;
		const fileName = attributes.find(
			(attribute): attribute is Api.DocumentAttributeFilename =>
				attribute.className === 'DocumentAttributeFilename',
		)?.fileName;
		const video =
			media.video === true ||
			attributes.some((attribute) => attribute.className === 'DocumentAttributeVideo');
		return { kind: video ? 'video' : 'document', fileName, mimeType };
	}
	return { kind: 'other' };
}

export function toMessageRecord(message: Api.Message, scheduled: boolean): MessageRecord {
	const record: MessageRecord = {
		id: message.id,
		chatId: markedPeerId(message.peerId),
		text: message.message ?? '',
		entities: entityRecords(message.entities),
		date: message.date,
		scheduled,
		silent: message.silent === true,
	};
	if (message.groupedId) record.groupedId = message.groupedId.toString();
	const reply = message.replyTo?.className === 'MessageReplyHeader' ? message.replyTo : undefined;
	if (reply?.forumTopic) {
		// In a topic, reply_to_msg_id is the topic itself unless reply_to_top_id names it.
		record.topicId = reply.replyToTopId ?? reply.replyToMsgId;
		if (reply.replyToTopId && reply.replyToMsgId) record.replyToMessageId = reply.replyToMsgId;
	} else if (reply?.replyToMsgId) record.replyToMessageId = reply.replyToMsgId;
	const media = mediaOf(message.media);
	if (media) record.media = media;
	return record;
}

/** The messages a list answer carries (getScheduledHistory and friends). */
export function messagesOfList(
	answer: Api.messages.TypeMessages,
	scheduled: boolean,
): MessageRecord[] {
	if (answer.className === 'messages.MessagesNotModified') return [];
	return answer.messages
		.filter((message): message is Api.Message => message.className === 'Message')
		.map((message) => toMessageRecord(message, scheduled));
}

function updatesList(answer: Api.TypeUpdates): Api.TypeUpdate[] {
	if (answer.className === 'Updates' || answer.className === 'UpdatesCombined')
		return answer.updates;
	if (answer.className === 'UpdateShort') return [answer.update];
	return [];
}

/** What a send answered, per random_id asked for, in that order. */
export interface SentOutcome {
	id?: number;
	message?: MessageRecord;
}

/** What was asked of a send, for the short answer that does not repeat it. */
export interface SentRequest {
	chatId: string;
	text: string;
	entities?: Api.TypeMessageEntity[];
	silent: boolean;
	replyToMessageId?: number;
}

/**
 * Matches the new messages in a send's Updates to the random_ids sent (UpdateMessageID), so each
 * item or album part gets its own id. A short answer (updateShortSentMessage: a text sent now to
 * a private chat) carries only id, date and entities; the rest is what was sent, so the output is
 * the same as for a channel.
 */
export function sentMessagesOf(
	answer: Api.TypeUpdates,
	randomIds: bigint[],
	request?: SentRequest,
): SentOutcome[] {
	if (answer.className === 'UpdateShortSentMessage') {
		const message: MessageRecord | undefined = request && {
			id: answer.id,
			chatId: request.chatId,
			text: request.text,
			entities: entityRecords(answer.entities ?? request.entities),
			date: answer.date,
			scheduled: false,
			silent: request.silent,
		};
		if (message && request?.replyToMessageId) message.replyToMessageId = request.replyToMessageId;
		return randomIds.map(() => ({ id: answer.id, message }));
	}
	const updates = updatesList(answer);
	const idByRandomId = new Map<string, number>();
	const messageById = new Map<number, MessageRecord>();
	for (const update of updates) {
		if (update.className === 'UpdateMessageID' && update.randomId !== undefined)
			idByRandomId.set(update.randomId.toString(), update.id);
		const scheduled = update.className === 'UpdateNewScheduledMessage';
		if (
			(scheduled ||
				update.className === 'UpdateNewMessage' ||
				update.className === 'UpdateNewChannelMessage') &&
			update.message.className === 'Message'
		) {
			messageById.set(update.message.id, toMessageRecord(update.message, scheduled));
		}
	}
	return randomIds.map((randomId) => {
		const id = idByRandomId.get(randomId.toString());
		return { id, message: id === undefined ? undefined : messageById.get(id) };
	});
}

/** The messages an answer (edit, send scheduled now) carries, scheduled or not. */
export function messagesOfUpdates(answer: Api.TypeUpdates): MessageRecord[] {
	const records: MessageRecord[] = [];
	for (const update of updatesList(answer)) {
		const scheduled = update.className === 'UpdateNewScheduledMessage';
		const edited =
			update.className === 'UpdateEditMessage' || update.className === 'UpdateEditChannelMessage';
		if (
			(scheduled ||
				edited ||
				update.className === 'UpdateNewMessage' ||
				update.className === 'UpdateNewChannelMessage') &&
			update.message.className === 'Message'
		) {
			records.push(toMessageRecord(update.message, scheduled));
		}
	}
	return records;
}

/** Scheduled id -> id of the message it became, from updateDeleteScheduledMessages.sent_messages. */
export function sentIdsOfScheduled(answer: Api.TypeUpdates): Map<number, number> {
	const sentIds = new Map<number, number>();
	for (const update of updatesList(answer)) {
		if (update.className !== 'UpdateDeleteScheduledMessages' || !update.sentMessages) continue;
		update.messages.forEach((scheduledId, index) => {
			const sentId = update.sentMessages?.[index];
			if (sentId !== undefined) sentIds.set(scheduledId, sentId);
		});
	}
	return sentIds;
}
