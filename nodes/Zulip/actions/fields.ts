import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { fieldError } from '../../../shared/errors';
import { maxRateLimitWaitOption as rateLimitWaitOption, optionsCollection as sharedOptionsCollection, readMaxWait } from '../../../shared/options';
import { assertWithinWindow, parseTimeInput, TimeInputError, toUnixSeconds } from '../../../shared/time';
import { zulipRequest } from '../transport';

/** Where a message goes, as Zulip's API takes it. */
export interface ZulipRecipient {
	type: 'stream' | 'direct';
	to: number | number[];
	topic?: string;
}

export const channelLocator = (displayOptions: IDisplayOptions, required = true): INodeProperties => ({
	displayName: 'Channel',
	name: 'channel',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required,
	description: 'The channel (stream) to post in',
	displayOptions,
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
			validation: [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'A channel ID is a whole number' } }],
		},
	],
});

export const usersField = (displayOptions: IDisplayOptions, required = true): INodeProperties => ({
	displayName: 'User Names or IDs',
	name: 'users',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: [],
	required,
	description:
		'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	hint: 'Who receives the direct message. An expression may give user IDs or emails, as a list or separated by commas.',
	displayOptions,
});

/** Type, channel, topic and users: the recipient fields of Create and Send. */
export function recipientFields(show: IDisplayOptions['show']): INodeProperties[] {
	const when = (messageType: string): IDisplayOptions => ({ show: { ...show, messageType: [messageType] } });
	return [
		{
			displayName: 'Message Type',
			name: 'messageType',
			type: 'options',
			default: 'channel',
			displayOptions: { show },
			options: [
				{ name: 'Channel Message', value: 'channel' },
				{ name: 'Direct Message', value: 'direct' },
			],
		},
		channelLocator(when('channel')),
		{
			displayName: 'Topic',
			name: 'topic',
			type: 'string',
			default: '',
			required: true,
			description: 'The topic within the channel',
			displayOptions: when('channel'),
		},
		usersField(when('direct')),
	];
}

export const contentField = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName: 'Content',
	name: 'content',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	description: 'The message text, in Zulip Markdown',
	displayOptions: { show },
});

export const sendAtField = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName: 'Send At',
	name: 'sendAt',
	type: 'dateTime',
	default: '',
	required: true,
	description:
		"When Zulip should send the message. A time without an offset is read in the workflow's time zone; Unix seconds and {{ $now.plus({ hours: 1 }) }} work too.",
	displayOptions: { show },
});

export const maxRateLimitWaitOption = rateLimitWaitOption('Zulip');

export { readMaxWait };

export function readContent(context: IExecuteFunctions, itemIndex: number, field = 'content'): string {
	const content = String(context.getNodeParameter(field, itemIndex, '') ?? '');
	if (content.trim() === '') {
		throw fieldError(context.getNode(), 'Content', 'is empty', 'Enter the message text (Zulip Markdown).', itemIndex);
	}
	return content;
}

export function readTopic(context: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const topic = String(value ?? '').trim();
	if (topic === '') {
		throw fieldError(context.getNode(), 'Topic', 'is empty', 'A channel message needs a topic: enter one.', itemIndex);
	}
	return topic;
}

