import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
	dayOf,
	expiredDays,
	FileSeenEventStore,
	PRUNE_EVERY_MS,
} from '../../../../nodes/Telnyx/trigger/seenEvents/fileStore';
import { REMEMBER_MS, type EventScope } from '../../../../nodes/Telnyx/trigger/seenEvents/types';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const scope: EventScope = { workflowId: 'wf1', nodeId: 'node-1', test: false };

/** A store over a fresh folder, on a clock the test moves. */
function storeOnClock(startMs: number) {
	const root = mkdtempSync(join(tmpdir(), 'telnyx-seen-'));
	const clock = { now: startMs };
	const store = new FileSeenEventStore(root, () => clock.now);
	/** Claims at the clock's time and dates the day folder's last change to it, as the disk would. */
	async function claimAt(eventId: string, occurredAt: string, where: EventScope = scope) {
		const claim = await store.claim(where, eventId, occurredAt);
		const folder = join(root, where.workflowId, where.nodeId, dayOf(occurredAt, clock.now));
		if (claim === 'first') utimesSync(folder, clock.now / 1000, clock.now / 1000);
		return claim;
	}
	const days = (where: EventScope = scope) => {
		try {
			return readdirSync(join(root, where.workflowId, where.nodeId)).sort();
		} catch {
			return [];
		}
	};
	const ids = () =>
		days().reduce(
			(count, day) => count + readdirSync(join(root, scope.workflowId, scope.nodeId, day)).length,
			0,
		);
	return { root, clock, store, claimAt, days, ids };
}

