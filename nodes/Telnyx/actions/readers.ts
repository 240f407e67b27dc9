import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from '../../../shared/errors';
import { isUuid, shownValue } from '../../../shared/ids';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { readSendTime } from '../../../shared/time';

/** Input readers: each checks one item's parameter and names the field and the fix when it is wrong. */

/** Telnyx's documented limits that its schema does not carry. */
export const MAX_MEDIA_URLS = 10;
export const GROUP_MMS_RECIPIENTS = { min: 2, max: 8 };
export const SCHEDULE_WINDOW = { min: { minutes: 5 }, max: { days: 5 } };

const E164 = /^\+[1-9]\d{7,14}$/;
const HTTP_URL = /^https?:\/\/[^\s/]+\S*$/i;

export const isE164 = (value: string): boolean => E164.test(value);

// Numbers may be written with spaces ("+1 555 ..."), and URLs may hold commas (image transformations).
const NUMBER_SEPARATORS = /[,;\n]+/;
const URL_SEPARATORS = /\s+|,(?=\s*https?:\/\/)/i;

/** A list from an expression's array, or from text split by `separators`. */
export function asList(value: unknown, separators: RegExp): string[] {
	const entries = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(separators)
			: value == null
				? []
				: [value];
	return entries.map((entry) => String(entry ?? '').trim()).filter((entry) => entry !== '');
}

/** The value of a resource locator (`{ __rl, mode, value }`) or of a plain parameter. */
export function locatorValue(value: unknown): string {
	const raw =
		typeof value === 'object' && value !== null && 'value' in value
			? (value as IDataObject).value
			: value;
	return String(raw ?? '').trim();
}

export function readPhoneNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const number = locatorValue(value).replace(/[\s()-]/g, '');
	if (number === '') {
		throw fieldError(
			context.getNode(),
			field,
			'is empty',
			'Give a phone number in E.164 form, e.g. +15551234567.',
			itemIndex,
		);
	}
	if (!isE164(number)) {
		throw fieldError(
			context.getNode(),
			field,
			`("${shownValue(locatorValue(value))}") is not an E.164 phone number`,
			'Write it as + country code and number, digits only, e.g. +15551234567 (8 to 15 digits, no leading 0).',
			itemIndex,
		);
	}
	return number;
}

export function readGroupRecipients(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string[] {
	const numbers = [
		...new Set(
			asList(value, NUMBER_SEPARATORS).map((entry) =>
				readPhoneNumber(context, itemIndex, 'To', entry),
			),
		),
	];
	const { min, max } = GROUP_MMS_RECIPIENTS;
	if (numbers.length < min || numbers.length > max) {
		throw fieldError(
			context.getNode(),
			'To',
			`has ${numbers.length} different number${numbers.length === 1 ? '' : 's'}; a group MMS goes to ${min} to ${max}`,
			numbers.length < min
				? 'Add recipients, or use Send for a single number.'
				: `Split the recipients into groups of at most ${max}.`,
			itemIndex,
		);
	}
	return numbers;
}

export function readMediaUrls(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string[] {
	const urls = asList(value, URL_SEPARATORS);
	if (urls.length > MAX_MEDIA_URLS) {
		throw fieldError(
			context.getNode(),
			'Media URLs',
			`has ${urls.length} URLs; Telnyx takes at most ${MAX_MEDIA_URLS}`,
			`Keep ${MAX_MEDIA_URLS} or fewer (their total size must stay under 1 MB).`,
			itemIndex,
		);
	}
	for (const url of urls) readHttpUrl(context, itemIndex, 'Media URLs', url);
	return urls;
}

export function readHttpUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	value: unknown,
): string {
	const url = String(value ?? '').trim();
	let parsed = false;
	try {
		parsed = HTTP_URL.test(url) && Boolean(new URL(url));
	} catch {
		parsed = false;
	}
	if (!parsed) {
		throw fieldError(
			context.getNode(),
			field,
			`contains "${shownValue(url)}", which is not an http(s) URL`,
			'Give a full address that Telnyx can reach, e.g. https://example.com/picture.jpg.',
			itemIndex,
		);
	}
	return url;
}

export type MessageType = 'auto' | 'SMS' | 'MMS';

/** Text and media as Telnyx needs them: some content, and none that the chosen type cannot carry. */
export function checkContent(
	context: IExecuteFunctions,
	itemIndex: number,
	text: string,
	mediaUrls: string[],
	type: MessageType,
): void {
	const node = nodeOfRun(context);
	if (text.trim() === '' && mediaUrls.length === 0) {
		throw fieldError(
			node,
			'Text',
			'is empty and there are no Media URLs',
			'Write the message text, or add media URLs (MMS).',
			itemIndex,
		);
	}
	if (type === 'SMS' && mediaUrls.length > 0) {
		throw fieldError(
			node,
			'Media URLs',
			'are set but Message Type is SMS',
			'An SMS carries text only: remove the media, or set Message Type to MMS or Auto.',
			itemIndex,
		);
	}
	if (type === 'SMS' && text.trim() === '') {
		throw fieldError(
			node,
			'Text',
			'is empty but Message Type is SMS',
			'Write the text, or set Message Type to MMS to send media only.',
			itemIndex,
		);
	}
}

/** A send time inside Telnyx's window (5 minutes .. 5 days ahead), as ISO 8601 in UTC. */
export function readSendAt(context: IExecuteFunctions, itemIndex: number, value: unknown): string {
	// Telnyx is accurate to the minute; whole seconds keep the request plain.
	return readSendTime(context, itemIndex, value, SCHEDULE_WINDOW)
		.toUTC()
		.startOf('second')
		.toISO({ suppressMilliseconds: true }) as string;
}

/** Get and Cancel: the item's Message ID, trimmed; a malformed one is refused before any request. */
export function readMessageId(context: IExecuteFunctions, itemIndex: number): string {
	const id = String(context.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
	if (!isUuid(id)) {
		throw fieldError(
			context.getNode(),
			'Message ID',
			id === '' ? 'is empty' : `("${id.slice(0, 60)}") is not a Telnyx message ID`,
			'Use the message_id that Schedule or Send returned, a UUID such as 40385f64-5717-4562-b3fc-2c963f66afa6.',
			itemIndex,
		);
	}
	return id;
}
