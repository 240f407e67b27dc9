import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TelnyxFake } from '../../../../fakes/telnyx/server';
import { posts, runTelnyx, sendParams, storedMessages, useTelnyxFake } from '../../setup';

describe('Telnyx: Message > Send', () => {
	let fake: TelnyxFake;
	useTelnyxFake((started) => (fake = started));

	test('Send goes out now: queued at once, delivered as the clock moves', async () => {
		const result = await runTelnyx(fake, { parameters: sendParams() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
		assert.equal(posts(fake, '/messages'), 1);
		const [stored] = storedMessages(fake);
		assert.equal(stored.send_at, undefined);
		assert.equal(result.items[0].json.message_id, stored.id);
		assert.equal(result.items[0].json.status, 'queued');
		assert.equal(result.items[0].json.send_at, null);
		assert.equal((fake.requests[0].body as IDataObject).send_at, undefined);
		fake.advance(2000);
		assert.equal(stored.to[0].status, 'delivered');
	});

	test('Send with a send time is scheduled by Telnyx', async () => {
		const result = await runTelnyx(fake, {
			parameters: sendParams({
				additionalFields: { sendAt: '={{ $now.plus({ minutes: 30 }).toISO() }}' },
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		const [stored] = storedMessages(fake);
		assert.equal(stored.to[0].status, 'scheduled');
		assert.ok(Math.abs(Date.parse(String(stored.send_at)) - (Date.now() + 30 * 60_000)) < 5000);
		assert.equal(result.items[0].json.status, 'scheduled');
	});

	test("Send's send time is held to the same window", async () => {
		const result = await runTelnyx(fake, {
			parameters: sendParams({
				additionalFields: { sendAt: '={{ $now.plus({ days: 6 }).toISO() }}' },
			}),
		});
		assert.match(
			result.error?.message ?? '',
			/'Send At' .*is too far ahead: it must be between 5 minutes and 5 days from now/,
		);
		assert.equal(fake.requests.length, 0);
	});

	test('an MMS with media only (type left to Telnyx) goes out as MMS', async () => {
		const result = await runTelnyx(fake, {
			parameters: sendParams({ text: '', mediaUrls: '={{ ["https://example.com/a.png"] }}' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [stored] = storedMessages(fake);
		assert.equal(stored.type, 'MMS');
		assert.equal((fake.requests[0].body as IDataObject).type, undefined);
		assert.equal(result.items[0].json.type, 'MMS');
	});
});
