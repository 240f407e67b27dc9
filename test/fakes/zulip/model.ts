/**
 * Zulip's REST API (feature level 275, plus reminders from 11.0) as the fake models it without the OpenAPI file: the routes
 * the nodes use, what each reads, and how Zulip answers a request it cannot read. Zulip validates
 * parameters in order and reports the first problem: 400 with `{ result, msg, code }`, code
 * REQUEST_VARIABLE_MISSING (plus `var_name`) for an absent parameter, BAD_REQUEST otherwise.
 * Parameters it does not know are ignored and listed in `ignored_parameters_unsupported`.
 */
import { FORM, type Field, type ModelOperation, type Problem, type Schema } from '../requestModel';
import { eventQueueOperations } from './events';
import type { Reply } from './routes';

const bool: Field = { schema: { type: 'boolean' } };
const MESSAGE_TYPE: Schema = { type: 'string', enum: ['direct', 'channel', 'stream', 'private'] };
/** A channel ID, or user IDs for a direct message. */
const SCHEDULED_TO: Schema = {
	type: 'oneOf',
	options: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }],
};
/** POST /messages also takes a channel name, and user emails. */
const MESSAGE_TO: Schema = {
	type: 'oneOf',
	options: [
		{ type: 'string' },
		{ type: 'integer' },
		{ type: 'array', items: { type: 'string' } },
		{ type: 'array', items: { type: 'integer' } },
	],
};
const USER_QUERY = { client_gravatar: bool, include_custom_profile_fields: bool };
const SCHEDULED_ID = { scheduled_message_id: { type: 'integer' } } as const;

export const zulipOperations: readonly ModelOperation[] = [
	{ id: 'get-server-settings', method: 'GET', path: '/server_settings', auth: false },
	{ id: 'get-own-user', method: 'GET', path: '/users/me', auth: true },
	{ id: 'get-users', method: 'GET', path: '/users', auth: true, query: USER_QUERY },
	// Zulip routes /users/<int> to "by id" and anything else to "by email".
	{
		id: 'get-user',
		method: 'GET',
		path: '/users/{user_id}',
		auth: true,
		params: { user_id: { type: 'integer' } },
		query: USER_QUERY,
	},
	{
		id: 'get-user-by-email',
		method: 'GET',
		path: '/users/{email}',
		auth: true,
		params: { email: { type: 'string' } },
		query: USER_QUERY,
	},
	{
		id: 'get-streams',
		method: 'GET',
		path: '/streams',
		auth: true,
		query: {
			include_public: bool,
			include_web_public: bool,
			include_subscribed: bool,
			include_all_active: bool,
			include_default: bool,
			include_owner_subscribed: bool,
		},
	},
	{
		id: 'get-subscriptions',
		method: 'GET',
		path: '/users/me/subscriptions',
		auth: true,
		query: { include_subscribers: bool },
	},
	{ id: 'get-scheduled-messages', method: 'GET', path: '/scheduled_messages', auth: true },
	{
		id: 'create-scheduled-message',
		method: 'POST',
		path: '/scheduled_messages',
		auth: true,
		body: {
			mediaType: FORM,
			fields: {
				type: { schema: MESSAGE_TYPE, required: true },
				to: { schema: SCHEDULED_TO, required: true, json: true },
				content: { schema: { type: 'string' }, required: true },
				topic: { schema: { type: 'string' } },
				scheduled_delivery_timestamp: { schema: { type: 'integer' }, required: true, json: true },
				read_by_sender: { ...bool, json: true },
			},
		},
	},
	{
		id: 'update-scheduled-message',
		method: 'PATCH',
		path: '/scheduled_messages/{scheduled_message_id}',
		auth: true,
		params: SCHEDULED_ID,
		body: {
			mediaType: FORM,
			fields: {
				type: { schema: MESSAGE_TYPE },
				to: { schema: SCHEDULED_TO, json: true },
				content: { schema: { type: 'string' } },
				topic: { schema: { type: 'string' } },
				scheduled_delivery_timestamp: { schema: { type: 'integer' }, json: true },
			},
		},
	},
	{
		id: 'delete-scheduled-message',
		method: 'DELETE',
		path: '/scheduled_messages/{scheduled_message_id}',
		auth: true,
		params: SCHEDULED_ID,
	},
	// Reminders: Zulip 11.0, after the spec file (versions.ts says which level serves what).
	{
		id: 'create-message-reminder',
		method: 'POST',
		path: '/reminders',
		auth: true,
		body: {
			mediaType: FORM,
			fields: {
				message_id: { schema: { type: 'integer' }, required: true, json: true },
				scheduled_delivery_timestamp: { schema: { type: 'integer' }, required: true, json: true },
				note: { schema: { type: 'string' } },
			},
		},
	},
	{ id: 'get-reminders', method: 'GET', path: '/reminders', auth: true },
	{
		id: 'delete-reminder',
		method: 'DELETE',
		path: '/reminders/{reminder_id}',
		auth: true,
		params: { reminder_id: { type: 'integer' } },
	},
	{
		id: 'send-message',
		method: 'POST',
		path: '/messages',
		auth: true,
		body: {
			mediaType: FORM,
			fields: {
				type: { schema: MESSAGE_TYPE, required: true },
				to: { schema: MESSAGE_TO, required: true, json: true },
				content: { schema: { type: 'string' }, required: true },
				topic: { schema: { type: 'string' } },
				queue_id: { schema: { type: 'string' } },
				local_id: { schema: { type: 'string' } },
				read_by_sender: { ...bool, json: true },
			},
		},
	},
	...eventQueueOperations,
];

const error = (
	status: number,
	msg: string,
	extra: Record<string, unknown> = { code: 'BAD_REQUEST' },
): Reply => ({
	status,
	body: { result: 'error', msg, ...extra },
});

export const zulipErrors = {
	endpointNotFound: () => error(404, 'Endpoint not found'),
	/** Zulip's answer for a known path with another method: 405 and the methods it takes. */
	methodNotAllowed: (allowed: string[]) => ({
		status: 405,
		body: { result: 'error', msg: 'Method Not Allowed', allowed_methods: allowed.join(',') },
	}),
	invalidApiKey: () => error(401, 'Invalid API key', { code: 'INVALID_API_KEY' }),
	internal: () => error(500, 'Internal server error'),
};

/**
 * Zulip's answer to the first problem it would meet, or undefined when it would serve the request.
 * Unknown parameters are ignored; a body that is not a form reads as no parameters at all, so
 * the missing ones are what Zulip reports.
 */
export function zulipRefusal(problems: readonly Problem[]): Reply | undefined {
	const first = problems.find((p) => p.kind !== 'unknown' && p.kind !== 'media-type');
	if (!first) return undefined;
	// Zulip's URL patterns only match ids of the right type: anything else is no route at all.
	if (first.in === 'path') return zulipErrors.endpointNotFound();
	const name = first.field;
	switch (first.kind) {
		case 'missing':
			return error(400, `Missing '${name}' argument`, {
				code: 'REQUEST_VARIABLE_MISSING',
				var_name: name,
			});
		case 'json':
			return error(400, `${name} is not valid JSON`);
		case 'enum':
			return error(400, `Invalid ${name}`);
		default:
			return error(400, notA(name, first.expected));
	}
}

/** Zulip's wording for a value of the wrong type. */
function notA(name: string, expected: string): string {
	if (expected === 'an integer') return `${name} is not an integer`;
	if (expected === 'a boolean') return `${name} is not a boolean`;
	if (expected === 'a string') return `${name} is not a string`;
	if (expected.startsWith('a list')) return `${name} is not a list`;
	return `Invalid ${name}`;
}
