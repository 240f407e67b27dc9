import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from '../../../shared/errors';
import { isUuid, shownValue } from '../../../shared/ids';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { parameterOfRun } from '../../../shared/parameterOfRun';
import { isE164, locatorValue, readPhoneNumber, type MessageType } from './readers';

/**
 * Who sends a message. Telnyx takes four kinds of sender on /messages and /messages/schedule:
 * a phone number, a short code, an alphanumeric sender ID (with its messaging profile), or a
 * messaging profile whose number pool picks the number. Each is read and checked in its own form.
 */

/** The Send From option (saved in workflows: the values never change). */
export type SenderOption =
	| 'phoneNumber'
	| 'shortCode'
	| 'alphanumericSenderId'
	| 'messagingProfile';

/** What the output calls each kind (`sender_type`). */
export type SenderType = 'phone_number' | 'short_code' | 'alphanumeric_sender_id' | 'number_pool';

export const SENDER_TYPE: Record<SenderOption, SenderType> = {
	phoneNumber: 'phone_number',
	shortCode: 'short_code',
	alphanumericSenderId: 'alphanumeric_sender_id',
	messagingProfile: 'number_pool',
};

/** Telnyx short codes are 5 or 6 digits. */
export const SHORT_CODE_PATTERN = '^\\d{5,6}$';
/** Telnyx's form: 1 to 11 Latin letters, digits or spaces, with at least one letter. */
export const ALPHANUMERIC_SENDER_PATTERN = '^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$';
const SHORT_CODE = new RegExp(SHORT_CODE_PATTERN);
const ALPHANUMERIC_SENDER = new RegExp(ALPHANUMERIC_SENDER_PATTERN);
const ALPHANUMERIC_MAX = 11;

export const isShortCode = (value: string): boolean => SHORT_CODE.test(value);
export const isAlphanumericSender = (value: string): boolean => ALPHANUMERIC_SENDER.test(value);

/** The kind an address has, judged by its form alone (Get and Cancel do not know how it was sent). */
export function senderTypeOf(address: string | null): SenderType | null {
	if (!address) return null;
	if (isE164(address)) return 'phone_number';
	return isShortCode(address) ? 'short_code' : 'alphanumeric_sender_id';
}

export interface Sender {
	/** `from` and/or `messaging_profile_id`, as Telnyx reads them. */
	fields: IDataObject;
	type: SenderType;
}

const SWITCH_TO_SHORT_CODE = 'This looks like a short code: set Send From to Short Code.';
const SWITCH_TO_ALPHANUMERIC =
	'This looks like an alphanumeric sender ID: set Send From to Alphanumeric Sender ID, with its messaging profile.';

/**
 * A From Number; a short code or sender ID typed there is pointed to its own option, or, for a
 * group MMS (which Telnyx sends from a phone number only), refused as such.
 */
export function readFromNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	groupMms = false,
): string {
	const typed = locatorValue(value);
	const otherKind = isShortCode(typed)
		? SWITCH_TO_SHORT_CODE
		: isAlphanumericSender(typed)
			? SWITCH_TO_ALPHANUMERIC
			: undefined;
	if (otherKind) {
		throw fieldError(
			context.getNode(),
			'From Number',
			`("${shownValue(typed)}") is not a phone number`,
			groupMms
				? 'Telnyx sends a group MMS from one of your phone numbers only (no short code or sender ID): give a number in E.164 form, e.g. +15551234567.'
				: otherKind,
			itemIndex,
		);
	}
	return readPhoneNumber(context, itemIndex, 'From Number', value);
}

export function readShortCode(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const code = locatorValue(value).replace(/\s/g, '');
	if (isShortCode(code)) return code;
	throw fieldError(
		context.getNode(),
		'Short Code',
		code === '' ? 'is empty' : `("${shownValue(locatorValue(value))}") is not a short code`,
		isE164(code)
			? 'This is a phone number: set Send From to Phone Number.'
			: 'A Telnyx short code is 5 or 6 digits, e.g. 12345: pick it from the list, or type its digits.',
		itemIndex,
	);
}

