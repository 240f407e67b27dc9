import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { formatInZone } from '../../../shared/time';
import type { MessageRecord, ResolvedChat } from '../transport';
import { WHEN_ONLINE } from './readers';

// Luxon works out the zone's offset for every date (Intl, tens of microseconds); messages sent in
// one run mostly share their second, so the last answer is kept.
let lastIso: { seconds: number; zone: string; iso: string | null } | undefined;

function isoIn(seconds: number, zone: string): string | null {
	if (lastIso?.seconds === seconds && lastIso.zone === zone) return lastIso.iso;
	const iso = DateTime.fromSeconds(seconds, { zone }).toISO();
	lastIso = { seconds, zone, iso };
	return iso;
}

/** Whether and when a send is scheduled, as the send operations output it. */
export function describeSchedule(scheduleDate: number | undefined, zone: string): IDataObject {
	if (scheduleDate === undefined) return { scheduled: false };
	if (scheduleDate === WHEN_ONLINE) return { scheduled: true, scheduledFor: 'when online' };
	return {
		scheduled: true,
		scheduledFor: DateTime.fromSeconds(scheduleDate, { zone }).toISO(),
		scheduledForText: formatInZone(DateTime.fromSeconds(scheduleDate), zone),
	};
}

/** A message as every operation outputs it; times as ISO strings in the workflow's zone. */
export function messageOutput(
	record: MessageRecord,
	zone: string,
	chat?: ResolvedChat,
): IDataObject {
	const output: IDataObject = {
		messageId: record.id,
		chatId: record.chatId,
	};
	if (chat) output.chat = chat.title;
	output.text = record.text;
	output.entities = record.entities.map((entity) => ({ ...entity }));
	output.scheduled = record.scheduled;
	if (record.scheduled)
		output.scheduledFor = record.date === WHEN_ONLINE ? 'when online' : isoIn(record.date, zone);
	else output.date = isoIn(record.date, zone);
	output.silent = record.silent;
	if (record.groupedId) output.albumId = record.groupedId;
	if (record.replyToMessageId) output.replyToMessageId = record.replyToMessageId;
	if (record.topicId) output.topicId = record.topicId;
	if (record.media) output.media = { ...record.media };
	return output;
}

export function chatOutput(chat: ResolvedChat): IDataObject {
	const output: IDataObject = { chatId: chat.id, chat: chat.title };
	if (chat.username) output.chatUsername = chat.username;
	return output;
}

/**
 * What a send did, as the server says: a time less than ~10 s ahead is sent at once, so the
 * output says "scheduled" only for messages Telegram put into the scheduled queue.
 */
export function sendOutcomeOutput(
	records: MessageRecord[],
	requestedDate: number | undefined,
	zone: string,
): IDataObject {
	if (records.length === 0) return describeSchedule(requestedDate, zone);
	const scheduled = records.every((record) => record.scheduled);
	if (scheduled) return describeSchedule(records[0].date, zone);
	const output: IDataObject = {
		scheduled: false,
		date: isoIn(Math.max(...records.map((record) => record.date)), zone),
	};
	if (requestedDate !== undefined)
		output.note =
			'Telegram sent it at once: the time asked for was less than about 10 seconds ahead.';
	return output;
}

/** A send Telegram refused as RANDOM_ID_DUPLICATE: an earlier attempt made these messages. */
export function alreadySentOutput(
	chat: ResolvedChat,
	copies: MessageRecord[],
	requestedDate: number | undefined,
	zone: string,
): IDataObject {
	return {
		...chatOutput(chat),
		...describeSchedule(requestedDate, zone),
		messageIds: copies.length > 0 ? copies.map((copy) => copy.id) : null,
		alreadySent: true,
		note:
			copies.length > 0
				? 'Telegram already had this from an earlier attempt (same random_id), so it was not sent again.'
				: 'Telegram already had this from an earlier attempt (same random_id), so it was not sent again; look for it in the chat.',
	};
}
