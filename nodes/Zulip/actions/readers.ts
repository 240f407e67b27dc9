import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from '../../../shared/errors';
import { parseDecimalId, readDecimalId } from '../../../shared/ids';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { parameterOfRun } from '../../../shared/parameterOfRun';
import { readSendTime, toUnixSeconds } from '../../../shared/time';
import { memberIdsByEmail } from './members';

/** Input readers: each checks one item's parameter and names the field and the fix when it is wrong. */

/** Where a message goes, as Zulip's API takes it. */
export interface ZulipRecipient {
	type: 'stream' | 'direct';
	to: number | number[];
	topic?: string;
}

export function readContent(
	context: IExecuteFunctions,
	itemIndex: number,
	field = 'content',
): string {
	const content = String(parameterOfRun(context, field, itemIndex, '') ?? '');
	if (content.trim() === '') {
		throw fieldError(
			context.getNode(),
			'Content',
			'is empty',
			'Enter the message text (Zulip Markdown).',
			itemIndex,
		);
	}
	return content;
}

export function readTopic(context: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const topic = String(value ?? '').trim();
	if (topic === '') {
		throw fieldError(
			context.getNode(),
			'Topic',
			'is empty',
			'A channel message needs a topic: enter one.',
			itemIndex,
		);
	}
	return topic;
}

/** A send time for Zulip, as Unix seconds: any time after now (Zulip refuses the past). */
export function readSendAt(context: IExecuteFunctions, itemIndex: number, value: unknown): number {
	return toUnixSeconds(readSendTime(context, itemIndex, value, { min: { seconds: 1 } }));
}

export function readChannelId(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): number {
	const raw = typeof value === 'object' && value !== null ? (value as IDataObject).value : value;
	return readDecimalId(context, itemIndex, raw, {
		field: 'Channel',
		what: 'channel ID',
		fix: 'Pick the channel from the list, or give its numeric ID (Channel settings > General shows it)',
	});
}

function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return value.split(/[,;\s]+/).filter((part) => part !== '');
	if (value === undefined || value === null || value === '') return [];
	return [value];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Turns user IDs and emails into Zulip user IDs; emails are looked up once per node run. */
export async function readUserIds(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): Promise<number[]> {
	const entries = asList(value).map((entry) => String(entry).trim());
	const node = nodeOfRun(context);
	if (entries.length === 0) {
		throw fieldError(
			node,
			'Users',
			'is empty',
			'Choose at least one recipient, or give user IDs or emails.',
			itemIndex,
		);
	}
	const bad = entries.filter((entry) => parseDecimalId(entry) === undefined && !EMAIL.test(entry));
	if (bad.length > 0) {
		throw fieldError(
			node,
			'Users',
			`contains ${bad.map((entry) => `"${entry}"`).join(', ')}, which is neither a user ID nor an email`,
			'Give Zulip user IDs (whole numbers from 1) or the emails of users in this organization.',
			itemIndex,
		);
	}
	const emails = entries.filter((entry) => EMAIL.test(entry));
	let idByEmail = new Map<string, number>();
	if (emails.length > 0) {
		idByEmail = await memberIdsByEmail(context, itemIndex);
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
	const ids = entries.map(
		(entry) => parseDecimalId(entry) ?? (idByEmail.get(entry.toLowerCase()) as number),
	);
	return [...new Set(ids)];
}

/** Reads Message Type + Channel/Topic or Users for one item. */
export async function readRecipient(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<ZulipRecipient> {
	const messageType = parameterOfRun(context, 'messageType', itemIndex) as string;
	if (messageType === 'direct') {
		return {
			type: 'direct',
			to: await readUserIds(context, itemIndex, parameterOfRun(context, 'users', itemIndex, [])),
		};
	}
	const topic = readTopic(context, itemIndex, parameterOfRun(context, 'topic', itemIndex, ''));
	const channel = readChannelId(
		context,
		itemIndex,
		parameterOfRun(context, 'channel', itemIndex, undefined, { extractValue: true }),
	);
	return { type: 'stream', to: channel, topic };
}

export function readScheduledMessageId(context: IExecuteFunctions, itemIndex: number): number {
	return readDecimalId(
		context,
		itemIndex,
		context.getNodeParameter('scheduledMessageId', itemIndex, ''),
		{
			field: 'Scheduled Message ID',
			what: 'scheduled message ID',
			fix: 'Use the scheduled_message_id from Create or Get Many',
		},
	);
}