/** What is wrong with a sender ID, or undefined when Telnyx takes its form. */
function alphanumericProblem(id: string): { problem: string; fix: string } | undefined {
	const fix =
		'Use 1 to 11 Latin letters (A-Z, a-z), digits or spaces, with at least one letter, e.g. ACME; or pick it from the list.';
	if (id === '') return { problem: 'is empty', fix };
	if (id.length > ALPHANUMERIC_MAX)
		return { problem: `("${shownValue(id)}") has ${id.length} characters, more than 11`, fix };
	const refused = [...new Set(id.replace(/[A-Za-z0-9 ]/g, ''))].join('');
	if (refused !== '') return { problem: `("${shownValue(id)}") contains "${refused}"`, fix };
	if (!/[A-Za-z]/.test(id)) {
		return {
			problem: `("${shownValue(id)}") has no letter`,
			fix: isShortCode(id.replace(/\s/g, '')) ? SWITCH_TO_SHORT_CODE : fix,
		};
	}
	return undefined;
}

export function readAlphanumericSender(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): string {
	const id = locatorValue(value);
	const wrong = alphanumericProblem(id);
	if (wrong) {
		throw fieldError(
			context.getNode(),
			'Alphanumeric Sender ID',
			wrong.problem,
			wrong.fix,
			itemIndex,
		);
	}
	return id;
}

export function readProfileId(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	forSenderId = false,
): string {
	const id = locatorValue(value);
	if (id === '') {
		throw fieldError(
			context.getNode(),
			'Messaging Profile',
			'is empty',
			forSenderId
				? 'Telnyx needs the messaging profile the sender ID belongs to: pick it from the list, or give its ID.'
				: 'Pick a messaging profile from the list, or give its ID.',
			itemIndex,
		);
	}
	if (!isUuid(id)) {
		throw fieldError(
			context.getNode(),
			'Messaging Profile',
			`("${shownValue(id)}") is not a messaging profile ID`,
			'Pick the profile from the list, or copy its ID (a UUID such as 4000eba1-a0c0-4563-9925-b25e842a7cb6) from Mission Control > Messaging.',
			itemIndex,
		);
	}
	return id;
}

/** The item's sender, as Send From says. Saved workflows without Send From send from a number. */
export function readSender(context: IExecuteFunctions, itemIndex: number): Sender {
	const option = parameterOfRun(context, 'senderType', itemIndex, 'phoneNumber') as SenderOption;
	const param = (name: string) => parameterOfRun(context, name, itemIndex, '');
	switch (option) {
		case 'messagingProfile':
			return {
				fields: {
					messaging_profile_id: readProfileId(context, itemIndex, param('messagingProfile')),
				},
				type: SENDER_TYPE.messagingProfile,
			};
		case 'shortCode':
			return {
				fields: { from: readShortCode(context, itemIndex, param('shortCode')) },
				type: SENDER_TYPE.shortCode,
			};
		case 'alphanumericSenderId':
			return {
				fields: {
					from: readAlphanumericSender(context, itemIndex, param('alphanumericSenderId')),
					messaging_profile_id: readProfileId(context, itemIndex, param('messagingProfile'), true),
				},
				type: SENDER_TYPE.alphanumericSenderId,
			};
		default:
			return {
				fields: { from: readFromNumber(context, itemIndex, param('fromNumber')) },
				type: SENDER_TYPE.phoneNumber,
			};
	}
}

/**
 * Alphanumeric sender IDs send SMS only (Telnyx refuses MMS from them): media, a subject (which
 * makes it an MMS) or Message Type MMS are refused before any request.
 */
export function checkSenderCarries(
	context: IExecuteFunctions,
	itemIndex: number,
	sender: Sender,
	content: { mediaUrls: string[]; subject: boolean; type: MessageType },
): void {
	if (sender.type !== 'alphanumeric_sender_id') return;
	const smsOnly = 'Send From is Alphanumeric Sender ID, which sends SMS only';
	const fix = (what: string) =>
		`${what}, or send from a phone number, short code or number pool, which can send MMS.`;
	const node = nodeOfRun(context);
	if (content.mediaUrls.length > 0)
		throw fieldError(
			node,
			'Media URLs',
			`are set but ${smsOnly}`,
			fix('Remove the media'),
			itemIndex,
		);
	if (content.type === 'MMS')
		throw fieldError(
			node,
			'Message Type',
			`is MMS but ${smsOnly}`,
			fix('Set it to SMS or Auto'),
			itemIndex,
		);
	if (content.subject)
		throw fieldError(
			node,
			'Subject',
			`is set (it makes the message an MMS) but ${smsOnly}`,
			fix('Remove the subject'),
			itemIndex,
		);
}
