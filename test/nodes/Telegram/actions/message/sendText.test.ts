import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import {
	callsOf,
	credentialData,
	runTelegram,
	scheduleText,
	sendCalls,
	sendText,
	startFake,
	stopFake,
	useTelegramFake,
} from '../../setup';

describe('Telegram: Message > Send Text', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));

	test('sends now: the chat holds exactly that message, and the output describes it', async () => {
		const result = await runTelegram(fake, { parameters: sendText() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 1);
		assert.equal(fake.scheduled.length, 0);
		const [sent] = fake.messages;
		assert.equal(sent.peerKey, fake.peerKey({ userId: 5000002n }));
		assert.equal(sent.text, 'Hello from n8n');
		assert.equal(sent.silent, false);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }],
		);
		assert.equal(result.items[0].json.messageId, sent.id);
		assert.equal(result.items[0].json.chatId, '5000002');
		assert.equal(result.items[0].json.scheduled, false);
	});

	test('a text sent now has the same output in a private chat and a channel: parsed text, entities, date', async () => {
		const parameters = (chat: string) =>
			sendText({ chat, text: 'Hello **world**', options: { formatting: 'markdown' } });
		const privateChat = await runTelegram(fake, { parameters: parameters('@alice_test') });
		const channel = await runTelegram(fake, { parameters: parameters('@news_test') });
		assert.equal(privateChat.error, undefined, privateChat.error?.message);
		assert.equal(channel.error, undefined, channel.error?.message);
		const [mine, post] = [privateChat.items[0].json, channel.items[0].json];
		assert.deepEqual(Object.keys(mine).sort(), Object.keys(post).sort());
		for (const json of [mine, post]) {
			assert.equal(json.text, 'Hello world');
			assert.deepEqual(json.entities, [{ type: 'bold', offset: 6, length: 5 }]);
			assert.equal(json.scheduled, false);
			assert.equal(typeof json.date, 'string');
		}
		const [sentPrivate, sentPost] = fake.messages;
		assert.equal(Date.parse(String(mine.date)) / 1000, sentPrivate.date);
		assert.equal(Date.parse(String(post.date)) / 1000, sentPost.date);
	});

	test('schedules at a time with silent, reply-to and no link preview', async () => {
		const result = await runTelegram(fake, {
			parameters: scheduleText({
				text: 'See https://example.com',
				options: { silent: true, disableLinkPreview: true, replyToMessageId: 7 },
			}),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 0);
		assert.equal(fake.scheduled.length, 1);
		const [scheduled] = fake.scheduled;
		assert.ok(Math.abs((scheduled.scheduleDate ?? 0) - (Date.now() / 1000 + 7200)) < 5);
		assert.equal(scheduled.silent, true);
		assert.equal(scheduled.noWebpage, true);
		assert.equal(scheduled.replyToMsgId, 7);
		assert.equal(result.items[0].json.scheduled, true);
		assert.equal(result.items[0].json.messageId, scheduled.id);
		assert.equal(
			Date.parse(String(result.items[0].json.scheduledFor)) / 1000,
			scheduled.scheduleDate,
		);
	});

	test("a time without offset is read in the workflow's time zone", async () => {
		const inTokyo = new Intl.DateTimeFormat('sv-SE', {
			timeZone: 'Asia/Tokyo',
			dateStyle: 'short',
			timeStyle: 'medium',
		})
			.format(new Date(Date.now() + 90 * 60_000))
			.replace(' ', 'T');
		const result = await runTelegram(fake, {
			parameters: scheduleText({ sendAt: inTokyo }),
			timezone: 'Asia/Tokyo',
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled[0].scheduleDate, Math.floor(Date.parse(`${inTokyo}+09:00`) / 1000));
		assert.match(String(result.items[0].json.scheduledFor), /\+09:00$/);
	});

	test('Markdown and HTML become entities; None sends the text as typed', async () => {
		await runTelegram(fake, {
			parameters: sendText({ text: '**bold** and __it__', options: { formatting: 'markdown' } }),
		});
		await runTelegram(fake, {
			parameters: sendText({ text: '<b>bold</b> <i>it</i>', options: { formatting: 'html' } }),
		});
		await runTelegram(fake, { parameters: sendText({ text: '**as is**' }) });
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['bold and it', 'bold it', '**as is**'],
		);
		assert.deepEqual(
			fake.messages.map((message) => message.entities.length),
			[2, 2, 0],
		);
	});

	test('chats by @username, t.me link, phone, numeric id, -100 channel id and "me"', async () => {
		const chats = [
			'@alice_test',
			'https://t.me/bob_test',
			'+1 555 000 1111',
			'5000003',
			'@news_test',
			'-1001700000001',
			'me',
		];
		const result = await runTelegram(fake, {
			parameters: sendText({ chat: '={{ $json.chat }}', text: '={{ "to " + $json.chat }}' }),
			items: chats.map((chat) => ({ chat })),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.messages.map((message) => message.peerKey),
			[
				'user:5000002',
				'user:5000003',
				'user:5000002',
				'user:5000003',
				'channel:1700000001',
				'channel:1700000001',
				'user:5000001',
			],
		);
		assert.deepEqual(
			result.items.map((item) => item.json.chatId),
			['5000002', '5000003', '5000002', '5000003', '-1001700000001', '-1001700000001', '5000001'],
		);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			chats.map((_chat, item) => ({ item })),
		);
	});

	test('resolved chats are cached per account: a second execution asks Telegram nothing new', async () => {
		const credential = credentialData(fake);
		await runTelegram(fake, { parameters: sendText(), credential, items: [{}, {}] });
		await runTelegram(fake, { parameters: sendText(), credential });
		assert.equal(callsOf(fake, 'contacts.ResolveUsername'), 1);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 3);
		assert.equal(callsOf(fake, 'help.GetAppConfig'), 1, 'one connection served both executions');
	});

	test("a text longer than the account's limit is refused before the chat lookup or any send", async () => {
		const result = await runTelegram(fake, { parameters: sendText({ text: 'x'.repeat(4097) }) });
		assert.match(
			result.error?.message ?? '',
			/'Text' is 4097 characters long .*more than the 4096 Telegram allows in one message/,
		);
		assert.match(String(result.error?.description), /Shorten it to 4096 characters/);
		assert.equal(sendCalls(fake), 0);
		assert.equal(callsOf(fake, 'contacts.ResolveUsername'), 0);
		assert.equal(fake.messages.length, 0);
	});

	test("length is counted as Telegram counts: UTF-16 code units after markup, against the server's config", async () => {
		fake.textLimits = { ...fake.textLimits, message: 10 };
		const fits = await runTelegram(fake, {
			parameters: sendText({ text: '**12345678** ', options: { formatting: 'markdown' } }),
		});
		assert.equal(fits.error, undefined, fits.error?.message);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['12345678 '],
		);
		// Six emoji are six characters to a person but twelve UTF-16 code units to Telegram.
		const emoji = await runTelegram(fake, { parameters: sendText({ text: '🙂'.repeat(6) }) });
		assert.match(emoji.error?.message ?? '', /'Text' is 12 characters long .*more than the 10/);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 1, 'only the text that fits was sent');
	});

	test('the limits are read once per connection, however many items and executions use it', async () => {
		const credential = credentialData(fake);
		const items = Array.from({ length: 5 }, (_unused, index) => ({ text: `item ${index}` }));
		const parameters = sendText({ text: '={{ $json.text }}' });
		await runTelegram(fake, { parameters, credential, items });
		await runTelegram(fake, { parameters, credential, items });
		assert.equal(callsOf(fake, 'messages.SendMessage'), 10);
		assert.equal(callsOf(fake, 'help.GetAppConfig'), 1);
		assert.equal(
			callsOf(fake, 'help.GetConfig'),
			2,
			"gramjs's own when it connected, and ours once for the limits",
		);
	});

	test('"When Online" schedules for when the user is next online; a channel is refused first', async () => {
		const ok = await runTelegram(fake, { parameters: sendText({ sendWhen: 'online' }) });
		assert.equal(ok.error, undefined, ok.error?.message);
		assert.equal(fake.scheduled[0].scheduleDate, 0x7ffffffe);
		assert.equal(ok.items[0].json.scheduledFor, 'when online');
		const refused = await runTelegram(fake, {
			parameters: sendText({ sendWhen: 'online', chat: '@news_test' }),
		});
		assert.match(refused.error?.message ?? '', /"When Online" needs a private chat/);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 1);
	});
});

