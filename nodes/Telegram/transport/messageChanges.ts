import type { Api } from 'telegram';
import type { TelegramSession } from './pool';
import { toMessageRecord, type MessageRecord } from './records';

/**
 * Edits and deletions as the trigger hands them on: updateEditMessage / updateEditChannelMessage
 * carry the whole new message; updateDeleteMessages carries only ids (Telegram does not say the
 * chat: ids are unique in the account's box), updateDeleteChannelMessages the channel too.
 */

/** A formatting entity as plain data: `type` is the TL name without `MessageEntity` (bold, textUrl, ...). */
export interface EntityRecord {
	type: string;
	offset: number;
	length: number;
	url?: string;
	userId?: string;
	language?: string;
	customEmojiId?: string;
}

export interface EditedMessageRecord extends MessageRecord {
	entities: EntityRecord[];
	/** Unix seconds of the edit. */
	editDate?: number;
}

export type MessageChangeEvent =
	| { event: 'messageEdited'; message: EditedMessageRecord; outgoing: boolean }
	| {
			event: 'messagesDeleted';
			messageIds: number[];
			/** Only for channels and supergroups: Telegram names no chat for the account's own box. */
			chatId?: string;
	  };

function entityRecord(entity: Api.TypeMessageEntity): EntityRecord {
	const name = entity.className.replace(/^MessageEntity/, '');
	const record: EntityRecord = {
		type: name.charAt(0).toLowerCase() + name.slice(1),
		offset: entity.offset,
		length: entity.length,
	};
	const fields = entity as Partial<{
		url: string;
		userId: { toString(): string };
		language: string;
		documentId: { toString(): string };
	}>;
	if (fields.url) record.url = fields.url;
	if (fields.userId !== undefined) record.userId = fields.userId.toString();
	if (fields.language) record.language = fields.language;
	if (fields.documentId !== undefined) record.customEmojiId = fields.documentId.toString();
	return record;
}

export function entitiesOf(message: Api.Message): EntityRecord[] {
	return (message.entities ?? []).map(entityRecord);
}

/** The edit or deletion an update reports, or undefined for any other update. */
export function messageChangeOf(
	gram: TelegramSession['gram'],
	update: unknown,
): MessageChangeEvent | undefined {
	const { Api } = gram;
	if (update instanceof Api.UpdateEditMessage || update instanceof Api.UpdateEditChannelMessage) {
		const message = update.message;
		if (!(message instanceof Api.Message)) return undefined;
		return {
			event: 'messageEdited',
			message: {
				...toMessageRecord(message, false),
				entities: entitiesOf(message),
				editDate: message.editDate,
			},
			outgoing: message.out === true,
		};
	}
	if (update instanceof Api.UpdateDeleteMessages)
		return { event: 'messagesDeleted', messageIds: [...update.messages] };
	if (update instanceof Api.UpdateDeleteChannelMessages)
		return {
			event: 'messagesDeleted',
			messageIds: [...update.messages],
			chatId: `-100${update.channelId.toString()}`,
		};
	return undefined;
}
