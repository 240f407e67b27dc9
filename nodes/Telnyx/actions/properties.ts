import type { INodeProperties } from 'n8n-workflow';
import { byDisplayName, maxRateLimitWaitOption, optionsProperty } from '../../../shared/options';
import { throughputOptions, type ThroughputDefaults } from '../../../shared/throughput';
import { GROUP_MMS_RECIPIENTS, MAX_MEDIA_URLS } from './readers';

/** Properties several operations share; each operation scopes them with updateDisplayOptions. */

export const TELNYX_THROUGHPUT: ThroughputDefaults = {
	concurrency: 5,
	perSecond: 40,
	providerLimit: "Telnyx's default account limit of 50 messages/s (a long code number sends fewer)",
};

/** The messaging profile locator; `description` says what the profile is used for. */
export const messagingProfileField = (description: string): INodeProperties => ({
	displayName: 'Messaging Profile',
	name: 'messagingProfile',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchMessagingProfiles', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 4000eba1-a0c0-4563-9925-b25e842a7cb6',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
						errorMessage: 'A messaging profile ID is a UUID',
					},
				},
			],
		},
	],
});

export const toField: INodeProperties = {
	displayName: 'To',
	name: 'to',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. +15557654321',
	description: 'The recipient in E.164 form (+, country code, number)',
};

export const groupRecipientsField: INodeProperties = {
	displayName: 'To',
	name: 'recipients',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. +15557654321, +15557654322',
	description: `${GROUP_MMS_RECIPIENTS.min} to ${GROUP_MMS_RECIPIENTS.max} numbers in E.164 form, separated by commas or new lines, or an expression giving a list`,
};

export const textField: INodeProperties = {
	displayName: 'Text',
	name: 'text',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	description: 'The message text; may be empty when Media URLs are given (MMS)',
};

export const mediaUrlsField: INodeProperties = {
	displayName: 'Media URLs',
	name: 'mediaUrls',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://example.com/picture.jpg',
	description: `Up to ${MAX_MEDIA_URLS} public http(s) URLs of images or files (under 1 MB in all), one per line, or an expression giving a list; makes it an MMS`,
};

const sendAtDescription =
	"When Telnyx should send it: 5 minutes to 5 days from now. A time without an offset is read in the workflow's time zone; {{ $now.plus({ hours: 1 }) }} works too.";

export const sendAtField: INodeProperties = {
	displayName: 'Send At',
	name: 'sendAt',
	type: 'dateTime',
	default: '',
	required: true,
	description: sendAtDescription,
};

const webhookFields: INodeProperties[] = [
	{
		displayName: 'Use Profile Webhooks',
		name: 'useProfileWebhooks',
		type: 'boolean',
		default: true,
		description:
			"Whether Telnyx also sends this message's events to the messaging profile's webhook URLs",
	},
	{
		displayName: 'Webhook Failover URL',
		name: 'webhookFailoverUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://backup.example.com/hooks',
		description: 'Where events go when the Webhook URL fails',
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/hooks',
		description:
			"Where Telnyx sends this message's events (sent, finalized), before the profile's URLs",
	},
];

const subjectField: INodeProperties = {
	displayName: 'Subject',
	name: 'subject',
	type: 'string',
	default: '',
	description: 'The subject of a multimedia message (MMS)',
};

const typeFields: INodeProperties[] = [
	{
		displayName: 'Auto-Detect Long Text',
		name: 'autoDetect',
		type: 'boolean',
		default: false,
		description:
			'Whether Telnyx checks for an SMS that is unusually long (too many parts) and handles it (auto_detect)',
	},
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: 'Telnyx decides: MMS when there is media or a subject, else SMS',
			},
			{ name: 'MMS', value: 'MMS' },
			{ name: 'SMS', value: 'SMS' },
		],
	},
];

/** Optional message settings; Send also takes an optional send time here. */
export function additionalFields(kind: 'schedule' | 'send' | 'groupMms'): INodeProperties {
	const options: INodeProperties[] = [subjectField, ...webhookFields];
	if (kind !== 'groupMms') options.push(...typeFields);
	if (kind === 'send') {
		options.push({
			displayName: 'Send At',
			name: 'sendAt',
			type: 'dateTime',
			default: '',
			description:
				"Schedule it instead of sending now: 5 minutes to 5 days from now. A time without an offset is read in the workflow's time zone.",
		});
	}
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: options.sort(byDisplayName),
	};
}

/** Options: the rate-limit wait, and for sends how many run at once and per second. */
export function optionsCollection(sends: boolean): INodeProperties {
	const maxWait = maxRateLimitWaitOption('Telnyx');
	return optionsProperty(sends ? [...throughputOptions(TELNYX_THROUGHPUT), maxWait] : [maxWait]);
}

/** Get and Cancel: the message to look at; `description` says which. */
export const messageIdField = (description: string): INodeProperties => ({
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 40385f64-5717-4562-b3fc-2c963f66afa6',
	description,
});