describe('Telegram: bad input is refused before anything is sent', () => {
	let fake: TelegramFake;
	before(async () => {
		fake = await startFake();
	});
	after(async () => await stopFake(fake));
	beforeEach(() => fake.reset());

	const cases: Array<[string, IDataObject, RegExp]> = [
		['empty text', { text: '   ' }, /'Text' is empty/],
		[
			'a time in the past',
			{ sendWhen: 'at', sendAt: '={{ $now.minus({ minutes: 5 }).toISO() }}' },
			/'Send At' .* is in the past/,
		],
		[
			'a time too soon to be scheduled',
			{ sendWhen: 'at', sendAt: '={{ $now.plus({ seconds: 3 }).toISO() }}' },
			/'Send At' .* is too soon: it must be between 10 seconds and 365 days from now/,
		],
		[
			'a time more than a year ahead',
			{ sendWhen: 'at', sendAt: '={{ $now.plus({ days: 366 }).toISO() }}' },
			/'Send At' .* is too far ahead/,
		],
		[
			'a time that is no time',
			{ sendWhen: 'at', sendAt: 'next tuesday-ish' },
			/'Send At' .* is not a date and time/,
		],
		['a chat that is no chat', { chat: 'not a chat!' }, /'Chat' \("not a chat!"\) is not a chat/],
		['an invite link', { chat: 'https://t.me/+AbCdEf123' }, /'Chat' .* is an invite link/],
		[
			'an unknown username',
			{ chat: '@nobody_here' },
			/no user or chat has that username \(USERNAME_NOT_OCCUPIED\)/,
		],
		['an unknown numeric id', { chat: '424242' }, /'Chat' this account has no chat with ID 424242/],
		[
			'a negative Reply To Message ID',
			{ options: { replyToMessageId: -5 } },
			/'Reply To Message ID' \(-5\) is not a message ID/,
		],
		[
			'a Reply To Message ID with a fraction',
			{ options: { replyToMessageId: 2.5 } },
			/'Reply To Message ID' \(2\.5\) is not a message ID/,
		],
		[
			'a Reply To Message ID that is no number',
			{ options: { replyToMessageId: '={{ "12abc" }}' } },
			/'Reply To Message ID' \("12abc"\) is not a message ID/,
		],
	];
	for (const [name, parameters, expected] of cases) {
		test(`refuses ${name}`, async () => {
			const result = await runTelegram(fake, { parameters: sendText(parameters) });
			assert.match(result.error?.message ?? '', expected);
			assert.ok(result.error?.description, 'the error says what to do');
			assert.equal(sendCalls(fake), 0);
			assert.equal(fake.messages.length + fake.scheduled.length, 0);
		});
	}

	test('a bad item stops the run before any item is sent (items are checked as they come, fail-fast)', async () => {
		const result = await runTelegram(fake, {
			parameters: sendText({ text: '={{ $json.text }}' }),
			items: [{ text: '' }, { text: 'fine' }],
		});
		assert.match(result.error?.message ?? '', /'Text' is empty/);
		assert.equal(sendCalls(fake), 0);
	});

	test('with Continue On Fail the bad item becomes an error item and the others are sent', async () => {
		const result = await runTelegram(fake, {
			parameters: sendText({ text: '={{ $json.text }}' }),
			items: [{ text: 'one' }, { text: '' }, { text: 'three' }],
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['one', 'three'],
		);
		assert.match(String(result.items[1].json.error), /'Text' is empty/);
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
	});
});
