import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

/** The shape every scheduled-message operation outputs: Zulip's fields plus a readable time. */
export function scheduledMessageOutput(message: IDataObject, zone: string): IDataObject {
	const timestamp = Number(message.scheduled_delivery_timestamp);
	return {
		...message,
		scheduled_delivery_time: Number.isFinite(timestamp)
			? DateTime.fromSeconds(timestamp, { zone }).toISO()
			: null,
	};
}
