import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { messageOutput } from '../actions/output';
import type { MessageChangeEvent } from '../transport';
import type { RecentChats } from './recentChats';

export const MESSAGE_EDITED_OPTION: INodePropertyOptions = {
	name: 'Message Edited',
	value: 'messageEdited',
	description: 'A message in a regular chat or channel was edited: its new text and formatting',
};

export const MESSAGES_DELETED_OPTION: INodePropertyOptions = {
	name: 'Messages Deleted',
	value: 'messagesDeleted',
	description: 'Messages were deleted: their IDs, and the chat when known',
};

/** The item of an edit or a deletion, or undefined when the trigger does not want it. */
export function messageChangeItem(
	event: MessageChangeEvent,
	options: { includeOutgoing: boolean; recentChats?: RecentChats },
	zone: string,
): IDataObject | undefined {
	if (event.event === 'messageEdited') {
		if (event.outgoing && !options.includeOutgoing) return undefined;
		const { message } = event;
		return {
			event: event.event,
			...messageOutput(message, zone),
			editedAt:
				message.editDate === undefined
					? null
					: DateTime.fromSeconds(message.editDate, { zone }).toISO(),
			outgoing: event.outgoing,
		};
	}
	const chatId = event.chatId ?? options.recentChats?.chatOf(event.messageIds);
	const item: IDataObject = {
		event: event.event,
		chatId: chatId ?? null,
		messageIds: event.messageIds,
	};
	if (chatId === undefined)
		item.note =
			'Telegram does not say which chat messages of private chats and basic groups were deleted from; the trigger had not seen them.';
	return item;
}
