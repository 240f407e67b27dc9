import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { scheduledMessageOutput } from '../actions/output';

export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'New Channel Message',
		value: 'channelMessage',
		description: 'A message posted in one of the chosen channels',
	},
	{
		name: 'Reminder Created',
		value: 'reminderCreated',
		description: 'A "Remind me about this" was set (Zulip 11 or newer)',
	},
	{
		name: 'Reminder Deleted',
		value: 'reminderDeleted',
		description: 'A reminder was cancelled before its time',
	},
	{
		name: 'Reminder Sent',
		value: 'reminderSent',
		description: 'Notification Bot delivered a reminder',
	},
	{
		name: 'Scheduled Message Created',
		value: 'scheduledMessageCreated',
		description: 'This account scheduled a message (in Zulip or through n8n)',
	},
	{
		name: 'Scheduled Message Deleted',
		value: 'scheduledMessageDeleted',
		description: 'A scheduled message was cancelled before its time',
	},
	{
		name: 'Scheduled Message Edited',
		value: 'scheduledMessageEdited',
		description: 'Its text, recipients or time changed',
	},
	{
		name: 'Scheduled Message Failed',
		value: 'scheduledMessageFailed',
		description: 'Zulip tried to send it at its time and could not',
	},
	{
		name: 'Scheduled Message Sent',
		value: 'scheduledMessageSent',
		description: 'Zulip sent it at its time',
	},
];

export type TriggerEventName =
	| 'channelMessage'
	| 'reminderCreated'
	| 'reminderDeleted'
	| 'reminderSent'
	| 'scheduledMessageCreated'
	| 'scheduledMessageDeleted'
	| 'scheduledMessageEdited'
	| 'scheduledMessageFailed'
	| 'scheduledMessageSent';

/** Zulip's event types (POST /register) the chosen trigger events need. */
export function zulipEventTypes(events: string[]): string[] {
	const types = new Set<string>();
	for (const event of events) {
		if (event === 'channelMessage') types.add('message');
		else if (event.startsWith('reminder')) types.add('reminders');
		else if (event.startsWith('scheduledMessage')) types.add('scheduled_messages');
	}
	return [...types].sort();
}

/**
 * Zulip reports a scheduled message (or reminder) that was sent and one that was deleted with
 * the same `remove` event. One whose time had come and that had not failed was sent: Zulip
 * sends due messages within about a minute, before anyone could delete them.
 */
export function removalWasDelivery(last: IDataObject, nowSeconds: number): boolean {
	return last.failed !== true && Number(last.scheduled_delivery_timestamp) <= nowSeconds;
}

/** What of a scheduled message changed: a new failure, or an edit. */
export function changeKind(
	before: IDataObject,
	after: IDataObject,
): 'failed' | 'edited' | undefined {
	if (after.failed === true && before.failed !== true) return 'failed';
	const fields = ['type', 'to', 'topic', 'content', 'scheduled_delivery_timestamp', 'failed'];
	return fields.some((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
		? 'edited'
		: undefined;
}

export function scheduledItem(event: TriggerEventName, message: IDataObject, zone: string) {
	return { event, ...scheduledMessageOutput(message, zone) };
}

export function channelMessageItem(message: IDataObject, zone: string): IDataObject {
	const fields = { ...message };
	// Per-user read state of the catch-up's history read; a live event has none.
	delete fields.flags;
	const timestamp = Number(message.timestamp);
	return {
		event: 'channelMessage',
		...fields,
		channel_id: message.stream_id,
		channel: message.display_recipient,
		topic: message.subject,
		time: Number.isFinite(timestamp) ? DateTime.fromSeconds(timestamp, { zone }).toISO() : null,
	};
}

/** Whether a `message` event is one the trigger wants. */
export function wantsMessage(
	message: IDataObject,
	filter: { channelIds: number[]; ownUserId: number; includeOwn: boolean },
): boolean {
	if (message.type !== 'stream') return false;
	if (!filter.channelIds.includes(Number(message.stream_id))) return false;
	return filter.includeOwn || Number(message.sender_id) !== filter.ownUserId;
}
