import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZULIP_SERVERS, type ZulipFake } from '../../../../fakes/zulip/server';
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

describe('Zulip: Message > Send on Zulip 6.x (feature level 170), limits 20/8', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), {
		...ZULIP_SERVERS['6.x'],
		maxMessageLength: 20,
		maxTopicLength: 8,
	});

	const send = (overrides: Record<string, unknown>) => ({
		resource: 'message',
		operation: 'send',
		messageType: 'channel',
		channel: { __rl: true, mode: 'list', value: '16' },
		topic: 'Standup',
		content: 'Hello',
		...overrides,
	});

	test('types are spelled as this server knows them: "stream" and "private"', async () => {
		const channel = await runZulip(fake, { parameters: send({}) });
		assert.equal(channel.error, undefined, channel.error?.message);
		const direct = await runZulip(fake, {
			parameters: send({ messageType: 'direct', users: '={{ [9] }}' }),
		});
		assert.equal(direct.error, undefined, direct.error?.message);
		assert.deepEqual(
			fake.sent.map((message) => message.type),
			['stream', 'private'],
		);
		assert.deepEqual(fake.violations, []);
	});

	test('over-long content or topic is refused before any request', async () => {
		const content = await runZulip(fake, { parameters: send({ content: 'z'.repeat(21) }) });
		assert.match(content.error?.message ?? '', /^'Content' is 21 characters long .* limit of 20/);
		const topic = await runZulip(fake, { parameters: send({ topic: 'Standup!!' }) });
		assert.match(topic.error?.message ?? '', /^'Topic' is 9 characters long .* limit of 8/);
		assert.deepEqual(fake.requests, []);
		assert.equal(fake.sent.length, 0);
	});

	test('values without an expression are read once per run, expressions for every item', async () => {
		// Constant Topic and Channel are read once per run (parameterOfRun); Content differs per item,
		// and a Message Type from an expression still decides each item's fields.
		const result = await runZulip(fake, {
			parameters: {
				resource: 'message',
				operation: 'send',
				messageType: '={{ $json.type }}',
				channel: { __rl: true, mode: 'list', value: '16' },
				topic: 'Standup',
				users: ['9'],
				content: '=note {{ $json.i }}',
			},
			items: [
				{ i: 0, type: 'channel' },
				{ i: 1, type: 'direct' },
				{ i: 2, type: 'channel' },
			],
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.sent.map((sent) => [sent.content, sent.topic ?? null]),
			[
				['note 0', 'Standup'],
				['note 1', null],
				['note 2', 'Standup'],
			],
		);
		assert.deepEqual(fake.sent[1].to, [9]);
		assert.deepEqual(fake.violations, []);
	});
});
