import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import {
	assertWithinWindow,
	parseTimeInput,
	TimeInputError,
	toUnixSeconds,
} from '../../shared/time';

describe('parseTimeInput', () => {
	test('an ISO time without offset is read in the given zone', () => {
		const time = parseTimeInput('2027-01-15T09:30:00', 'Asia/Tokyo');
		assert.equal(toUnixSeconds(time), Date.UTC(2027, 0, 15, 0, 30) / 1000);
		assert.equal(time.zoneName, 'Asia/Tokyo');
	});

	test('an ISO time with an offset keeps its instant', () => {
		const time = parseTimeInput('2027-01-15T09:30:00-05:00', 'Asia/Tokyo');
		assert.equal(toUnixSeconds(time), Date.UTC(2027, 0, 15, 14, 30) / 1000);
	});

	test('Unix seconds and milliseconds, as numbers or digits, are the same instant', () => {
		const seconds = 1_800_000_000;
		for (const value of [seconds, seconds * 1000, String(seconds), String(seconds * 1000)]) {
			assert.equal(toUnixSeconds(parseTimeInput(value, 'UTC')), seconds, `input ${value}`);
		}
	});

	test('luxon DateTimes (as n8n expressions give) and JS Dates are accepted', () => {
		const dt = DateTime.fromISO('2027-03-01T12:00:00', { zone: 'Europe/Paris' });
		assert.equal(toUnixSeconds(parseTimeInput(dt, 'UTC')), toUnixSeconds(dt));
		assert.equal(
			toUnixSeconds(parseTimeInput(new Date(Date.UTC(2027, 2, 1)), 'UTC')),
			Date.UTC(2027, 2, 1) / 1000,
		);
	});

	test('SQL and RFC 2822 forms parse too', () => {
		assert.equal(
			toUnixSeconds(parseTimeInput('2027-01-15 09:30:00', 'UTC')),
			Date.UTC(2027, 0, 15, 9, 30) / 1000,
		);
		assert.equal(
			toUnixSeconds(parseTimeInput('Fri, 15 Jan 2027 09:30:00 +0000', 'UTC')),
			Date.UTC(2027, 0, 15, 9, 30) / 1000,
		);
	});

	test('nonsense and empty values are refused with a fix', () => {
		for (const value of ['next tuesday', '', undefined, null, {}, Number.NaN]) {
			assert.throws(
				() => parseTimeInput(value, 'UTC'),
				(error: unknown) => {
					assert.ok(error instanceof TimeInputError);
					assert.ok(error.fix.length > 10);
					return true;
				},
			);
		}
	});
});

describe('assertWithinWindow', () => {
	const now = DateTime.fromISO('2026-11-23T12:00:00Z');

	test('accepts a time inside and at the edges of the window', () => {
		assertWithinWindow(
			now.plus({ minutes: 5 }),
			{ min: { minutes: 5 }, max: { days: 5 } },
			'UTC',
			now,
		);
		assertWithinWindow(
			now.plus({ days: 5 }),
			{ min: { minutes: 5 }, max: { days: 5 } },
			'UTC',
			now,
		);
		assertWithinWindow(now.plus({ years: 3 }), { min: { seconds: 1 } }, 'UTC', now);
	});

	test('a refusal names the time given, the time now and the window, in the zone', () => {
		assert.throws(
			() =>
				assertWithinWindow(
					now.plus({ minutes: 2 }),
					{ min: { minutes: 5 }, max: { days: 5 } },
					'America/New_York',
					now,
				),
			(error: Error) => {
				assert.match(error.message, /2026-11-23 07:02:00/);
				assert.match(error.message, /too soon/);
				assert.match(error.message, /between 5 minutes and 5 days from now/);
				assert.match(error.message, /The time now is 2026-11-23 07:00:00/);
				return true;
			},
		);
		assert.throws(
			() => assertWithinWindow(now.minus({ seconds: 1 }), { min: { seconds: 1 } }, 'UTC', now),
			/is in the past/,
		);
		assert.throws(
			() =>
				assertWithinWindow(
					now.plus({ days: 6 }),
					{ min: { minutes: 5 }, max: { days: 5 } },
					'UTC',
					now,
				),
			/too far ahead/,
		);
	});
});
