import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { senderTypeOf, type SenderType } from './sender';

const objects = (value: unknown): IDataObject[] =>
	Array.isArray(value)
		? value.filter((entry): entry is IDataObject => typeof entry === 'object' && entry !== null)
		: [];
const textOrNull = (value: unknown): string | null =>
	typeof value === 'string' && value !== '' ? value : null;

/** One status for the message: the recipients' common status, or `mixed` when they differ. */
function overallStatus(statuses: string[]): string | null {
	const distinct = [...new Set(statuses)];
	if (distinct.length === 0) return null;
	return distinct.length === 1 ? distinct[0] : 'mixed';
}

/** What the node knows of a message it sent, beyond Telnyx's answer. */
export interface SentAs {
	/** The time the node asked for, used when Telnyx's answer does not repeat it. */
	sendAt?: unknown;
	/** The kind of sender it was sent from; otherwise judged by the `from` address. */
	senderType?: SenderType;
}

/**
 * A Telnyx message (Outbound/InboundMessagePayload) as one flat item: id, status, send time,
 * recipients and sender first, then content and bookkeeping.
 */
export function flatMessage(message: IDataObject, zone: string, sent: SentAs = {}): IDataObject {
	const recipients = objects(message.to).map((recipient) => ({
		phone_number: String(recipient.phone_number ?? ''),
		status: String(recipient.status ?? ''),
	}));
	const sendAt = textOrNull(message.send_at) ?? textOrNull(sent.sendAt);
	const from = textOrNull((message.from as IDataObject | undefined)?.phone_number);
	const localSendAt = sendAt ? DateTime.fromISO(sendAt, { zone: 'utc' }).setZone(zone) : undefined;
	const cost = (message.cost ?? null) as IDataObject | null;
	return {
		message_id: message.id ?? null,
		status: overallStatus(recipients.map((recipient) => recipient.status)),
		send_at: sendAt,
		send_at_local: localSendAt?.isValid ? localSendAt.toISO() : null,
		to: recipients.map((recipient) => recipient.phone_number),
		recipients,
		from,
		sender_type: sent.senderType ?? senderTypeOf(from),
		messaging_profile_id: textOrNull(message.messaging_profile_id),
		direction: textOrNull(message.direction),
		type: textOrNull(message.type),
		text: typeof message.text === 'string' ? message.text : null,
		subject: textOrNull(message.subject),
		media_urls: objects(message.media).map((media) => String(media.url ?? '')),
		parts: typeof message.parts === 'number' ? message.parts : null,
		encoding: textOrNull(message.encoding),
		cost_amount: textOrNull(cost?.amount),
		cost_currency: textOrNull(cost?.currency),
		received_at: textOrNull(message.received_at),
		sent_at: textOrNull(message.sent_at),
		completed_at: textOrNull(message.completed_at),
		errors: objects(message.errors),
	};
}
