import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { messageOutput } from '../actions/output';
import { secretChatOutput } from '../actions/secretChat/output';
import type { TelegramUpdateEvent } from '../transport';
import {
	MESSAGE_EDITED_OPTION,
	MESSAGES_DELETED_OPTION,
	messageChangeItem,
} from './messageChanges';
import type { RecentChats } from './recentChats';
import { secretMediaOutput } from './secretMedia';

export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Encrypted Message Received',
		value: 'secretMessage',
		description: 'A message in a secret chat, decrypted',
	},
	MESSAGE_EDITED_OPTION,
	MESSAGES_DELETED_OPTION,
	{ name: 'New Message', value: 'message', description: 'A message in a regular (cloud) chat' },
	{
		name: 'Scheduled Message Sent',
		value: 'scheduledSent',
		description:
			'A scheduled message of this account went out (its time came, or it was sent now), with its scheduled ID',
	},
	{
		name: 'Secret Chat Accepted',
		value: 'secretChatAccepted',
		description: 'A secret chat became usable: the other side accepted ours, or we accepted theirs',
	},
	{
		name: 'Secret Chat Closed',
		value: 'secretChatClosed',
		description: 'The other side discarded a secret chat',
	},
	{
		name: 'Secret Chat Request',
		value: 'secretChatRequested',
		description: 'Someone asked this account for a secret chat',
	},
];

export interface EventFilter {
	events: string[];
	includeOutgoing: boolean;
	/** Names the chat of deletions Telegram reports by message id only. */
	recentChats?: RecentChats;
}

/** The item an event starts the workflow with, or undefined when the trigger does not want it. */
export function eventItem(
	event: TelegramUpdateEvent,
	filter: EventFilter,
	zone: string,
): IDataObject | undefined {
	if (!filter.events.includes(event.event)) return undefined;
	switch (event.event) {
		case 'message':
			if (event.outgoing && !filter.includeOutgoing) return undefined;
			return {
				event: event.event,
				...messageOutput(event.message, zone),
				outgoing: event.outgoing,
			};
		case 'scheduledSent':
			return {
				event: event.event,
				scheduledMessageId: event.scheduledId ?? null,
				...messageOutput(event.message, zone),
			};
		case 'secretMessage': {
			const { message, layer, inSeqNo, outSeqNo } = event.delivered;
			// Service actions (layer notices, re-keying, resends) are the protocol's, not the user's.
			if (message.kind !== 'message') return undefined;
			const item: IDataObject = {
				event: event.event,
				chatId: event.state.chatId,
				userId: event.state.peerUserId,
				text: message.text,
				randomId: message.randomId.toString(),
				date: new Date(event.date * 1000).toISOString(),
				hasMedia: message.hasMedia,
				layer,
				inSeqNo,
				outSeqNo,
			};
			if (message.replyToRandomId !== undefined)
				item.replyToRandomId = message.replyToRandomId.toString();
			if (message.media) item.media = secretMediaOutput(message.media, message.text);
			return item;
		}
		case 'messageEdited':
		case 'messagesDeleted':
			return messageChangeItem(event, filter, zone);
		case 'secretChatRequested':
		case 'secretChatAccepted':
		case 'secretChatClosed':
			return { event: event.event, ...secretChatOutput(event.state, zone) };
		default:
			return undefined;
	}
}
