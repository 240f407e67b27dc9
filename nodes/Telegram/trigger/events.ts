import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { messageOutput } from '../actions/output';
import { secretChatOutput } from '../actions/secretChat/output';
import type { SecretEntity, TelegramUpdateEvent } from '../transport';
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
	{
		name: 'Secret Chat Timer Set',
		value: 'secretChatTimerSet',
		description: 'The other side set (or switched off) the self-destruct timer of a secret chat',
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
	if (event.event === 'secretMessage' && event.delivered.message.kind === 'service')
		return secretServiceItem(event, filter);
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
			if (message.kind !== 'message') return undefined;
			const item: IDataObject = {
				event: event.event,
				chatId: event.state.chatId,
				userId: event.state.peerUserId,
				text: message.text,
				randomId: message.randomId.toString(),
				date: new Date(event.date * 1000).toISOString(),
				hasMedia: message.hasMedia,
				// Seconds the message should live once read (0: no timer); the sender's apps delete it then.
				ttlSeconds: message.ttl,
				entities: (message.entities ?? []).map(entityOutput),
				silent: message.silent === true,
				layer,
				inSeqNo,
				outSeqNo,
			};
			if (message.replyToRandomId !== undefined)
				item.replyToRandomId = message.replyToRandomId.toString();
			if (message.viaBotName !== undefined) item.viaBotName = message.viaBotName;
			if (message.groupedId !== undefined) item.albumId = message.groupedId.toString();
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

/** An entity as items show it: 64-bit ids as decimal strings. */
function entityOutput(entity: SecretEntity): IDataObject {
	return entity.type === 'customEmoji'
		? { ...entity, documentId: entity.documentId.toString() }
		: { ...entity };
}

/** Service actions (layer notices, re-keying, resends) are the protocol's; only a timer is the user's. */
function secretServiceItem(
	event: Extract<TelegramUpdateEvent, { event: 'secretMessage' }>,
	filter: EventFilter,
): IDataObject | undefined {
	const { message, layer, outSeqNo } = event.delivered;
	if (message.kind !== 'service' || message.action.kind !== 'setMessageTtl') return undefined;
	if (!filter.events.includes('secretChatTimerSet')) return undefined;
	return {
		event: 'secretChatTimerSet',
		chatId: event.state.chatId,
		userId: event.state.peerUserId,
		ttlSeconds: message.action.ttlSeconds,
		randomId: message.randomId.toString(),
		date: new Date(event.date * 1000).toISOString(),
		layer,
		outSeqNo,
	};
}
