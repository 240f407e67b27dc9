import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TelnyxFake } from '../../../../fakes/telnyx/server';
import { messageIdParams, runTelnyx, scheduleOneMessage, useTelnyxFake } from '../../setup';

const MINUTE = 60_000;

describe('Telnyx: Message > Cancel', () => {
	let fake: TelnyxFake;
	useTelnyxFake((started) => (fake = started));

	const scheduleOne = async (minutesAhead?: number) => await scheduleOneMessage(fake, minutesAhead);

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
		assert.match(
			result.error.message,
			new RegExp(`^Telnyx: message ${id} can no longer be cancelled: it is delivered \\(sent at `),
		);
		assert.match(
			String(result.error.description),
			/only messages that are still scheduled and more than a minute before their send time/,
		);
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

	for (const operation of ['cancel'] as const) {
		test(`${operation}: an ID that is not a Telnyx message ID is refused before any request`, async () => {
			const result = await runTelnyx(fake, { parameters: messageIdParams(operation, '12345') });
			assert.match(
				result.error?.message ?? '',
				/'Message ID' \("12345"\) is not a Telnyx message ID/,
			);
			assert.equal(fake.requests.length, 0);
		});
	}

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
		assert.deepEqual(
			result.items.map((item) => [item.json.message_id, item.json.status]),
			ids.map((id) => [id, 'cancelled']),
		);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		for (const id of ids) assert.equal(fake.messages.get(id)?.to[0].status, 'cancelled');
		// Items run concurrently, so item 3 may have been cancelled in the first attempt or in the retry:
		// either way once. Item 2 twice (the 500, then the retry).
		const deletes = fake.requests
			.filter((request) => request.method === 'DELETE')
			.map((request) => request.path);
		assert.deepEqual(
			[...deletes].sort(),
			[ids[0], ids[1], ids[1], ids[2]].map((id) => `/v2/messages/${id}`).sort(),
		);
	});
});
