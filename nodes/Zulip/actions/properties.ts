import type { INodeProperties } from 'n8n-workflow';
import { maxRateLimitWaitOption, optionsProperty } from '../../../shared/options';

/** Properties several operations share; each operation scopes them with updateDisplayOptions. */

export const channelLocator: INodeProperties = {
	displayName: 'Channel',
	name: 'channel',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The channel (stream) to post in',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchChannels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 14',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\d+$', errorMessage: 'A channel ID is a whole number' },
				},
			],
		},
	],
};

export const usersField: INodeProperties = {
	displayName: 'User Names or IDs',
	name: 'users',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: [],
	required: true,
	description:
		'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	hint: 'Who receives the direct message. An expression may give user IDs or emails, as a list or separated by commas.',
};

/** Type, channel, topic and users: the recipient fields of Create and Send. */
export const recipientFields: INodeProperties[] = [
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		default: 'channel',
		options: [
			{ name: 'Channel Message', value: 'channel' },
			{ name: 'Direct Message', value: 'direct' },
		],
	},
	{ ...channelLocator, displayOptions: { show: { messageType: ['channel'] } } },
	{
		displayName: 'Topic',
		name: 'topic',
		type: 'string',
		default: '',
		required: true,
		description: 'The topic within the channel',
		displayOptions: { show: { messageType: ['channel'] } },
	},
	{ ...usersField, displayOptions: { show: { messageType: ['direct'] } } },
];

export const contentField: INodeProperties = {
	displayName: 'Content',
	name: 'content',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	description: 'The message text, in Zulip Markdown',
};

export const sendAtField: INodeProperties = {
	displayName: 'Send At',
	name: 'sendAt',
	type: 'dateTime',
	default: '',
	required: true,
	description:
		"When Zulip should send the message. A time without an offset is read in the workflow's time zone; Unix seconds and {{ $now.plus({ hours: 1 }) }} work too.",
};

export const scheduledMessageIdField: INodeProperties = {
	displayName: 'Scheduled Message ID',
	name: 'scheduledMessageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 42',
	description:
		'The scheduled_message_id that Create or Get Many returned (not the ID the message gets once sent)',
};

/** The Options collection each operation has: the rate-limit wait plus the operation's own. */
export function optionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return optionsProperty([maxRateLimitWaitOption('Zulip'), ...extra]);
}
