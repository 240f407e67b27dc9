import type { INode } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';

/** The longest timer Telegram's apps offer for secret chats (one week). */
export const MAX_SELF_DESTRUCT_SECONDS = 7 * 24 * 3600;

/** A self-destruct time in whole seconds, 0 (off) up to one week; anything else names the field. */
export function readSelfDestructSeconds(
	node: INode,
	field: string,
	value: unknown,
	itemIndex: number,
): number {
	const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (
		typeof seconds !== 'number' ||
		!Number.isInteger(seconds) ||
		seconds < 0 ||
		seconds > MAX_SELF_DESTRUCT_SECONDS
	)
		throw fieldError(
			node,
			field,
			`is ${JSON.stringify(value)}, not a whole number of seconds from 0 to ${MAX_SELF_DESTRUCT_SECONDS}`,
			'Enter the seconds a message lives once read (0 switches the timer off, 604800 is one week).',
			itemIndex,
		);
	return seconds;
}
