import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { flatMessage } from '../actions/output';

export const ANY_EVENT = '*';

/** What the Events filter offers; Delivered and Failed split Telnyx's message.finalized by outcome. */
export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Any Message Event', value: ANY_EVENT },
	{
		name: 'Message Delivered',
		value: 'message.delivered',
		description: 'A message.finalized event whose recipients all got it',
	},
	{
		name: 'Message Failed',
		value: 'message.failed',
		description: 'A message.finalized event for a message not delivered to every recipient',
	},
	{
		name: 'Message Finalized',
		value: 'message.finalized',
		description: 'Any final outcome, delivered or not',
	},
	{
		name: 'Message Received',
		value: 'message.received',
		description: 'An inbound message to one of your numbers',
	},
	{
		name: 'Message Sent',
		value: 'message.sent',
		description: 'Telnyx handed an outbound message to the carrier',
	},
];

export interface TelnyxEvent {
	data?: {
		event_type?: string;
		id?: string;
		occurred_at?: string;
		payload?: IDataObject;
		record_type?: string;
	};
	meta?: IDataObject;
}

function recipientsDelivered(payload: IDataObject | undefined): boolean {
	const recipients = Array.isArray(payload?.to) ? (payload?.to as IDataObject[]) : [];
	return recipients.length > 0 && recipients.every((recipient) => recipient.status === 'delivered');
}

/** The filter values an event answers to: its own type, and for finalized events delivered or failed. */
export function eventKinds(event: TelnyxEvent): string[] {
	const type = String(event.data?.event_type ?? '');
	if (type !== 'message.finalized') return [type];
	return [type, recipientsDelivered(event.data?.payload) ? 'message.delivered' : 'message.failed'];
}

export function isWanted(event: TelnyxEvent, wanted: string[]): boolean {
	if (wanted.length === 0 || wanted.includes(ANY_EVENT)) return true;
	return eventKinds(event).some((kind) => wanted.includes(kind));
}

/** The event as one flat item: what happened, then the message, then Telnyx's untouched payload. */
export function eventOutput(event: TelnyxEvent, zone: string): IDataObject {
	const data = event.data ?? {};
	const payload = (data.payload ?? {}) as IDataObject;
	const isFinal = data.event_type === 'message.finalized';
	return {
		event_type: data.event_type ?? null,
		event_id: data.id ?? null,
		occurred_at: data.occurred_at ?? null,
		outcome: isFinal ? (recipientsDelivered(payload) ? 'delivered' : 'failed') : null,
		...flatMessage(payload, zone),
		delivery_attempt: typeof event.meta?.attempt === 'number' ? event.meta.attempt : null,
		payload,
	};
}
