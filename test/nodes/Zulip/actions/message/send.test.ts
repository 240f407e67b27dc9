import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ZulipFake } from '../../../../fakes/zulip/server';
import { runZulip, useZulipFake } from '../../setup';

describe('Zulip: Message > Send', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started));

	test('Message > Send posts to a channel and to users', async () => {
		const result = await runZulip(fake, {
			parameters: {
				resource: 'message',
				operation: 'send',
				messageType: 'channel',
				channel: { __rl: true, mode: 'list', value: '16' },
				topic: 'Standup',
				content: 'Hello',
			},
		});
		assert.equal(result.error, undefined, result.error?.message);
		const direct = await runZulip(fake, {
			parameters: {
				resource: 'message',
				operation: 'send',
				messageType: 'direct',
				users: '={{ ["iago@example.com"] }}',
				content: 'Hi Iago',
			},
		});
		assert.equal(direct.error, undefined, direct.error?.message);
		assert.equal(fake.sent.length, 2);
		assert.equal(fake.sent[0].topic, 'Standup');
		assert.deepEqual(fake.sent[1].to, [9]);
		assert.equal(result.items[0].json.message_id, fake.sent[0].id);
		assert.deepEqual(fake.violations, []);
	});

	test('a run to emails reads the credential once and the member list once, whatever the item count', async () => {
		const result = await runZulip(fake, {
			parameters: {
				resource: 'message',
				operation: 'send',
				messageType: 'direct',
				users: ['iago@example.com', 'hamlet@example.com'],
				content: '=Hi {{ $json.n }}',
			},
			items: [{ n: 1 }, { n: 2 }, { n: 3 }],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.sent.length, 3);
		assert.deepEqual(
			fake.sent.map((message) => message.content),
			['Hi 1', 'Hi 2', 'Hi 3'],
		);
		const memberReads = fake.requests.filter(
			(request) => request.method === 'GET' && request.path === '/api/v1/users',
		);
		assert.equal(memberReads.length, 1);
		assert.deepEqual(result.credentialReads, { zulipScheduledApi: 1 });
		assert.deepEqual(fake.violations, []);
	});
});