/** A send time for Zulip: any time after now (Zulip refuses the past). */
export function readSendAt(context: IExecuteFunctions, itemIndex: number, value: unknown): number {
	const zone = context.getTimezone();
	try {
		const time = parseTimeInput(value, zone);
		assertWithinWindow(time, { min: { seconds: 1 } }, zone, DateTime.now());
		return toUnixSeconds(time);
	} catch (error) {
		if (error instanceof TimeInputError) throw fieldError(context.getNode(), 'Send At', error.message, error.fix, itemIndex);
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

export function readChannelId(context: IExecuteFunctions, itemIndex: number, value: unknown): number {
	const raw = typeof value === 'object' && value !== null ? (value as IDataObject).value : value;
	const id = Number(String(raw ?? '').trim());
	if (!Number.isInteger(id) || id <= 0) {
		throw fieldError(
			context.getNode(),
			'Channel',
			`("${String(raw ?? '')}") is not a channel ID`,
			'Pick the channel from the list, or give its numeric ID (Channel settings > General shows it).',
			itemIndex,
		);
	}
	return id;
}

function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return value.split(/[,;\s]+/).filter((part) => part !== '');
	if (value === undefined || value === null || value === '') return [];
	return [value];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Turns user IDs and emails into Zulip user IDs; emails are looked up once per call. */
export async function readUserIds(context: IExecuteFunctions, itemIndex: number, value: unknown): Promise<number[]> {
	const entries = asList(value).map((entry) => String(entry).trim());
	const node = context.getNode();
	if (entries.length === 0) {
		throw fieldError(node, 'Users', 'is empty', 'Choose at least one recipient, or give user IDs or emails.', itemIndex);
	}
	const bad = entries.filter((entry) => !/^\d+$/.test(entry) && !EMAIL.test(entry));
	if (bad.length > 0) {
		throw fieldError(
			node,
			'Users',
			`contains ${bad.map((entry) => `"${entry}"`).join(', ')}, which is neither a user ID nor an email`,
			'Give Zulip user IDs (numbers) or the emails of users in this organization.',
			itemIndex,
		);
	}
	const emails = entries.filter((entry) => EMAIL.test(entry));
	let idByEmail = new Map<string, number>();
	if (emails.length > 0) {
		const reply = await zulipRequest(context, { method: 'GET', path: '/users', itemIndex, maxRateLimitWaitSeconds: readMaxWait(context, itemIndex) });
		const members = (reply.members ?? []) as Array<{ user_id: number; email: string; delivery_email?: string }>;
		idByEmail = new Map();
		for (const member of members) {
			idByEmail.set(member.email.toLowerCase(), member.user_id);
			if (member.delivery_email) idByEmail.set(member.delivery_email.toLowerCase(), member.user_id);
		}
		const unknown = emails.filter((email) => !idByEmail.has(email.toLowerCase()));
		if (unknown.length > 0) {
			throw fieldError(
				node,
				'Users',
				`has ${unknown.join(', ')}, not ${unknown.length === 1 ? 'a user' : 'users'} of this Zulip organization`,
				'Check the spelling, or pick the users from the list.',
				itemIndex,
			);
		}
	}
	const ids = entries.map((entry) => (/^\d+$/.test(entry) ? Number(entry) : (idByEmail.get(entry.toLowerCase()) as number)));
	return [...new Set(ids)];
}

/** Reads Message Type + Channel/Topic or Users for one item. */
export async function readRecipient(context: IExecuteFunctions, itemIndex: number): Promise<ZulipRecipient> {
	const messageType = context.getNodeParameter('messageType', itemIndex) as string;
	if (messageType === 'direct') {
		return { type: 'direct', to: await readUserIds(context, itemIndex, context.getNodeParameter('users', itemIndex, [])) };
	}
	const topic = readTopic(context, itemIndex, context.getNodeParameter('topic', itemIndex, ''));
	const channel = readChannelId(context, itemIndex, context.getNodeParameter('channel', itemIndex, undefined, { extractValue: true }));
	return { type: 'stream', to: channel, topic };
}

/** The shape every scheduled-message operation outputs: Zulip's fields plus a readable time. */
export function scheduledMessageOutput(message: IDataObject, zone: string): IDataObject {
	const timestamp = Number(message.scheduled_delivery_timestamp);
	return {
		...message,
		scheduled_delivery_time: Number.isFinite(timestamp) ? DateTime.fromSeconds(timestamp, { zone }).toISO() : null,
	};
}

/** The Options collection each operation has: the rate-limit wait plus the operation's own. */
export function optionsCollection(show: IDisplayOptions['show'], extra: INodeProperties[] = []): INodeProperties {
	return sharedOptionsCollection(show, [maxRateLimitWaitOption, ...extra]);
}
