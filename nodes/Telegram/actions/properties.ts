import type { INodeProperties } from 'n8n-workflow';
import { INT32_MAX } from '../../../shared/ids';
import {
	maxRateLimitWaitOption as rateLimitWaitOption,
	returnAllOrLimitFields,
} from '../../../shared/options';
import { DEFAULT_MAX_FLOOD_WAIT_SECONDS } from '../transport';

/*
 * Fields more than one operation uses, without displayOptions: each operation lists the ones it
 * needs and scopes its list once with updateDisplayOptions.
 */

/** A field every chat operation starts with. */
export const chatField: INodeProperties = {
	displayName: 'Chat',
	name: 'chat',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. @username, https://t.me/channel, +15550001111, -1001234567890 or me',
	description:
		'The chat: @username, t.me link, phone number (with +), numeric ID (channels -100…), or "me" for Saved Messages',
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
			{
				name: 'At a Time',
				value: 'at',
				description: "Schedule it: Telegram holds it in the chat's scheduled messages",
			},
			{
				name: 'When Online',
				value: 'online',
				description: 'Deliver when the other user is next online (private chats only)',
			},
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
		{
			name: 'Markdown',
			value: 'markdown',
			description: '**bold**, __italic__, `code`, [text](address)',
		},
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
	typeOptions: { minValue: 0, maxValue: INT32_MAX, numberPrecision: 0 },
	default: 0,
	description: 'The ID of a message in the same chat to reply to (0: none)',
};

export const topicOption: INodeProperties = {
	displayName: 'Topic ID',
	name: 'topicId',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: INT32_MAX, numberPrecision: 0 },
	default: 0,
	description:
		'In a group with topics (a forum), the topic to post in: the ID of the message that opened it. 0 posts to General.',
};

export const maxRateLimitWaitOption = rateLimitWaitOption(
	'Telegram',
	'FLOOD_WAIT',
	DEFAULT_MAX_FLOOD_WAIT_SECONDS,
);

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
