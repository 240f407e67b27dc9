import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROFILE_A_ID, PROFILE_B_ID, type TelnyxFake } from '../../../../fakes/telnyx/server';
import {
	FROM,
	FROM_B,
	SENDER_ID,
	SHORT_CODE,
	TO,
	TO_UK,
	alphanumericSender,
	numberLocator,
	posts,
	runTelnyx,
	sendParams,
	shortCodeSender,
	storedMessages,
	useTelnyxFake,
} from '../../setup';

/** An expression giving `value`: n8n's editor validation does not see it, the node's readers do. */
const expr = (value: string) => `={{ ${JSON.stringify(value)} }}`;

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

	describe('every kind of sender', () => {
		/** Runs Send and returns the request body, the stored message and the output item. */
		async function sendFrom(overrides: IDataObject) {
			const result = await runTelnyx(fake, { parameters: sendParams(overrides) });
			assert.equal(result.error, undefined, result.error?.message);
			assert.deepEqual(fake.violations, []);
			assert.deepEqual(fake.responseViolations, []);
			assert.equal(posts(fake, '/messages'), 1);
			const [stored] = storedMessages(fake);
			return { body: fake.requests[0].body as IDataObject, stored, out: result.items[0].json };
		}

		test('a phone number (the default, also for saved workflows without Send From)', async () => {
			const { body, out } = await sendFrom({ senderType: undefined });
			assert.deepEqual(body, { from: FROM, to: TO, text: 'Your table is ready at 7' });
			assert.equal(out.from, FROM);
			assert.equal(out.sender_type, 'phone_number');
		});

		test('a short code, typed', async () => {
			const { body, stored, out } = await sendFrom(shortCodeSender());
			assert.deepEqual(body, { from: SHORT_CODE, to: TO, text: 'Your table is ready at 7' });
			assert.equal(stored.from.phone_number, SHORT_CODE);
			assert.equal(stored.messaging_profile_id, PROFILE_A_ID);
			assert.equal(out.from, SHORT_CODE);
			assert.equal(out.sender_type, 'short_code');
		});

		test('a short code picked from the list', async () => {
			const { body, out } = await sendFrom(shortCodeSender('654321', 'list'));
			assert.equal(body.from, '654321');
			assert.equal(out.messaging_profile_id, PROFILE_B_ID);
			assert.equal(out.sender_type, 'short_code');
		});

		test('an alphanumeric sender ID goes with its messaging profile', async () => {
			const { body, stored, out } = await sendFrom(alphanumericSender());
			assert.deepEqual(body, {
				from: SENDER_ID,
				messaging_profile_id: PROFILE_A_ID,
				to: TO_UK,
				text: 'Your table is ready at 7',
			});
			assert.equal(stored.type, 'SMS');
			assert.equal(out.from, SENDER_ID);
			assert.equal(out.sender_type, 'alphanumeric_sender_id');
		});

		test('a sender ID with a space, picked from the list', async () => {
			const { body, out } = await sendFrom(alphanumericSender('Acme Shop', PROFILE_B_ID, 'list'));
			assert.equal(body.from, 'Acme Shop');
			assert.equal(out.sender_type, 'alphanumeric_sender_id');
		});

		test("a number pool: the output says so, and gives the pool's number", async () => {
			const { body, out } = await sendFrom({
				senderType: 'messagingProfile',
				messagingProfile: numberLocator(PROFILE_B_ID, 'id'),
			});
			assert.equal(body.from, undefined);
			assert.equal(out.from, FROM_B);
			assert.equal(out.sender_type, 'number_pool');
		});
	});

	test("typed senders are checked by n8n's own validation, each in its own form, before the run", async () => {
		const typed: Array<[IDataObject, RegExp]> = [
			[shortCodeSender('1234'), /A short code is 5 or 6 digits/],
			[alphanumericSender('ACME-1'), /1 to 11 letters, digits or spaces, with at least one letter/],
			[{ fromNumber: numberLocator(SHORT_CODE, 'number') }, /E\.164 form/],
		];
		for (const [overrides, message] of typed) {
			await assert.rejects(runTelnyx(fake, { parameters: sendParams(overrides) }), message);
		}
		assert.equal(fake.requests.length, 0);
	});

	// Values from expressions (the usual way in a workflow) are checked when the item runs.
	describe('a sender in the wrong form, or MMS from a sender ID, is refused before any request', () => {
		const media = { mediaUrls: 'https://example.com/a.png' };
		const cases: Array<[string, IDataObject, RegExp, RegExp]> = [
			[
				'a short code of 4 digits',
				shortCodeSender(expr('1234')),
				/^'Short Code' \("1234"\) is not a short code$/,
				/5 or 6 digits/,
			],
			[
				'a phone number given as short code',
				shortCodeSender(expr(FROM)),
				/'Short Code' \("\+15550001111"\) is not a short code/,
				/set Send From to Phone Number/,
			],
			[
				'a sender ID with a character Telnyx does not take',
				alphanumericSender(expr('ACME-1!')),
				/'Alphanumeric Sender ID' \("ACME-1!"\) contains "-!"/,
				/1 to 11 Latin letters/,
			],
			[
				'a sender ID of 12 characters',
				alphanumericSender(expr('ACME SHOP 12')),
				/'Alphanumeric Sender ID' \("ACME SHOP 12"\) has 12 characters, more than 11/,
				/1 to 11/,
			],
			[
				'a sender ID without a letter',
				alphanumericSender(expr(SHORT_CODE)),
				/'Alphanumeric Sender ID' \("12345"\) has no letter/,
				/set Send From to Short Code/,
			],
			[
				'a sender ID without its messaging profile',
				{ ...alphanumericSender(), messagingProfile: numberLocator(expr(''), 'list') },
				/^'Messaging Profile' is empty$/,
				/the messaging profile the sender ID belongs to/,
			],
			[
				'media from a sender ID',
				{ ...alphanumericSender(), ...media },
				/'Media URLs' are set but Send From is Alphanumeric Sender ID, which sends SMS only/,
				/Remove the media, or send from a phone number, short code or number pool/,
			],
			[
				'media only from a sender ID',
				{ ...alphanumericSender(), ...media, text: '' },
				/'Media URLs' are set but Send From is Alphanumeric Sender ID/,
				/Remove the media/,
			],
			[
				'Message Type MMS from a sender ID',
				{ ...alphanumericSender(), additionalFields: { messageType: 'MMS' } },
				/'Message Type' is MMS but Send From is Alphanumeric Sender ID/,
				/Set it to SMS or Auto/,
			],
			[
				'a subject (an MMS) from a sender ID',
				{ ...alphanumericSender(), additionalFields: { subject: 'Hi' } },
				/'Subject' is set \(it makes the message an MMS\) but Send From is Alphanumeric Sender ID/,
				/Remove the subject/,
			],
			[
				'a short code typed as From Number',
				{ fromNumber: numberLocator(expr(SHORT_CODE), 'number') },
				/'From Number' \("12345"\) is not a phone number/,
				/set Send From to Short Code/,
			],
			[
				'a sender ID typed as From Number',
				{ fromNumber: numberLocator(expr(SENDER_ID), 'number') },
				/'From Number' \("ACME"\) is not a phone number/,
				/set Send From to Alphanumeric Sender ID, with its messaging profile/,
			],
		];
		for (const [name, overrides, message, fix] of cases) {
			test(name, async () => {
				const result = await runTelnyx(fake, { parameters: sendParams(overrides) });
				assert.match(result.error?.message ?? '', message);
				assert.match(String(result.error?.description), fix);
				assert.equal(fake.requests.length, 0);
			});
		}
	});

	describe("senders the account does not own are refused by Telnyx, in Telnyx's words", () => {
		const cases: Array<[string, IDataObject, RegExp]> = [
			[
				'a short code of another account',
				shortCodeSender('99999'),
				/^Telnyx: Invalid 'from' address: '99999' is not a short code on this account/,
			],
			[
				"a sender ID of another profile (Acme Shop is profile B's)",
				alphanumericSender('Acme Shop', PROFILE_A_ID),
				/^Telnyx: Invalid 'from' address: 'Acme Shop' is not an alphanumeric sender ID of messaging profile/,
			],
		];
		for (const [name, overrides, message] of cases) {
			test(name, async () => {
				const result = await runTelnyx(fake, { parameters: sendParams(overrides) });
				assert.match(result.error?.message ?? '', message);
				assert.equal(result.error?.httpCode, '400');
				assert.equal(posts(fake, '/messages'), 1);
				assert.equal(fake.messages.size, 0);
				assert.deepEqual(fake.violations, []);
			});
		}
	});
});