describe('Telnyx Trigger seen events: file store', () => {
	test("an event's day folder is the UTC day it occurred, the same on every retry; else today", () => {
		const now = Date.parse('2026-12-02T10:00:00Z');
		assert.equal(dayOf('2026-12-01T23:59:59.999+00:00', now), '2026-12-01');
		assert.equal(dayOf('2026-12-02T01:30:00+05:00', now), '2026-12-01');
		assert.equal(dayOf(undefined, now), '2026-12-02');
		assert.equal(dayOf('not a time', now), '2026-12-02');
	});

	test('a day folder expires only when its day ended and nothing was added for the window', () => {
		const now = Date.parse('2026-12-05T12:00:00Z');
		const lastAdded = (iso: string) => Date.parse(iso);
		assert.deepEqual(
			expiredDays(
				[
					// ended 2026-12-04T00:00Z, i.e. 36 h ago; last id 36 h ago: goes
					{ day: '2026-12-03', lastAddedMs: lastAdded('2026-12-03T23:59:00Z') },
					// ended 36 h ago, but an id (a late delivery) came 10 h ago: stays
					{ day: '2026-12-02', lastAddedMs: lastAdded('2026-12-05T02:00:00Z') },
					// ended 12 h ago: stays, whatever its last change
					{ day: '2026-12-04', lastAddedMs: lastAdded('2026-12-01T00:00:00Z') },
					// today and a future-dated day: stay
					{ day: '2026-12-05', lastAddedMs: now },
					{ day: '2026-12-09', lastAddedMs: now },
				],
				now,
			),
			['2026-12-03'],
		);
		// Exactly at the window's end it goes; a millisecond earlier it stays.
		const ended = Date.parse('2026-12-04T00:00:00Z');
		const folder = [{ day: '2026-12-03', lastAddedMs: ended }];
		assert.deepEqual(expiredDays(folder, ended + REMEMBER_MS - 1), []);
		assert.deepEqual(expiredDays(folder, ended + REMEMBER_MS), ['2026-12-03']);
	});

	test('the first claim of an id wins, every later one is a duplicate; scopes are apart', async () => {
		const { store } = storeOnClock(Date.now());
		const id = randomUUID();
		const at = new Date().toISOString();
		assert.equal(await store.claim(scope, id, at), 'first');
		assert.equal(await store.claim(scope, id, at), 'duplicate');
		assert.equal(await store.claim({ ...scope, nodeId: 'node-2' }, id, at), 'first');
		assert.equal(await store.claim({ ...scope, workflowId: 'wf2' }, id, at), 'first');
		assert.equal(await store.claim({ ...scope, test: true }, id, at), 'first');
		await store.release(scope, id, at);
		assert.equal(await store.claim(scope, id, at), 'first', 'a released claim is free again');
		// Ids and scopes that are not plain names become hashes, never paths.
		const odd = { workflowId: '../../etc', nodeId: 'a/b', test: false };
		assert.equal(await store.claim(odd, '../passwd', at), 'first');
		assert.equal(await store.claim(odd, '../passwd', at), 'duplicate');
	});

	test('of many claims at once exactly one is first', async () => {
		const { store } = storeOnClock(Date.now());
		const id = randomUUID();
		const at = new Date().toISOString();
		const claims = await Promise.all(
			Array.from({ length: 50 }, async () => await store.claim(scope, id, at)),
		);
		assert.equal(claims.filter((claim) => claim === 'first').length, 1);
	});

	test('a week of events keeps at most three days of ids, and a retry within the window stays a duplicate', async () => {
		const start = Date.parse('2026-12-01T00:30:00Z');
		const { clock, claimAt, days, ids } = storeOnClock(start);
		let highest = 0;
		const seen: Array<{ id: string; occurredAt: string; firstMs: number }> = [];
		// Every 3 hours for 7 days: a new event, and a retry of the event from 24 hours before.
		for (let step = 0; step < 7 * 8; step++) {
			clock.now = start + step * 3 * HOUR;
			const event = { id: randomUUID(), occurredAt: new Date(clock.now).toISOString() };
			assert.equal(await claimAt(event.id, event.occurredAt), 'first');
			seen.push({ ...event, firstMs: clock.now });
			const dayOld = seen.find((earlier) => earlier.firstMs === clock.now - 24 * HOUR);
			if (dayOld) assert.equal(await claimAt(dayOld.id, dayOld.occurredAt), 'duplicate');
			highest = Math.max(highest, days().length);
		}
		assert.ok(highest <= 3, `at most 3 day folders at once, saw ${highest}`);
		assert.ok(ids() <= 3 * 8, `ids kept: ${ids()}`);
		// Pruning ran by itself (at most hourly): the first days are gone.
		assert.ok(!days().includes('2026-12-01'), days().join(','));
	});

	test('a late delivery keeps its day folder for the window after it came', async () => {
		const occurred = Date.parse('2026-12-01T12:00:00Z');
		const { clock, store, claimAt, days } = storeOnClock(occurred + 40 * HOUR);
		const late = randomUUID();
		const occurredAt = new Date(occurred).toISOString();
		assert.equal(await claimAt(late, occurredAt), 'first');
		clock.now += REMEMBER_MS - HOUR;
		await store.prune();
		assert.deepEqual(days(), ['2026-12-01']);
		assert.equal(await store.claim(scope, late, occurredAt), 'duplicate');
		clock.now += 2 * HOUR;
		await store.prune();
		assert.deepEqual(days(), []);
	});

	test('pruning runs at most once per PRUNE_EVERY_MS per process and spans every trigger', async () => {
		const start = Date.parse('2026-12-01T06:00:00Z');
		const { root, clock, claimAt, days } = storeOnClock(start);
		const other: EventScope = { workflowId: 'wf9', nodeId: 'node-9', test: false };
		await claimAt(randomUUID(), new Date(start).toISOString(), other);
		clock.now = start + 3 * DAY;
		await claimAt(randomUUID(), new Date(clock.now).toISOString());
		assert.deepEqual(days(other), [], "the other trigger's old day went with this claim's prune");
		assert.deepEqual(readdirSync(root), ['wf1'], 'emptied trigger folders are removed');
		// An hour has not passed: the next claim does not look again. (The other trigger's old
		// folder is back, last changed long ago.)
		await claimAt(randomUUID(), new Date(start).toISOString(), other);
		utimesSync(join(root, 'wf9', 'node-9', '2026-12-01'), start / 1000, start / 1000);
		clock.now += PRUNE_EVERY_MS - 1;
		await claimAt(randomUUID(), new Date(clock.now).toISOString());
		assert.deepEqual(days(other), ['2026-12-01']);
		clock.now += 1;
		await claimAt(randomUUID(), new Date(clock.now).toISOString());
		assert.deepEqual(days(other), []);
	});
});
