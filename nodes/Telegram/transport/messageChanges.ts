import type { TelegramSession } from './pool';
import { toMessageRecord, type MessageRecord } from './records';

/**
 * Edits and deletions as the trigger hands them on: updateEditMessage / updateEditChannelMessage
 * carry the whole new message; updateDeleteMessages carries only ids (Telegram does not say the
 * chat: ids are unique in the account's box), updateDeleteChannelMessages the channel too.
 */

export interface EditedMessageRecord extends MessageRecord {
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
