import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ZulipFake } from '../../fakes/zulip/server';
import { channelCreate, postsTo, runZulip, useZulipFake } from './setup';

describe('Zulip: rate limits, unclear failures, retries, credentials', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	test('a short 429 is waited out and the message is created once', async () => {
		fake.rateLimitNext(1, 0.3);
		const result = await runZulip(fake, { parameters: channelCreate() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled.size, 1);
		assert.equal(postsTo(fake, '/scheduled_messages'), 2, 'one refused, one accepted');
	});

	test('a 429 on Get Many is waited out too', async () => {
		fake.rateLimitNext(1, 0.2);
		const result = await runZulip(fake, {
			parameters: { resource: 'scheduledMessage', operation: 'getAll', returnAll: true },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.requests.filter((request) => request.method === 'GET').length, 2);
	});

	test('a 429 longer than the allowed wait fails at once, saying how long to wait', async () => {
		fake.rateLimitNext(1, 95);
		const result = await runZulip(fake, {
			parameters: channelCreate({ options: { maxRateLimitWait: 10 } }),
		});
		assert.match(result.error?.message ?? '', /rate limit reached; Zulip asks to wait 95 s/);
		assert.match(
			String(result.error?.description),
			/Wait 95 seconds .*'Max Rate-Limit Wait' \(now 10 s\)/,
		);
		assert.equal(fake.scheduled.size, 0);
		const listed = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'getAll',
				returnAll: true,
				options: { maxRateLimitWait: 1 },
			},
		});
		assert.equal(listed.error, undefined, 'the limit was used up by the first request');
		fake.rateLimitNext(1, 30);
		const listedLimited = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'getAll',
				returnAll: true,
				options: { maxRateLimitWait: 1 },
			},
		});
		assert.match(listedLimited.error?.message ?? '', /wait 30 s/);
	});

	test('a 429 again after several waits in a row fails the item saying so, not as a long wait', async () => {
		fake.rateLimitNext(6, 1);
		const result = await runZulip(fake, { parameters: channelCreate() });
		assert.match(
			result.error?.message ?? '',
			/Zulip asks to wait 1 s, again after several waits in a row/,
		);
		assert.match(String(result.error?.description), /several rate limits in a row/);
		assert.equal(fake.scheduled.size, 0);
		assert.equal(fake.requests.length, 4, 'four tries, each answered 429');
	});

	test('a connection lost after the create was sent fails the item and is not re-sent, even with Retry On Fail', async () => {
		fake.failNext({ method: 'POST', path: /\/scheduled_messages$/ }, 'drop-after-body');
		const result = await runZulip(fake, {
			parameters: channelCreate(),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.match(result.error?.message ?? '', /the message may have been created/);
		assert.match(String(result.error?.description), /not sent again/);
		assert.equal(postsTo(fake, '/scheduled_messages'), 1, 'exactly one create reached Zulip');
		assert.equal(fake.scheduled.size, 1);
	});

	test('Retry On Fail after a mid-batch failure creates no duplicate', async () => {
		// Item 2's create fails with a 500 once; the node is re-run for all three items.
		fake.failNext({ method: 'POST', path: /\/scheduled_messages$/ }, 'http-500', 1);
		const items = [{ text: 'one' }, { text: 'two' }, { text: 'three' }];
		const result = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}' }),
			items,
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual([...fake.scheduled.values()].map((message) => message.content).sort(), [
			'one',
			'three',
			'two',
		]);
		assert.deepEqual(
			result.items.map((item) => item.json.content),
			['one', 'two', 'three'],
		);
		assert.equal(new Set(result.items.map((item) => item.json.scheduled_message_id)).size, 3);
	});

	test('Retry On Fail after a mid-batch Delete failure deletes each message once and fails none', async () => {
		const created = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}' }),
			items: [{ text: 'a' }, { text: 'b' }, { text: 'c' }],
		});
		const ids = created.items.map((item) => Number(item.json.scheduled_message_id));
		// Item 2's delete fails with a 500 once; the node is re-run for all three items, and item 1
		// (already deleted) must not fail on Zulip's "does not exist".
		fake.failNext({ method: 'DELETE', path: /\/scheduled_messages\/\d+$/ }, 'http-500', 1);
		const result = await runZulip(fake, {
			parameters: {
				resource: 'scheduledMessage',
				operation: 'delete',
				scheduledMessageId: '={{ $json.id }}',
			},
			items: ids.map((id) => ({ id })),
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			result.items.map((item) => item.json),
			ids.map((id) => ({ scheduled_message_id: id, deleted: true })),
		);
		assert.equal(fake.scheduled.size, 0);
		const deletes = fake.requests
			.filter((request) => request.method === 'DELETE')
			.map((request) => request.path);
		// Items 1 and 3 once; item 2 twice (the 500, then the retry).
		assert.deepEqual(
			deletes.map((path) => Number(path.split('/').pop())),
			[ids[0], ids[1], ids[1], ids[2]],
		);
	});

	test('a separate execution is a new send (the memory is per execution)', async () => {
		await runZulip(fake, { parameters: channelCreate(), executionId: 'run-a' });
		await runZulip(fake, { parameters: channelCreate(), executionId: 'run-b' });
		assert.equal(fake.scheduled.size, 2);
	});

	test('a wrong key gives a clear error that never shows the key', async () => {
		const secret = 'super-secret-key-value';
		const result = await runZulip(fake, {
			parameters: channelCreate(),
			credentials: { apiKey: secret },
		});
		assert.match(result.error?.message ?? '', /Zulip: Invalid API key/);
		assert.match(String(result.error?.description), /email and API key/);
		assert.equal(JSON.stringify(result.run).includes(secret), false);
		assert.equal(
			JSON.stringify(result.run).includes(
				Buffer.from(`${fake.email}:${secret}`).toString('base64'),
			),
			false,
		);
	});

	test('an unreachable server is reported with the address to check', async () => {
		const result = await runZulip(fake, {
			parameters: channelCreate({ messageType: 'direct', users: '9' }),
			credentials: { url: 'http://127.0.0.1:9' },
		});
		assert.match(
			result.error?.message ?? '',
			/could not reach http:\/\/127\.0\.0\.1:9\/api\/v1 \(ECONNREFUSED\)/,
		);
	});
});
