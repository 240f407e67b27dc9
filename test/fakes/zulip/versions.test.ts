import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ZULIP_SERVERS, ZulipFake, type ZulipFakeOptions } from './server';

/** A fake playing one server, and a Zulip client's call (Basic auth, form body, JSON-valued fields). */
async function serverAt(options: ZulipFakeOptions) {
	const fake = await ZulipFake.start(options);
	const call = async (method: string, path: string, form?: Record<string, unknown>) => {
		const headers: Record<string, string> = {
			authorization: `Basic ${Buffer.from(`${fake.email}:${fake.apiKey}`).toString('base64')}`,
		};
		let body: string | undefined;
		if (form) {
			headers['content-type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams(
				Object.entries(form).map(([k, v]): [string, string] => [
					k,
					typeof v === 'string' ? v : JSON.stringify(v),
				]),
			).toString();
		}
		const res = await fetch(`${fake.url}/api/v1${path}`, { method, headers, body });
		return { status: res.status, body: (await res.json()) as Record<string, unknown> };
	};
	return { fake, call };
}

const future = () => Math.floor(Date.now() / 1000) + 3600;
const fakes: ZulipFake[] = [];
after(async () => await Promise.all(fakes.map(async (fake) => await fake.stop())));
async function playing(options: ZulipFakeOptions) {
	const server = await serverAt(options);
	fakes.push(server.fake);
	return server;
}

describe('Zulip fake: the feature level it plays', () => {
	test('6.x (170): no scheduled messages; "direct" is refused, "private" works', async () => {
		const { fake, call } = await playing(ZULIP_SERVERS['6.x']);
		assert.equal((await call('GET', '/server_settings')).body.zulip_feature_level, 170);
		assert.equal((await call('GET', '/scheduled_messages')).status, 404);
		const direct = await call('POST', '/messages', { type: 'direct', to: [9], content: 'Hi' });
		assert.deepEqual([direct.status, direct.body.msg], [400, 'Invalid type']);
		const channel = await call('POST', '/messages', {
			type: 'channel',
			to: 14,
			topic: 'a',
			content: 'Hi',
		});
		assert.equal(channel.status, 400);
		const legacy = await call('POST', '/messages', { type: 'private', to: [9], content: 'Hi' });
		assert.equal(legacy.status, 200);
		assert.equal(fake.violations.length, 3, fake.violations.join('\n'));
	});

	test('before 184 a scheduled message cannot be edited (405, DELETE allowed)', async () => {
		const { call } = await playing({ featureLevel: 182 });
		const patch = await call('PATCH', '/scheduled_messages/1', { content: 'x' });
		assert.equal(patch.status, 405);
		assert.equal(patch.body.allowed_methods, 'DELETE');
	});

	test('7.0 (185) ignores Mark as Read by Sender, as an unknown parameter', async () => {
		const { fake, call } = await playing(ZULIP_SERVERS['7.0']);
		const created = await call('POST', '/scheduled_messages', {
			type: 'stream',
			to: 14,
			topic: 'a',
			content: 'x',
			scheduled_delivery_timestamp: future(),
			read_by_sender: true,
		});
		assert.equal(created.status, 200);
		assert.deepEqual(created.body.ignored_parameters_unsupported, ['read_by_sender']);
		assert.match(fake.violations.join('\n'), /read_by_sender/);
	});
});

describe('Zulip fake: POST /register and the length limits', () => {
	test("gives the realm's limits for fetch_event_types realm, and the feature level", async () => {
		const { fake, call } = await playing({ maxMessageLength: 20, maxTopicLength: 5 });
		const state = await call('POST', '/register', {
			event_types: [],
			fetch_event_types: ['realm'],
		});
		assert.equal(state.status, 200);
		assert.equal(state.body.max_message_length, 20);
		assert.equal(state.body.max_topic_length, 5);
		assert.equal(state.body.zulip_feature_level, 275);
		assert.equal(typeof state.body.queue_id, 'string');
		const none = await call('POST', '/register', { fetch_event_types: ['message'] });
		assert.equal(none.body.max_message_length, undefined);
		assert.deepEqual(fake.violations, []);
	});

	test('truncates over-long content and topics silently, counting code points, as Zulip does', async () => {
		const { fake, call } = await playing({ maxMessageLength: 25, maxTopicLength: 5 });
		const sent = await call('POST', '/messages', {
			type: 'stream',
			to: 14,
			topic: 'Topical',
			content: `${'🎉'.repeat(25)}   \n`,
		});
		assert.equal(sent.status, 200);
		assert.equal(fake.sent[0].content, '🎉'.repeat(25), 'exactly at the limit: kept whole');
		await call('POST', '/messages', {
			type: 'stream',
			to: 14,
			topic: 'Topic',
			content: 'x'.repeat(26),
		});
		assert.equal(fake.sent[0].topic, 'To...');
		assert.equal(fake.sent[1].content, `${'x'.repeat(5)}\n[message truncated]`);
		assert.deepEqual(fake.violations, []);
	});
});

describe('Zulip fake: reminders (Zulip 11.0)', () => {
	test('415: create with a note, list, delete; unknown message and reminder refused', async () => {
		const { fake, call } = await playing(ZULIP_SERVERS['11.0']);
		const sent = await call('POST', '/messages', {
			type: 'stream',
			to: 14,
			topic: 'a',
			content: 'x',
		});
		const messageId = Number(sent.body.id);
		const created = await call('POST', '/reminders', {
			message_id: messageId,
			scheduled_delivery_timestamp: future(),
			note: 'Reply',
		});
		assert.equal(created.status, 200);
		const listed = await call('GET', '/reminders');
		const [reminder] = listed.body.reminders as Array<Record<string, unknown>>;
		assert.equal(reminder.reminder_id, created.body.reminder_id);
		assert.equal(reminder.reminder_target_message_id, messageId);
		assert.deepEqual(reminder.to, [8]);
		assert.match(String(reminder.content), /Reply/);
		const unknownMessage = await call('POST', '/reminders', {
			message_id: 999,
			scheduled_delivery_timestamp: future(),
		});
		assert.deepEqual([unknownMessage.status, unknownMessage.body.msg], [400, 'Invalid message(s)']);
		const past = await call('POST', '/reminders', {
			message_id: messageId,
			scheduled_delivery_timestamp: 1,
		});
		assert.equal(past.status, 400);
		assert.equal((await call('DELETE', `/reminders/${String(reminder.reminder_id)}`)).status, 200);
		assert.equal((await call('DELETE', '/reminders/77')).status, 404);
		assert.deepEqual(fake.violations, []);
	});

	test('381: no list or delete yet, the note is ignored; 275: no reminders at all', async () => {
		const early = await playing(ZULIP_SERVERS['11.0-early']);
		const sent = await early.call('POST', '/messages', {
			type: 'stream',
			to: 14,
			topic: 'a',
			content: 'x',
		});
		const created = await early.call('POST', '/reminders', {
			message_id: sent.body.id,
			scheduled_delivery_timestamp: future(),
			note: 'Reply',
		});
		assert.deepEqual(created.body.ignored_parameters_unsupported, ['note']);
		assert.equal([...early.fake.reminders.values()][0].note, '');
		assert.equal((await early.call('GET', '/reminders')).status, 405);
		assert.equal((await early.call('DELETE', '/reminders/1')).status, 404);
		const nine = await playing(ZULIP_SERVERS['9.0']);
		const none = await nine.call('POST', '/reminders', {
			message_id: 1,
			scheduled_delivery_timestamp: future(),
		});
		assert.equal(none.status, 404);
	});
});
