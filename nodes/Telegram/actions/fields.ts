import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { maxRateLimitWaitOption as rateLimitWaitOption, readMaxWait, returnAllOrLimitFields } from '../../../shared/options';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { fieldError, settle } from '../../../shared/errors';
import { stopSignalOf } from '../../../shared/stop';
import { assertWithinWindow, formatInZone, parseTimeInput, TimeInputError, toUnixSeconds } from '../../../shared/time';
import {
	ChatReferenceError,
	DEFAULT_MAX_FLOOD_WAIT_SECONDS,
	parseChatReference,
	resolveChat,
	UnknownChatError,
	type CallOptions,
	type ChatReference,
	type Formatting,
	type ResolvedChat,
	type TelegramSession,
} from '../transport';

/**
 * Telegram sends at once what is scheduled less than ~10 s ahead, so a nearer time would not be
 * "scheduled" at all; and it refuses more than ~367 days ahead (365 leaves a margin).
 */
export const SCHEDULE_WINDOW = { min: { seconds: 10 }, max: { days: 365 } };
/** schedule_date that asks Telegram to deliver when the other user is next online. */
export const WHEN_ONLINE = 0x7ffffffe;

/** A field every chat operation starts with. */
export const chatField: INodeProperties = {
	displayName: 'Chat',
	name: 'chat',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. @username, https://t.me/channel, +15550001111, -1001234567890 or me',
	description: 'The chat: @username, t.me link, phone number (with +), numeric ID (channels -100…), or "me" for Saved Messages',
};

/** The message text field of the send operations. */
export const textField: INodeProperties = {
	displayName: 'Text',
	name: 'text',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	description: 'The message, up to 4096 characters',
};

export const sendAtField: INodeProperties = {
	displayName: 'Send At',
	name: 'sendAt',
	type: 'dateTime',
	default: '',
	required: true,
	description:
		"When Telegram should send it: 10 seconds to 365 days from now. A time without an offset is read in the workflow's time zone; Unix seconds and {{ $now.plus({ hours: 1 }) }} work too.",
};

/** Send (now, at a time, when online) and the Send At shown for "at a time". */
export const sendWhenFields: INodeProperties[] = [
	{
		displayName: 'Send',
		name: 'sendWhen',
		type: 'options',
		default: 'now',
		options: [
			{ name: 'Now', value: 'now', description: 'Send at once' },
			{ name: 'At a Time', value: 'at', description: "Schedule it: Telegram holds it in the chat's scheduled messages" },
			{ name: 'When Online', value: 'online', description: 'Deliver when the other user is next online (private chats only)' },
		],
	},
	{ ...sendAtField, displayOptions: { show: { sendWhen: ['at'] } } },
];

export const formattingOption: INodeProperties = {
	displayName: 'Formatting',
	name: 'formatting',
	type: 'options',
	default: 'none',
	options: [
		{ name: 'None', value: 'none', description: 'Send the text as it is' },
		{ name: 'Markdown', value: 'markdown', description: '**bold**, __italic__, `code`, [text](address)' },
		{ name: 'HTML', value: 'html', description: 'Tags b, i, u, s, code, pre and a' },
	],
};

export const silentOption: INodeProperties = {
	displayName: 'Silent',
	name: 'silent',
	type: 'boolean',
	default: false,
	description: 'Whether to send without a notification sound',
};

export const replyToOption: INodeProperties = {
	displayName: 'Reply To Message ID',
	name: 'replyToMessageId',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description: 'The ID of a message in the same chat to reply to (0: none)',
};

export const maxRateLimitWaitOption = rateLimitWaitOption('Telegram', 'FLOOD_WAIT', DEFAULT_MAX_FLOOD_WAIT_SECONDS);

/** The Options collection of an operation whose only option is the flood-wait limit. */
export const floodWaitOnlyOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [maxRateLimitWaitOption],
};

/** Return All and Limit; each operation scopes them with its own displayOptions. */
export const returnAllOrLimit = returnAllOrLimitFields({});

export function readOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return context.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

export function callOptions(context: IExecuteFunctions, itemIndex: number, doing: string): CallOptions {
	const maxFloodWaitSeconds = readMaxWait(context, itemIndex);
	return { node: context.getNode(), itemIndex, maxFloodWaitSeconds, doing, signal: stopSignalOf(context) };
}

export function readFormatting(options: IDataObject): Formatting {
	return options.formatting === 'markdown' || options.formatting === 'html' ? options.formatting : 'none';
}

export function readReplyTo(options: IDataObject): number | undefined {
	const id = Number(options.replyToMessageId ?? 0);
	return Number.isInteger(id) && id > 0 ? id : undefined;
}

export function readChat(context: IExecuteFunctions, itemIndex: number): ChatReference {
	try {
		return parseChatReference(context.getNodeParameter('chat', itemIndex, ''));
	} catch (error) {
		if (error instanceof ChatReferenceError) throw fieldError(context.getNode(), 'Chat', error.message, error.fix, itemIndex);
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

/** Resolves a chat; "not found" becomes an error on the Chat field. */
export async function findChat(context: IExecuteFunctions, session: TelegramSession, reference: ChatReference, itemIndex: number): Promise<ResolvedChat> {
	const outcome = await settle(resolveChat(session, reference, callOptions(context, itemIndex, 'looking up the chat')));
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof UnknownChatError) throw fieldError(context.getNode(), 'Chat', outcome.error.message, outcome.error.fix, itemIndex);
	throw outcome.error;
}

/** A schedule time inside SCHEDULE_WINDOW, as Unix seconds. */
export function readScheduleTime(context: IExecuteFunctions, itemIndex: number, field = 'sendAt', label = 'Send At'): number {
	const zone = context.getTimezone();
	try {
		const time = parseTimeInput(context.getNodeParameter(field, itemIndex), zone);
		assertWithinWindow(time, SCHEDULE_WINDOW, zone, DateTime.now());
		return toUnixSeconds(time);
	} catch (error) {
		if (error instanceof TimeInputError) throw fieldError(context.getNode(), label, error.message, error.fix, itemIndex);
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

/** Send: undefined for now, a Unix time, or WHEN_ONLINE. */
export function readSendWhen(context: IExecuteFunctions, itemIndex: number): number | undefined {
	const when = context.getNodeParameter('sendWhen', itemIndex, 'now') as string;
	if (when === 'at') return readScheduleTime(context, itemIndex);
	if (when === 'online') return WHEN_ONLINE;
	return undefined;
}

/** "When Online" only works in a private chat with someone else; refused before anything is sent. */
export function assertWhenOnlineFits(context: IExecuteFunctions, chat: ResolvedChat, scheduleDate: number | undefined, itemIndex: number) {
	if (scheduleDate !== WHEN_ONLINE) return;
	if (chat.type !== 'user' || chat.inputPeer.className === 'InputPeerSelf') {
		throw fieldError(context.getNode(), 'Send', `"When Online" needs a private chat with another user, and ${chat.title} is not one`, 'Pick "At a Time" or "Now" for groups, channels and Saved Messages.', itemIndex);
	}
}

export function describeSchedule(scheduleDate: number | undefined, zone: string): IDataObject {
	if (scheduleDate === undefined) return { scheduled: false };
	if (scheduleDate === WHEN_ONLINE) return { scheduled: true, scheduledFor: 'when online' };
	return { scheduled: true, scheduledFor: DateTime.fromSeconds(scheduleDate, { zone }).toISO(), scheduledForText: formatInZone(DateTime.fromSeconds(scheduleDate), zone) };
}
