import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';
import type { MessageRecord, ResolvedChat } from '../transport';
import { WHEN_ONLINE } from './fields';

function isoIn(seconds: number, zone: string): string | null {
	return DateTime.fromSeconds(seconds, { zone }).toISO();
}

/** A message as every operation outputs it; times as ISO strings in the workflow's zone. */
export function messageOutput(record: MessageRecord, zone: string, chat?: ResolvedChat): IDataObject {
	const output: IDataObject = {
		messageId: record.id,
		chatId: record.chatId,
	};
	if (chat) output.chat = chat.title;
	output.text = record.text;
	output.scheduled = record.scheduled;
	if (record.scheduled) output.scheduledFor = record.date === WHEN_ONLINE ? 'when online' : isoIn(record.date, zone);
	else output.date = isoIn(record.date, zone);
	output.silent = record.silent;
	if (record.groupedId) output.albumId = record.groupedId;
	if (record.replyToMessageId) output.replyToMessageId = record.replyToMessageId;
	if (record.media) output.media = { ...record.media };
	return output;
}

export function chatOutput(chat: ResolvedChat): IDataObject {
	const output: IDataObject = { chatId: chat.id, chat: chat.title };
	if (chat.username) output.chatUsername = chat.username;
	return output;
}
