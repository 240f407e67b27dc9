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
	shortCodeSender,
	localIsoIn,
	numberLocator,
	posts,
	runTelnyx,
	scheduleParams,
	storedMessages,
	useTelnyxFake,
} from '../../setup';

describe('Telnyx: Message > Schedule', () => {
	let fake: TelnyxFake;
	useTelnyxFake((started) => (fake = started));

	test('schedules an SMS: Telnyx holds it as scheduled and the output describes it flat', async () => {
		const result = await runTelnyx(fake, { parameters: scheduleParams() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
		const [stored] = storedMessages(fake);
		assert.equal(fake.messages.size, 1);
		assert.equal(stored.from.phone_number, FROM);
		assert.deepEqual(
			stored.to.map((r) => [r.phone_number, r.status]),
			[[TO, 'scheduled']],
		);
		assert.equal(stored.text, 'Your table is ready at 7');
		assert.equal(stored.type, 'SMS');
		assert.ok(Math.abs(Date.parse(String(stored.send_at)) - (Date.now() + 2 * 3600_000)) < 5000);

		assert.equal(result.items.length, 1);
		const out = result.items[0].json;
		assert.equal(out.message_id, stored.id);
		assert.equal(out.status, 'scheduled');
		assert.equal(out.send_at, stored.send_at);
		assert.deepEqual(out.to, [TO]);
		assert.deepEqual(out.recipients, [{ phone_number: TO, status: 'scheduled' }]);
		assert.equal(out.from, FROM);
		assert.equal(out.type, 'SMS');
		assert.deepEqual(result.items[0].pairedItem, { item: 0 });
		const body = fake.requests[0].body as IDataObject;
		assert.deepEqual(
			Object.keys(body).sort(),
			['from', 'send_at', 'text', 'to'],
			'only what was set is sent',
		);
		assert.match(String(body.send_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(Date.parse(String(body.send_at)), Date.parse(String(stored.send_at)));
	});

	test('a messaging profile as sender: its number pool picks the number', async () => {
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({
				senderType: 'messagingProfile',
				messagingProfile: { __rl: true, mode: 'id', value: PROFILE_B_ID },
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		const [stored] = storedMessages(fake);
		assert.equal(stored.messaging_profile_id, PROFILE_B_ID);
		assert.equal(stored.from.phone_number, FROM_B);
		assert.equal((fake.requests[0].body as IDataObject).messaging_profile_id, PROFILE_B_ID);
		assert.equal((fake.requests[0].body as IDataObject).from, undefined);
		assert.equal(result.items[0].json.messaging_profile_id, PROFILE_B_ID);
		assert.equal(result.items[0].json.sender_type, 'number_pool');
	});

	test('a short code as sender: Telnyx holds the message as scheduled', async () => {
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ ...shortCodeSender(), mediaUrls: 'https://example.com/a.png' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
		const body = fake.requests[0].body as IDataObject;
		assert.equal(body.from, SHORT_CODE);
		assert.equal(body.messaging_profile_id, undefined);
		const [stored] = storedMessages(fake);
		assert.equal(stored.to[0].status, 'scheduled');
		assert.equal(stored.type, 'MMS');
		assert.equal(result.items[0].json.from, SHORT_CODE);
		assert.equal(result.items[0].json.sender_type, 'short_code');
		assert.equal(result.items[0].json.status, 'scheduled');
	});

	test('an alphanumeric sender ID as sender, with its messaging profile', async () => {
		const result = await runTelnyx(fake, { parameters: scheduleParams(alphanumericSender()) });
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		const body = fake.requests[0].body as IDataObject;
		assert.deepEqual(
			[body.from, body.messaging_profile_id, body.to],
			[SENDER_ID, PROFILE_A_ID, TO_UK],
		);
		const out = result.items[0].json;
		assert.deepEqual(
			[out.from, out.sender_type, out.status, out.type],
			[SENDER_ID, 'alphanumeric_sender_id', 'scheduled', 'SMS'],
		);
	});

	test('an MMS from an alphanumeric sender ID is refused before any request', async () => {
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({
				...alphanumericSender(),
				mediaUrls: '={{ ["https://example.com/a.png"] }}',
			}),
		});
		assert.match(
			result.error?.message ?? '',
			/^'Media URLs' are set but Send From is Alphanumeric Sender ID, which sends SMS only$/,
		);
		assert.equal(fake.requests.length, 0);
	});

	test('an MMS with media, subject and message webhooks: every field reaches Telnyx', async () => {
		const media = ['https://example.com/a.jpg', 'https://cdn.example.com/w_100,h_100/b.png'];
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({
				text: '',
				mediaUrls: `${media[0]}\n${media[1]}`,
				additionalFields: {
					subject: 'Menu',
					messageType: 'MMS',
					webhookUrl: 'https://hooks.example.com/one',
					webhookFailoverUrl: 'https://backup.example.com/one',
					useProfileWebhooks: false,
					autoDetect: true,
				},
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(fake.violations, []);
		const [stored] = storedMessages(fake);
		assert.equal(stored.type, 'MMS');
		assert.deepEqual(
			stored.media.map((m) => m.url),
			media,
		);
		assert.equal(stored.subject, 'Menu');
		assert.equal(stored.webhook_url, 'https://hooks.example.com/one');
		assert.equal(stored.webhook_failover_url, 'https://backup.example.com/one');
		const body = fake.requests[0].body as IDataObject;
		assert.equal(body.use_profile_webhooks, false);
		assert.equal(body.auto_detect, true);
		assert.equal(body.text, undefined, 'empty text is left out');
		assert.deepEqual(result.items[0].json.media_urls, media);
	});

	test("a time without offset is read in the workflow's time zone", async () => {
		const zone = 'Asia/Tokyo';
		const sendAt = localIsoIn(90, zone);
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ sendAt }),
			timezone: zone,
		});
		assert.equal(result.error, undefined, result.error?.message);
		const [stored] = storedMessages(fake);
		assert.equal(Date.parse(String(stored.send_at)), Date.parse(`${sendAt}+09:00`));
		assert.match(String(result.items[0].json.send_at_local), /\+09:00$/);
	});

	test('many items keep their order and pairing', async () => {
		const items = [
			{ to: '+15557654301' },
			{ to: '+15557654302' },
			{ to: '+15557654303' },
			{ to: '+15557654304' },
		];
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ to: '={{ $json.to }}' }),
			items,
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.items.map((item) => item.json.to),
			items.map((item) => [item.to]),
		);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }],
		);
		assert.deepEqual(
			storedMessages(fake)
				.map((m) => m.to[0].phone_number)
				.sort(),
			items.map((item) => item.to),
		);
		assert.deepEqual(fake.violations, []);
	});

	describe('bad input is refused before any request', () => {
		const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.jpg`);
		const cases: Array<[string, IDataObject, RegExp, RegExp?]> = [
			[
				'a time in the past',
				{ sendAt: '={{ $now.minus({ minutes: 1 }).toISO() }}' },
				/'Send At' .*is in the past: it must be between 5 minutes and 5 days from now/,
			],
			[
				'a time less than 5 minutes ahead',
				{ sendAt: '={{ $now.plus({ minutes: 4 }).toISO() }}' },
				/'Send At' .*is too soon/,
			],
			[
				'a time more than 5 days ahead',
				{ sendAt: '={{ $now.plus({ days: 5, minutes: 2 }).toISO() }}' },
				/'Send At' .*is too far ahead/,
			],
			[
				'a time that is not a time',
				{ sendAt: 'next tuesday' },
				/'Send At' \("next tuesday"\) is not a date and time/,
			],
			[
				'a recipient that is not E.164',
				{ to: '5557654321' },
				/'To' \("5557654321"\) is not an E\.164 phone number/,
			],
			['a recipient with a leading zero', { to: '+05557654321' }, /'To' .*not an E\.164/],
			// Expressions: n8n's own parameter check already refuses these when typed in the editor.
			[
				'a sender that is not E.164',
				{ fromNumber: numberLocator('={{ "15550001111" }}', 'number') },
				/'From Number' \("15550001111"\) is not an E\.164/,
			],
			['no sender number', { fromNumber: numberLocator('={{ "" }}') }, /'From Number' is empty/],
			[
				'no messaging profile',
				{
					senderType: 'messagingProfile',
					messagingProfile: { __rl: true, mode: 'list', value: '={{ "" }}' },
				},
				/'Messaging Profile' is empty/,
			],
			[
				'a profile ID that is not one',
				{
					senderType: 'messagingProfile',
					messagingProfile: { __rl: true, mode: 'list', value: 'Profile A' },
				},
				/'Messaging Profile' \("Profile A"\) is not a messaging profile ID/,
			],
			['neither text nor media', { text: '  ' }, /'Text' is empty and there are no Media URLs/],
			[
				'more than 10 media URLs',
				{ mediaUrls: `={{ ${JSON.stringify(eleven)} }}` },
				/'Media URLs' has 11 URLs; Telnyx takes at most 10/,
			],
			[
				'a media URL that is not http(s)',
				{ mediaUrls: 'ftp://example.com/a.jpg' },
				/'Media URLs' contains "ftp:\/\/example.com\/a.jpg", which is not an http\(s\) URL/,
			],
			[
				'media on an SMS',
				{ mediaUrls: 'https://example.com/a.jpg', additionalFields: { messageType: 'SMS' } },
				/'Media URLs' are set but Message Type is SMS/,
			],
			[
				'a webhook URL that is not one',
				{ additionalFields: { webhookUrl: 'hooks.example.com' } },
				/'Webhook URL' contains "hooks.example.com"/,
			],
		];
		for (const [name, overrides, message] of cases) {
			test(name, async () => {
				const result = await runTelnyx(fake, { parameters: scheduleParams(overrides) });
				assert.ok(result.error, 'the node should fail');
				assert.match(result.error.message, message);
				assert.ok(result.error.description, 'the error says how to fix it');
				assert.equal(fake.requests.length, 0, 'nothing reached Telnyx');
				assert.equal(fake.messages.size, 0);
			});
		}

		test('a refused time names the window and the time now in the workflow zone', async () => {
			const result = await runTelnyx(fake, {
				parameters: scheduleParams({ sendAt: '={{ $now.plus({ minutes: 2 }).toISO() }}' }),
				timezone: 'Europe/Paris',
			});
			const stamp = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d Europe/Paris \\(UTC\\+0[12]:00\\)';
			assert.match(
				result.error?.message ?? '',
				new RegExp(`i\\.e\\. ${stamp} \\.\\. ${stamp}\\. The time now is ${stamp}`),
			);
		});
	});

	test("Telnyx's own refusal arrives in Telnyx's words, naming the field", async () => {
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ fromNumber: numberLocator('+15559990000', 'number') }),
		});
		assert.ok(result.error);
		assert.match(
			result.error.message,
			/^Telnyx: Associated resource does not exist: '\+15559990000' is not a messaging-enabled number/,
		);
		assert.match(
			String(result.error.description),
			/Telnyx refused the value of 'From Number' \(\/from\)/,
		);
		assert.equal(result.error.httpCode, '422');
		assert.equal(fake.messages.size, 0);
		assert.deepEqual(fake.violations, []);
	});

	test('Continue On Fail: a bad item becomes an error item paired with its input, the others are scheduled', async () => {
		const items = [{ to: '+15557654301' }, { to: 'not a number' }, { to: '+15557654303' }];
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ to: '={{ $json.to }}' }),
			items,
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.match(
			String(result.items[1].json.error),
			/'To' \("not a number"\) is not an E\.164 phone number/,
		);
		assert.ok(result.items[1].json.errorDescription);
		assert.equal(result.items[0].json.status, 'scheduled');
		assert.equal(result.items[2].json.status, 'scheduled');
		assert.deepEqual(
			storedMessages(fake)
				.map((m) => m.to[0].phone_number)
				.sort(),
			['+15557654301', '+15557654303'],
		);
	});

	test('without Continue On Fail, no item starts after a failing one', async () => {
		const items = [{ to: '+15557654301' }, { to: 'not a number' }, { to: '+15557654303' }];
		const result = await runTelnyx(fake, {
			parameters: scheduleParams({ to: '={{ $json.to }}', options: { concurrency: 1 } }),
			items,
		});
		assert.match(result.error?.message ?? '', /'To' \("not a number"\)/);
		assert.equal(result.error?.context?.itemIndex, 1);
		assert.equal(posts(fake, '/messages/schedule'), 1);
		assert.deepEqual(
			storedMessages(fake).map((m) => m.to[0].phone_number),
			['+15557654301'],
		);
	});
});
