import { DateTime, Duration, type DurationLike } from 'luxon';
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { fieldError } from './errors';

/** Why a time input was refused; callers turn it into a NodeOperationError naming their field. */
export class TimeInputError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'TimeInputError';
	}
}

// Unix seconds stay below this until the year 5138; larger numbers are milliseconds.
const LARGEST_UNIX_SECONDS = 1e11;

function fromEpoch(value: number): DateTime {
	const millis = Math.abs(value) < LARGEST_UNIX_SECONDS ? value * 1000 : value;
	return DateTime.fromMillis(millis, { zone: 'utc' });
}

function isLuxonLike(value: unknown): value is DateTime {
	// n8n hands over DateTimes from its own copy of luxon, so `instanceof` would be wrong here.
	return DateTime.isDateTime(value);
}

/**
 * Reads a time the way n8n users write one: an ISO string (without an offset it is read in
 * `zone`, the workflow's time zone), Unix seconds or milliseconds (number or digits), a luxon
 * DateTime from an expression such as `{{ $now.plus({ hours: 1 }) }}`, or a JS Date.
 */
export function parseTimeInput(value: unknown, zone: string): DateTime {
	if (isLuxonLike(value)) {
		if (!value.isValid)
			throw new TimeInputError('is an invalid date', 'Check the expression that builds it.');
		return DateTime.fromMillis(value.toMillis(), { zone });
	}
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime()))
			throw new TimeInputError('is an invalid date', 'Check the expression that builds it.');
		return DateTime.fromJSDate(value, { zone });
	}
	if (typeof value === 'number' && Number.isFinite(value)) return fromEpoch(value).setZone(zone);
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') throw new TimeInputError('is empty', 'Enter a date and time.');
		if (/^-?\d+(\.\d+)?$/.test(text)) return fromEpoch(Number(text)).setZone(zone);
		const options = { zone, setZone: true };
		const candidates = [
			() => DateTime.fromISO(text, options),
			() => DateTime.fromRFC2822(text, options),
			() => DateTime.fromHTTP(text, options),
			() => DateTime.fromSQL(text, options),
		];
		for (const candidate of candidates) {
			const parsed = candidate();
			if (parsed.isValid) return parsed.setZone(zone);
		}
	}
	throw new TimeInputError(
		`(${describeValue(value)}) is not a date and time`,
		'Use an ISO 8601 time such as 2026-12-24T09:30:00 (read in the workflow time zone), Unix seconds, or an expression such as {{ $now.plus({ hours: 1 }) }}.',
	);
}

function describeValue(value: unknown): string {
	if (value === undefined || value === null) return 'nothing';
	const text = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A provider's accepted range for a send time, relative to now. */
export interface TimeWindow {
	min: DurationLike;
	/** No upper bound when absent. */
	max?: DurationLike;
}

export function formatInZone(time: DateTime, zone: string): string {
	// The zone's own name (Europe/Paris), which users set in the workflow, and its offset.
	const local = time.setZone(zone);
	return `${local.toFormat('yyyy-MM-dd HH:mm:ss')} ${local.zoneName} (UTC${local.toFormat('ZZ')})`;
}

/** Throws when `time` is not within [now + min, now + max], saying the time, now and the window. */
export function assertWithinWindow(
	time: DateTime,
	window: TimeWindow,
	zone: string,
	now: DateTime = DateTime.now(),
): void {
	const min = Duration.fromDurationLike(window.min);
	const max = window.max === undefined ? undefined : Duration.fromDurationLike(window.max);
	const earliest = now.plus(min);
	const latest = max ? now.plus(max) : undefined;
	if (time >= earliest && (!latest || time <= latest)) return;
	const given = formatInZone(time, zone);
	const rule = latest
		? `between ${humanDuration(min)} and ${humanDuration(max as Duration)} from now, i.e. ${formatInZone(earliest, zone)} .. ${formatInZone(latest, zone)}`
		: `at least ${humanDuration(min)} from now, i.e. ${formatInZone(earliest, zone)} or later`;
	const problem =
		time < earliest ? (time <= now ? 'is in the past' : 'is too soon') : 'is too far ahead';
	throw new TimeInputError(
		`${given} ${problem}: it must be ${rule}. The time now is ${formatInZone(now, zone)}`,
		'Pick a time inside that window (times without an offset are read in the workflow time zone).',
	);
}

export function humanDuration(duration: Duration): string {
	const seconds = duration.as('seconds');
	if (seconds === 0) return 'now';
	const units: Array<[number, string]> = [
		[86400, 'day'],
		[3600, 'hour'],
		[60, 'minute'],
		[1, 'second'],
	];
	for (const [size, name] of units) {
		if (seconds % size === 0) {
			const count = seconds / size;
			return `${count} ${name}${count === 1 ? '' : 's'}`;
		}
	}
	return `${seconds} seconds`;
}

export function toUnixSeconds(time: DateTime): number {
	return Math.floor(time.toSeconds());
}

/**
 * The one send-time reader of every node: the item's `value` read as parseTimeInput does, in the
 * workflow's time zone, and checked against the provider's `window`. A bad time is refused with
 * an error naming `field`, the time given, now, and the window.
 */
export function readSendTime(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	window: TimeWindow,
	field = 'Send At',
	now: DateTime = DateTime.now(),
): DateTime {
	const zone = context.getTimezone();
	try {
		const time = parseTimeInput(value, zone);
		assertWithinWindow(time, window, zone, now);
		return time;
	} catch (error) {
		if (error instanceof TimeInputError)
			throw fieldError(context.getNode(), field, error.message, error.fix, itemIndex);
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}
