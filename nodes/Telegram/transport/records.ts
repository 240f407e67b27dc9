import type { Api } from 'telegram';
import { markedPeerId } from './peers';

/** A message as the pack hands it to operations: plain data, no gramjs objects. */
export interface MessageRecord {
	id: number;
	chatId: string;
	text: string;
	/** Unix seconds: when it was sent, or for a scheduled message when it is due. */
	date: number;
	scheduled: boolean;
	silent: boolean;
	groupedId?: string;
	replyToMessageId?: number;
	media?: { kind: 'photo' | 'video' | 'document' | 'other'; fileName?: string; mimeType?: string };
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
		date: message.date,
		scheduled,
		silent: message.silent === true,
	};
	if (message.groupedId) record.groupedId = message.groupedId.toString();
	if (message.replyTo?.className === 'MessageReplyHeader' && message.replyTo.replyToMsgId)
		record.replyToMessageId = message.replyTo.replyToMsgId;
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

/**
 * Matches the new messages in a send's Updates to the random_ids sent (UpdateMessageID), so each
 * item or album part gets its own id; a short answer (updateShortSentMessage) has one message.
 */
export function sentMessagesOf(answer: Api.TypeUpdates, randomIds: bigint[]): SentOutcome[] {
	if (answer.className === 'UpdateShortSentMessage')
		return randomIds.map(() => ({ id: answer.id }));
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
