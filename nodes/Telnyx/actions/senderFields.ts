import type { INodeProperties } from 'n8n-workflow';
import { messagingProfileField } from './properties';
import { ALPHANUMERIC_SENDER_PATTERN, SHORT_CODE_PATTERN } from './sender';

/** The sender properties: Send From, then the field (or fields) of the chosen kind. */

const regex = (pattern: string, errorMessage: string) => [
	{ type: 'regex' as const, properties: { regex: pattern, errorMessage } },
];

export const fromNumberField: INodeProperties = {
	displayName: 'From Number',
	name: 'fromNumber',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'One of your Telnyx numbers with a messaging profile',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchPhoneNumbers', searchable: true },
		},
		{
			displayName: 'Number',
			name: 'number',
			type: 'string',
			placeholder: 'e.g. +15551234567',
			validation: regex('^\\+[1-9]\\d{7,14}$', 'Write the number in E.164 form, e.g. +15551234567'),
		},
	],
};

const shortCodeField: INodeProperties = {
	displayName: 'Short Code',
	name: 'shortCode',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'One of your Telnyx short codes (5 or 6 digits) with a messaging profile',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchShortCodes', searchable: true },
		},
		{
			displayName: 'Code',
			name: 'code',
			type: 'string',
			placeholder: 'e.g. 12345',
			validation: regex(SHORT_CODE_PATTERN, 'A short code is 5 or 6 digits'),
		},
	],
};

const alphanumericSenderField: INodeProperties = {
	displayName: 'Alphanumeric Sender ID',
	name: 'alphanumericSenderId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		"One of the messaging profile's sender IDs: the name recipients see. SMS only, one-way, and not to US, Canada or Puerto Rico numbers.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAlphanumericSenderIds', searchable: true },
		},
		{
			displayName: 'Sender ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. ACME',
			validation: regex(
				ALPHANUMERIC_SENDER_PATTERN,
				'1 to 11 letters, digits or spaces, with at least one letter',
			),
		},
	],
};

const only = (senderType: string) => ({ displayOptions: { show: { senderType: [senderType] } } });

export const senderFields: INodeProperties[] = [
	{
		displayName: 'Send From',
		name: 'senderType',
		type: 'options',
		default: 'phoneNumber',
		options: [
			{
				name: 'Alphanumeric Sender ID',
				value: 'alphanumericSenderId',
				description: 'A name such as ACME, with its messaging profile (SMS only)',
			},
			{
				name: 'Number Pool (Messaging Profile)',
				value: 'messagingProfile',
				description: "The profile's number pool picks the sending number",
			},
			{ name: 'Phone Number', value: 'phoneNumber', description: 'One of your numbers sends it' },
			{ name: 'Short Code', value: 'shortCode', description: 'One of your short codes sends it' },
		],
	},
	{ ...fromNumberField, ...only('phoneNumber') },
	{ ...shortCodeField, ...only('shortCode') },
	// For a sender ID, the profile comes first: the sender ID list shows that profile's.
	{
		...messagingProfileField('The messaging profile the sender ID belongs to (Telnyx needs both)'),
		...only('alphanumericSenderId'),
	},
	{ ...alphanumericSenderField, ...only('alphanumericSenderId') },
	{
		...messagingProfileField('The messaging profile whose number pool sends the message'),
		...only('messagingProfile'),
	},
];
