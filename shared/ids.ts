import type { IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from './errors';

/** The largest signed 32-bit integer: Telegram's message and secret chat ids are TL `int`s. */
export const INT32_MAX = 0x7fffffff;

const DECIMAL = /^\d{1,16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * A positive whole id written in decimal (a number from an expression counts as its decimal
 * text), at most `max`: undefined otherwise. Never `Number()` of any text: a 24-digit id is not
 * taken as 1e+23, nor "0x10", "1.5" or "1e3" as ids.
 */
export function parseDecimalId(value: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const digits = text.replace(/^0+(?=\d)/, '');
	if (!DECIMAL.test(digits)) return undefined;
	const id = Number(digits);
	return Number.isSafeInteger(id) && id >= 1 && id <= max ? id : undefined;
}

/** Shows a refused value briefly in an error message. */
export function shownValue(value: unknown): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export interface DecimalIdField {
	/** The field's display name. */
	field: string;
	/** What the id names, e.g. "scheduled message ID". */
	what: string;
	/** Where a valid id comes from, e.g. "Use the scheduled_message_id from Create or Get Many". */
	fix: string;
	max?: number;
}

/** parseDecimalId for one field, refusing anything else with the field's name and the fix. */
export function readDecimalId(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	{ field, what, fix, max = Number.MAX_SAFE_INTEGER }: DecimalIdField,
): number {
	const id = parseDecimalId(value, max);
	if (id === undefined) {
		throw fieldError(
			context.getNode(),
			field,
			`(${typeof value === 'number' ? value : `"${shownValue(value ?? '')}"`}) is not a ${what}`,
			`${fix}: a whole number from 1 to ${max}.`,
			itemIndex,
		);
	}
	return id;
}
