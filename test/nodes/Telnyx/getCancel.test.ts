import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { TelnyxFake } from '../../fakes/telnyx/server';
import { TO, messageIdParams, runTelnyx, scheduleParams, startFake } from './setup';

const MINUTE = 60_000;
const UNKNOWN_ID = '0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b';

describe('Telnyx: Message > Get and Cancel', () => {
	let fake: TelnyxFake;
	before(async () => {
		fake = await startFake();
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake.reset());

	/** Schedules a message through the node; returns its id. */
	async function scheduleOne(minutesAhead = 60): Promise<string> {
		const result = await runTelnyx(fake, { parameters: scheduleParams({ sendAt: `={{ $now.plus({ minutes: ${minutesAhead} }).toISO() }}` }) });
		assert.equal(result.error, undefined, result.error?.message);
		return String(result.items[0].json.message_id);
	}

	test('Get after Schedule finds the scheduled message', async () => {
		const id = await scheduleOne();
		const result = await runTelnyx(fake, { parameters: messageIdParams('get', id) });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
		const out = result.items[0].json;
		assert.equal(out.message_id, id);
		assert.equal(out.status, 'scheduled');
		assert.equal(out.send_at, fake.messages.get(id)?.send_at);
		assert.deepEqual(out.to, [TO]);
		assert.deepEqual(result.items[0].pairedItem, { item: 0 });
		assert.equal(fake.requests.at(-1)?.method, 'GET');
		assert.equal(fake.requests.at(-1)?.path, `/v2/messages/${id}`);
	});

	test('Get after the send time shows it delivered', async () => {
		const id = await scheduleOne(10);
		fake.advance(10 * MINUTE + 5000);
		const result = await runTelnyx(fake, { parameters: messageIdParams('get', ` ${id} `) });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(result.items[0].json.status, 'delivered');
		assert.equal(result.items[0].json.sent_at, fake.messages.get(id)?.sent_at);
		assert.ok(result.items[0].json.cost_amount);
	});

	test('Cancel of a scheduled message: Telnyx marks it cancelled, and Get agrees', async () => {
		const id = await scheduleOne();
		const result = await runTelnyx(fake, { parameters: messageIdParams('cancel', id) });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
		assert.equal(fake.messages.get(id)?.to[0].status, 'cancelled');
		assert.equal(result.items[0].json.message_id, id);
		assert.equal(result.items[0].json.status, 'cancelled');
		const got = await runTelnyx(fake, { parameters: messageIdParams('get', id) });
		assert.equal(got.items[0].json.status, 'cancelled');
	});

	test('Cancel of a message already sent fails clearly, saying where it is', async () => {
		const id = await scheduleOne(10);
		fake.advance(10 * MINUTE + 5000);
		const result = await runTelnyx(fake, { parameters: messageIdParams('cancel', id) });
		assert.ok(result.error);
		assert.match(result.error.message, new RegExp(`^Telnyx: message ${id} can no longer be cancelled: it is delivered \\(sent at `));
		assert.match(String(result.error.description), /only messages that are still scheduled and more than a minute before their send time/);
		assert.equal(result.error.httpCode, '403');
		assert.equal(fake.messages.get(id)?.to[0].status, 'delivered');
		assert.deepEqual(fake.violations, []);
	});

	test('Cancel in the last minute before the send time fails the same way', async () => {
		const id = await scheduleOne(6);
		fake.advance(5 * MINUTE + 30_000);
		const result = await runTelnyx(fake, { parameters: messageIdParams('cancel', id) });
		assert.match(result.error?.message ?? '', /can no longer be cancelled: it is scheduled/);
		assert.equal(fake.messages.get(id)?.to[0].status, 'scheduled');
	});

	test("Get of an unknown ID reports Telnyx's 404 with what to check", async () => {
		const result = await runTelnyx(fake, { parameters: messageIdParams('get', UNKNOWN_ID) });
		assert.match(result.error?.message ?? '', /^Telnyx: Resource not found: The requested resource or URL could not be found\./);
		assert.match(String(result.error?.description), /10 days/);
		assert.equal(result.error?.httpCode, '404');
		assert.deepEqual(fake.violations, []);
	});

	for (const operation of ['get', 'cancel'] as const) {
		test(`${operation}: an ID that is not a Telnyx message ID is refused before any request`, async () => {
			const result = await runTelnyx(fake, { parameters: messageIdParams(operation, '12345') });
			assert.match(result.error?.message ?? '', /'Message ID' \("12345"\) is not a Telnyx message ID/);
			assert.equal(fake.requests.length, 0);
		});
	}

	test('Continue On Fail: each item gets its own result or error, paired with its input', async () => {
		const id = await scheduleOne();
		const before = fake.requests.length;
		const items = [{ id }, { id: UNKNOWN_ID }, { id: 'nope' }];
		const result = await runTelnyx(fake, {
			parameters: messageIdParams('get', '={{ $json.id }}'),
			items,
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.equal(result.items.length, 3);
		assert.deepEqual(result.items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		assert.equal(result.items[0].json.message_id, id);
		// The same { error, errorDescription } shape as every other operation's failed item.
		assert.match(String(result.items[1].json.error), /Resource not found/);
		assert.match(String(result.items[1].json.errorDescription), /10 days/);
		assert.match(String(result.items[2].json.error), /'Message ID' \("nope"\)/);
		assert.equal(fake.requests.length - before, 2, 'the malformed ID made no request');
	});

	test('Retry On Fail after a mid-batch Cancel failure cancels each message once and fails none', async () => {
		const ids = [await scheduleOne(), await scheduleOne(), await scheduleOne()];
		// Item 2's cancel fails with a 500 once; the node is re-run for all three items, and item 1
		// (already cancelled) must not fail on Telnyx's 403 for a message no longer scheduled.
		fake.failNext({ method: 'DELETE', path: /\/messages\// }, 'http-500', 1);
		const result = await runTelnyx(fake, {
			parameters: messageIdParams('cancel', '={{ $json.id }}'),
			items: ids.map((id) => ({ id })),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(result.items.map((item) => [item.json.message_id, item.json.status]), ids.map((id) => [id, 'cancelled']));
		assert.deepEqual(result.items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const id of ids) assert.equal(fake.messages.get(id)?.to[0].status, 'cancelled');
		// Items run concurrently, so item 3 may have been cancelled in the first attempt or in the retry:
		// either way once. Item 2 twice (the 500, then the retry).
		const deletes = fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.path);
		assert.deepEqual([...deletes].sort(), [ids[0], ids[1], ids[1], ids[2]].map((id) => `/v2/messages/${id}`).sort());
	});

	test('a 429 on Get and on Cancel is waited out', async () => {
		const id = await scheduleOne();
		fake.rateLimitNext(1, 1);
		const got = await runTelnyx(fake, { parameters: messageIdParams('get', id) });
		assert.equal(got.error, undefined, got.error?.message);
		assert.equal(got.items[0].json.status, 'scheduled');
		fake.rateLimitNext(1, 1);
		const cancelled = await runTelnyx(fake, { parameters: messageIdParams('cancel', id) });
		assert.equal(cancelled.error, undefined, cancelled.error?.message);
		assert.equal(fake.messages.get(id)?.to[0].status, 'cancelled');
		assert.deepEqual(
			fake.requests.slice(1).map((request) => request.method),
			['GET', 'GET', 'DELETE', 'DELETE'],
		);
	});
});
