import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TelnyxFake } from '../../../../fakes/telnyx/server';
import {
	FROM,
	TO,
	groupParams,
	numberLocator,
	posts,
	runTelnyx,
	storedMessages,
	useTelnyxFake,
} from '../../setup';

describe('Telnyx: Message > Send Group MMS', () => {
	let fake: TelnyxFake;
	useTelnyxFake((started) => (fake = started));

	test('Send Group MMS: one message to every recipient', async () => {
		const result = await runTelnyx(fake, {
			parameters: groupParams({
				recipients: '+15557654321\n+15557654322; +15557654323',
				additionalFields: { subject: 'Photo' },
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
		assert.equal(posts(fake, '/messages/group_mms'), 1);
		const [stored] = storedMessages(fake);
		assert.equal(stored.type, 'MMS');
		assert.deepEqual(
			stored.to.map((r) => r.phone_number),
			['+15557654321', '+15557654322', '+15557654323'],
		);
		assert.deepEqual(result.items[0].json.to, ['+15557654321', '+15557654322', '+15557654323']);
		assert.equal(result.items[0].json.status, 'queued');
		assert.equal(result.items[0].json.sender_type, 'phone_number');
		assert.deepEqual(fake.requests[0].body, {
			from: FROM,
			to: ['+15557654321', '+15557654322', '+15557654323'],
			text: 'Team photo',
			subject: 'Photo',
		});
	});

	test('Send Group MMS takes a list from an expression, and drops repeated numbers', async () => {
		const result = await runTelnyx(fake, {
			parameters: groupParams({ recipients: `={{ ["${TO}", "+15557654322", "${TO}"] }}` }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			storedMessages(fake)[0].to.map((r) => r.phone_number),
			[TO, '+15557654322'],
		);
	});

	describe('bad group input is refused before any request', () => {
		const nine = Array.from({ length: 9 }, (_, i) => `+1555765430${i}`).join(',');
		const cases: Array<[string, IDataObject, RegExp]> = [
			[
				'more than 8 recipients',
				{ recipients: nine },
				/'To' has 9 different numbers; a group MMS goes to 2 to 8/,
			],
			[
				'a single recipient',
				{ recipients: TO },
				/'To' has 1 different number; a group MMS goes to 2 to 8/,
			],
			[
				'a recipient that is not E.164',
				{ recipients: `${TO}, 5557654322` },
				/'To' \("5557654322"\) is not an E\.164 phone number/,
			],
			['no sender', { fromNumber: numberLocator('={{ "" }}') }, /'From Number' is empty/],
			// Telnyx sends a group MMS from a phone number only.
			[
				'a short code as sender',
				{ fromNumber: numberLocator('={{ "12345" }}') },
				/'From Number' \("12345"\) is not a phone number/,
			],
			[
				'an alphanumeric sender ID as sender',
				{ fromNumber: numberLocator('={{ "ACME" }}') },
				/'From Number' \("ACME"\) is not a phone number/,
			],
			['neither text nor media', { text: '' }, /'Text' is empty and there are no Media URLs/],
		];
		for (const [name, overrides, message] of cases) {
			test(name, async () => {
				const result = await runTelnyx(fake, { parameters: groupParams(overrides) });
				assert.match(result.error?.message ?? '', message);
				assert.ok(result.error?.description);
				if (name.endsWith('as sender')) {
					assert.match(
						String(result.error?.description),
						/group MMS from one of your phone numbers only/,
					);
				}
				assert.equal(fake.requests.length, 0);
			});
		}
	});
});
