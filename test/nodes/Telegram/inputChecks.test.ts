import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { runTelegram, scheduledOp, sendText, useTelegramFake } from './setup';

/**
 * Bad inputs the node can know are bad, in every operation: each is refused with an error naming
 * the field and the fix, and no call reaches Telegram (the fake's RPC log stays empty: the node
 * does not even connect).
 */
describe('Telegram: bad inputs are refused before any call', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));

	const TOO_LONG_ID = '123456789012345678901234';
	const urlItem = (extra: IDataObject = {}): IDataObject => ({
		source: 'url',
		url: 'https://example.com/photo.jpg',
		kind: 'auto',
		...extra,
	});
	const album = (second: IDataObject): IDataObject => ({
		resource: 'message',
		operation: 'sendAlbum',
		chat: '@alice_test',
		sendWhen: 'now',
		media: { items: [urlItem(), urlItem(second)] },
	});
	const secretGetAll = (extra: IDataObject): IDataObject => ({
		resource: 'secretChat',
		operation: 'getAll',
		...extra,
	});

	const cases: Array<{
		name: string;
		parameters: IDataObject;
		items?: IDataObject[];
		message: RegExp;
		fix: RegExp;
	}> = [
		{
			name: 'Send Text: a Send from an expression that is none of its values',
			// n8n shows Send At for an expression, and wants it filled.
			parameters: sendText({ sendWhen: '={{ "later" }}', sendAt: '2030-01-01T10:00:00' }),
			message: /^'Send' is "later", which is not one of its values$/,
			fix: /Now \("now"\), At a Time \("at"\), When Online \("online"\)/,
		},
		{
			name: 'Send Text: an Options > Formatting that is none of its values',
			parameters: sendText({ options: { formatting: '={{ "rtf" }}' } }),
			message: /^'Options > Formatting' is "rtf", which is not one of its values$/,
			fix: /None \("none"\), Markdown \("markdown"\), HTML \("html"\)/,
		},
		{
			name: "Send Album: an item's Send As that is none of its values",
			parameters: album({ kind: '={{ "gif" }}' }),
			message: /^'Media > Item 2 > Send As' is "gif", which is not one of its values$/,
			fix: /Automatic \("auto"\), Photo \("photo"\), Video \("video"\), Document \("document"\)/,
		},
		{
			name: "Send Album: an item's Source that is none of its values",
			parameters: album({ source: '={{ "ftp" }}', binaryProperty: 'data' }),
			message: /^'Media > Item 2 > Source' is "ftp", which is not one of its values$/,
			fix: /Binary Property \("binary"\), URL \("url"\)/,
		},
		{
			name: 'Secret Chat > Get Many: a Status that is none of its values',
			parameters: secretGetAll({ status: '={{ ["ready", "open"] }}' }),
			message: /^'Status' has "open", not among its values$/,
			fix: /Closed \("closed"\), Ready \("ready"\), Requested \("requested"\), Waiting/,
		},
		{
			name: 'Secret Chat > Get Many: a Status that is not a list',
			parameters: secretGetAll({ status: '={{ "ready" }}' }),
			message: /^'Status' is "ready", not a list of its values$/,
			fix: /Give a list/,
		},
		{
			name: 'Secret Chat > Get Many: a Limit with a fraction',
			parameters: secretGetAll({ limit: '={{ 2.5 }}' }),
			message: /^'Limit' is 2\.5, not a whole number from 1 to 9007199254740991$/,
			fix: /or turn on Return All/,
		},
		{
			name: 'Scheduled Message > Get Many: a negative Limit',
			parameters: scheduledOp('getAll', { chat: '@alice_test', limit: '={{ -5 }}' }),
			message: /^'Limit' is -5, not a whole number/,
			fix: /or turn on Return All/,
		},
		{
			name: 'Send Text: chat ID 0',
			parameters: sendText({ chat: '0' }),
			message: /^'Chat' \("0"\) is not a chat ID$/,
			fix: /never 0/,
		},
		{
			name: 'Send Text: a 24-digit user ID',
			parameters: sendText({ chat: TOO_LONG_ID }),
			message: new RegExp(`^'Chat' \\("${TOO_LONG_ID}"\\) is not a chat ID$`),
			fix: /a user ID \(e\.g\. 123456789\)/,
		},
		{
			name: 'Scheduled Message > Get Many: a 24-digit channel ID',
			parameters: scheduledOp('getAll', { chat: `-100${TOO_LONG_ID}` }),
			message: /^'Chat' \("-100123456789012345678901234"\) is not a chat ID$/,
			fix: /-100 then its number/,
		},
		{
			name: 'Scheduled Message > Send Now: channel ID 0',
			parameters: scheduledOp('sendNow', { messageIds: '12' }),
			items: [{ chat: '-1000' }],
			message: /^'Chat' \("-1000"\) is not a chat ID$/,
			fix: /never 0/,
		},
		{
			name: 'Scheduled Message > Delete: group ID 0',
			parameters: scheduledOp('delete', { messageIds: '12' }),
			items: [{ chat: '-0' }],
			message: /^'Chat' \("-0"\) is not a chat ID$/,
			fix: /never 0/,
		},
		{
			name: 'Secret Chat > Start: user ID 0',
			parameters: { resource: 'secretChat', operation: 'start', chat: '0' },
			message: /^'Chat' \("0"\) is not a chat ID$/,
			fix: /never 0/,
		},
	];

	for (const { name, parameters, items, message, fix } of cases) {
		test(name, async () => {
			const before = fake.requests.length;
			const result = await runTelegram(fake, { parameters, items });
			assert.match(result.error?.message ?? '(no error)', message);
			assert.match(String(result.error?.description ?? ''), fix);
			assert.deepEqual(
				fake.requests.slice(before).map((request) => request.name),
				[],
			);
		});
	}
});
