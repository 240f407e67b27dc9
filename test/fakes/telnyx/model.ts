/**
 * Telnyx's messaging API (v2) as the fake models it without the OpenAPI files: the routes the
 * nodes use and what each reads. Operation ids are the spec's; `conformance.test.ts` checks this
 * table against the spec whenever it is there. Telnyx ignores body fields it does not know.
 */
import { JSON_MEDIA, type Field, type ModelOperation, type Schema } from '../requestModel';

const string: Field = { schema: { type: 'string' } };
const bool: Field = { schema: { type: 'boolean' } };
const url: Field = { schema: { type: 'string', format: 'url' } };
const nullableUrl: Field = { ...url, nullable: true };
const uuidParam = { id: { type: 'string', format: 'uuid' } } as const satisfies Record<
	string,
	Schema
>;
const mediaUrls: Field = { schema: { type: 'array', items: { type: 'string', format: 'url' } } };
const messageType: Field = { schema: { type: 'string', enum: ['SMS', 'MMS'] } };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const page = {
	'page[number]': { schema: { type: 'integer', minimum: 1 } },
	'page[size]': { schema: { type: 'integer', minimum: 1, maximum: 250 } },
} as const satisfies Record<string, Field>;
const enumOf = (...values: string[]): Field => ({ schema: { type: 'string', enum: values } });

/** Fields shared by POST /messages and /messages/schedule (the spec repeats them in both). */
const oneRecipient = {
	to: { ...string, required: true },
	from: string,
	messaging_profile_id: string,
	text: string,
	subject: string,
	media_urls: mediaUrls,
	type: messageType,
	auto_detect: bool,
	use_profile_webhooks: bool,
	webhook_url: url,
	webhook_failover_url: url,
} satisfies Record<string, Field>;

export const telnyxOperations: readonly ModelOperation[] = [
	{
		id: 'SendMessage',
		method: 'POST',
		path: '/messages',
		auth: true,
		body: {
			mediaType: JSON_MEDIA,
			fields: {
				...oneRecipient,
				encoding: enumOf('auto', 'gsm7', 'ucs2'),
				send_at: { schema: dateTime, nullable: true },
			},
		},
	},
	{
		id: 'ScheduleMessage',
		method: 'POST',
		path: '/messages/schedule',
		auth: true,
		// send_at is optional in the schema; the route refuses a schedule without it.
		body: { mediaType: JSON_MEDIA, fields: { ...oneRecipient, send_at: { schema: dateTime } } },
	},
	{
		id: 'CreateGroupMmsMessage',
		method: 'POST',
		path: '/messages/group_mms',
		auth: true,
		body: {
			mediaType: JSON_MEDIA,
			fields: {
				from: { ...string, required: true },
				to: { schema: { type: 'array', items: { type: 'string' } }, required: true },
				text: string,
				subject: string,
				media_urls: mediaUrls,
				use_profile_webhooks: bool,
				webhook_url: url,
				webhook_failover_url: url,
			},
		},
	},
	{ id: 'GetMessage', method: 'GET', path: '/messages/{id}', auth: true, params: uuidParam },
	{ id: 'CancelMessage', method: 'DELETE', path: '/messages/{id}', auth: true, params: uuidParam },
	{
		id: 'ListMessagingProfiles',
		method: 'GET',
		path: '/messaging_profiles',
		auth: true,
		query: {
			...page,
			'filter[name]': string,
			'filter[name][eq]': string,
			'filter[name][contains]': string,
		},
	},
	{
		id: 'RetrieveMessagingProfile',
		method: 'GET',
		path: '/messaging_profiles/{id}',
		auth: true,
		params: uuidParam,
	},
	{
		id: 'UpdateMessagingProfile',
		method: 'PATCH',
		path: '/messaging_profiles/{id}',
		auth: true,
		params: uuidParam,
		body: {
			mediaType: JSON_MEDIA,
			fields: {
				ai_assistant_id: { ...string, nullable: true },
				alpha_sender: {
					schema: { type: 'string', pattern: /^[A-Za-z0-9 ]{1,11}$/ },
					nullable: true,
				},
				created_at: { schema: dateTime },
				daily_spend_limit: { schema: { type: 'string', pattern: /^[0-9]+(?:\.[0-9]+)?$/ } },
				daily_spend_limit_enabled: bool,
				enabled: bool,
				id: { schema: uuidParam.id },
				mms_fall_back_to_sms: bool,
				mms_transcoding: bool,
				mobile_only: bool,
				name: string,
				number_pool_settings: { schema: { type: 'object' }, nullable: true },
				record_type: enumOf('messaging_profile'),
				smart_encoding: bool,
				updated_at: { schema: dateTime },
				url_shortener_settings: { schema: { type: 'object' }, nullable: true },
				v1_secret: string,
				webhook_api_version: enumOf('1', '2', '2010-04-01'),
				webhook_failover_url: nullableUrl,
				webhook_url: nullableUrl,
				whitelisted_destinations: {
					schema: { type: 'array', items: { type: 'string', pattern: /^[A-Z]{2}$/ } },
				},
			},
		},
	},
	{
		id: 'ListPhoneNumbers',
		method: 'GET',
		path: '/phone_numbers',
		auth: true,
		query: {
			...page,
			sort: enumOf('purchased_at', 'phone_number', 'connection_name', 'usage_payment_method'),
			'filter[billing_group_id]': string,
			'filter[connection_id]': string,
			'filter[country_iso_alpha2]': {
				schema: {
					type: 'oneOf',
					options: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
				},
			},
			'filter[customer_reference]': string,
			'filter[emergency_address_id]': string,
			'filter[number_type]': { schema: { type: 'object' } },
			'filter[phone_number]': string,
			'filter[source]': enumOf('ported', 'purchased'),
			'filter[status]': enumOf(
				'purchase-pending',
				'purchase-failed',
				'port-pending',
				'active',
				'deleted',
				'port-failed',
				'emergency-only',
				'ported-out',
				'port-out-pending',
			),
			'filter[tag]': string,
			'filter[voice.connection_name]': { schema: { type: 'object' } },
			'filter[voice.usage_payment_method]': enumOf('pay-per-minute', 'channel'),
			'filter[without_tags]': enumOf('true', 'false'),
			handle_messaging_profile_error: enumOf('true', 'false'),
		},
	},
	{
		id: 'ListShortCodes',
		method: 'GET',
		path: '/short_codes',
		auth: true,
		query: { ...page, 'filter[messaging_profile_id]': string },
	},
	{
		id: 'ListAlphanumericSenderIds',
		method: 'GET',
		path: '/alphanumeric_sender_ids',
		auth: true,
		// This list's spec gives its page parameters no bounds.
		query: {
			'page[number]': { schema: { type: 'integer' } },
			'page[size]': { schema: { type: 'integer' } },
			'filter[messaging_profile_id]': { schema: uuidParam.id },
		},
	},
	{
		id: 'ListProfilePhoneNumbers',
		method: 'GET',
		path: '/messaging_profiles/{id}/phone_numbers',
		auth: true,
		params: uuidParam,
		query: page,
	},
];
