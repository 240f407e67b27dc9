import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import type { ZulipFake } from '../../fakes/zulip/server';
import { channelCreate, runZulip, useZulipFake } from './setup';

/**
 * Bad inputs the node can know are bad, in every operation: each is refused with an error naming
 * the field and the fix, and no request leaves the process (the fake's request log stays empty).
 */
describe('Zulip: bad inputs are refused before any request', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	const TOO_LONG_ID = '123456789012345678901234';
	const directSend = (users: string | string[]): IDataObject => ({
		resource: 'message',
		operation: 'send',
		messageType: 'direct',
		users,
		content: 'hi',
	});
	const byId = (operation: string, scheduledMessageId: string, extra: IDataObject = {}) => ({
		resource: 'scheduledMessage',
		operation,
		scheduledMessageId,
		...extra,
	});

	const cases: Array<{
		name: string;
		parameters: IDataObject;
		message: RegExp;
		fix: RegExp;
	}> = [
		{
			name: 'Create: a Message Type from an expression that is none of its values',
			// n8n shows both branches' fields for an expression, and wants them filled.
			parameters: channelCreate({ messageType: '={{ "stream-ish" }}', users: ['8'] }),
			message: /^'Message Type' is "stream-ish", which is not one of its values$/,
			fix: /Channel Message \("channel"\), Direct Message \("direct"\)/,
		},
		{
			name: 'Send: a Message Type from an expression that is none of its values',
			parameters: {
				...directSend('8'),
				...channelCreate(),
				resource: 'message',
				operation: 'send',
				messageType: '={{ "private" }}',
			},
			message: /^'Message Type' is "private", which is not one of its values$/,
			fix: /Channel Message \("channel"\), Direct Message \("direct"\)/,
		},
		{
			name: 'Delete: a 24-digit scheduled message ID',
			parameters: byId('delete', `={{ "${TOO_LONG_ID}" }}`),
			message: new RegExp(`^'Scheduled Message ID' \\("${TOO_LONG_ID}"\\) is not a scheduled`),
			fix: /whole number from 1 to 9007199254740991/,
		},
		{
			name: 'Send Now: a 24-digit scheduled message ID given as a number',
			parameters: byId('sendNow', `={{ ${TOO_LONG_ID} }}`),
			message: /^'Scheduled Message ID' \(1\.2345678901234569e\+23\) is not a scheduled/,
			fix: /whole number from 1/,
		},
		{
			name: 'Update: a 24-digit scheduled message ID',
			parameters: byId('update', TOO_LONG_ID, { updateFields: { content: 'new' } }),
			message: /^'Scheduled Message ID' \("123456789012345678901234"\) is not/,
			fix: /whole number from 1/,
		},
		{
			name: 'Create: a 24-digit channel ID',
			parameters: channelCreate({ channel: { __rl: true, mode: 'id', value: TOO_LONG_ID } }),
			message: /^'Channel' \("123456789012345678901234"\) is not a channel ID$/,
			fix: /give its numeric ID/,
		},
		{
			name: 'Update: a channel ID of 0',
			parameters: byId('update', '42', {
				updateFields: { channel: { __rl: true, mode: 'id', value: '0' }, topic: 'x' },
			}),
			message: /^'Channel' \("0"\) is not a channel ID$/,
			fix: /whole number from 1/,
		},
		{
			name: 'Send: user ID 0',
			parameters: directSend('={{ [0] }}'),
			message: /^'Users' contains "0", which is neither a user ID nor an email$/,
			fix: /user IDs \(whole numbers from 1\)/,
		},
		{
			name: 'Create: a 24-digit user ID',
			parameters: channelCreate({ messageType: 'direct', users: `={{ "8, ${TOO_LONG_ID}" }}` }),
			message: new RegExp(`^'Users' contains "${TOO_LONG_ID}", which is neither`),
			fix: /user IDs/,
		},
		{
			name: 'Get Many: a negative Limit',
			parameters: { resource: 'scheduledMessage', operation: 'getAll', limit: '={{ -5 }}' },
			message: /^'Limit' is -5, not a whole number from 1 to 9007199254740991$/,
			fix: /or turn on Return All/,
		},
		{
			name: 'Get Many: a Limit with a fraction',
			parameters: { resource: 'scheduledMessage', operation: 'getAll', limit: '={{ 2.5 }}' },
			message: /^'Limit' is 2\.5, not a whole number/,
			fix: /Enter a whole number from 1/,
		},
	];

	for (const { name, parameters, message, fix } of cases) {
		test(name, async () => {
			const result = await runZulip(fake, { parameters });
			assert.match(result.error?.message ?? '(no error)', message);
			assert.match(String(result.error?.description ?? ''), fix);
			assert.deepEqual(
				fake.requests.map((request) => `${request.method} ${request.path}`),
				[],
			);
		});
	}

	test('a wrong Message Type fails only its own item with Continue On Fail', async () => {
		const result = await runZulip(fake, {
			parameters: channelCreate({ messageType: '={{ $json.type }}', users: ['8'] }),
			items: [{ type: 'channel' }, { type: 'stream-ish' }],
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.equal(fake.scheduled.size, 1);
		assert.match(String(result.items[1].json.error), /'Message Type' is "stream-ish"/);
	});
});
