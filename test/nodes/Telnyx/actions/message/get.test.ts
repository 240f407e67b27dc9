import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TelnyxFake } from '../../../../fakes/telnyx/server';
import {
	TO,
	messageIdParams,
	runTelnyx,
	scheduleOneMessage,
	scheduleParams,
	shortCodeSender,
	useTelnyxFake,
} from '../../setup';

const MINUTE = 60_000;
const UNKNOWN_ID = '0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b';

describe('Telnyx: Message > Get', () => {
	let fake: TelnyxFake;
	useTelnyxFake((started) => (fake = started));

	const scheduleOne = async (minutesAhead?: number) => await scheduleOneMessage(fake, minutesAhead);

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

	test("Get tells the kind of sender by the message's from address", async () => {
		const scheduled = await runTelnyx(fake, { parameters: scheduleParams(shortCodeSender()) });
		assert.equal(scheduled.error, undefined, scheduled.error?.message);
		const id = String(scheduled.items[0].json.message_id);
		const result = await runTelnyx(fake, { parameters: messageIdParams('get', id) });
		assert.equal(result.items[0].json.from, '12345');
		assert.equal(result.items[0].json.sender_type, 'short_code');
		const fromNumber = await runTelnyx(fake, {
			parameters: messageIdParams('get', await scheduleOne()),
		});
		assert.equal(fromNumber.items[0].json.sender_type, 'phone_number');
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

	test("Get of an unknown ID reports Telnyx's 404 with what to check", async () => {
		const result = await runTelnyx(fake, { parameters: messageIdParams('get', UNKNOWN_ID) });
		assert.match(
			result.error?.message ?? '',
			/^Telnyx: Resource not found: The requested resource or URL could not be found\./,
		);
		assert.match(String(result.error?.description), /10 days/);
		assert.equal(result.error?.httpCode, '404');
		assert.deepEqual(fake.violations, []);
	});

	for (const operation of ['get'] as const) {
		test(`${operation}: an ID that is not a Telnyx message ID is refused before any request`, async () => {
			const result = await runTelnyx(fake, { parameters: messageIdParams(operation, '12345') });
			assert.match(
				result.error?.message ?? '',
				/'Message ID' \("12345"\) is not a Telnyx message ID/,
			);
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
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.equal(result.items[0].json.message_id, id);
		// The same { error, errorDescription } shape as every other operation's failed item.
		assert.match(String(result.items[1].json.error), /Resource not found/);
		assert.match(String(result.items[1].json.errorDescription), /10 days/);
		assert.match(String(result.items[2].json.error), /'Message ID' \("nope"\)/);
		assert.equal(fake.requests.length - before, 2, 'the malformed ID made no request');
	});
});
