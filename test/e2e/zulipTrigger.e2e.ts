import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZulipFake } from '../fakes/zulip/server';
import {
	activateWorkflow,
	importJson,
	prepareN8n,
	startN8n,
	type N8nInstall,
	type RunningN8n,
} from './n8nCli';

/**
 * The Zulip Trigger in a real `n8n start` with the packed pack: a published workflow long-polls
 * the fake's event queue and logs each event it gets as a message in #design; across a restart
 * of n8n (during which scheduled messages are deleted and sent and a message is posted) every
 * event is logged exactly once.
 */

const TRIGGER = 'n8n-nodes-scheduled-messaging.zulipTrigger';
const ZULIP = 'n8n-nodes-scheduled-messaging.zulip';
const IAGO = 'iago@example.com';
const DESIGN = 16;
/** Only a guard against a hang, so a failure names what never came. */
const GIVE_UP_MS = 4 * 60_000;
// The fake's clock runs an hour behind, so "due in a minute" there is already past for the trigger.
const OFFSET_MS = -3_600_000;
const fakeSeconds = () => Math.floor((Date.now() + OFFSET_MS) / 1000);

async function until(what: string, probe: () => boolean, state: () => string): Promise<void> {
	const giveUpAt = Date.now() + GIVE_UP_MS;
	while (!probe()) {
		if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}. ${state()}`);
		await new Promise((resolveWait) => setTimeout(resolveWait, 100));
	}
}

describe('the Zulip Trigger in a running n8n (each event once, across an n8n restart)', () => {
	let fake: ZulipFake;
	let install: N8nInstall;
	let server: RunningN8n | undefined;
	const credentials = { zulipScheduledApi: { id: 'zulipTriggerAccount', name: 'Zulip fake' } };

	/** What the workflow logged, one line per execution. */
	const logged = () =>
		fake.sent
			.filter((message) => message.topic === 'trigger log')
			.map((message) => message.content);
	const state = () =>
		`Logged: ${JSON.stringify(logged())}. Queues: ${fake.queues.count}. Last requests: ${fake.requests
			.slice(-5)
			.map((r) => `${r.method} ${r.path}`)
			.join(', ')}`;
	const waitLogged = async (lines: string[]) =>
		await until(
			`the log lines ${lines.join(', ')}`,
			() => lines.every((line) => logged().includes(line)),
			state,
		);

	async function api(method: string, path: string, fields: Record<string, unknown> = {}) {
		const body = new URLSearchParams();
		for (const [key, value] of Object.entries(fields))
			body.append(key, typeof value === 'string' ? value : JSON.stringify(value));
		const response = await fetch(`${fake.url}/api/v1${path}`, {
			method,
			headers: {
				authorization: `Basic ${Buffer.from(`${fake.email}:${fake.apiKey}`).toString('base64')}`,
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: body.toString(),
		});
		return (await response.json()) as Record<string, unknown>;
	}
	const schedule = async (content: string, inSeconds: number) =>
		Number(
			(
				await api('POST', '/scheduled_messages', {
					type: 'stream',
					to: 14,
					topic: 'Plans',
					content,
					scheduled_delivery_timestamp: fakeSeconds() + inSeconds,
				})
			).scheduled_message_id,
		);

	before(async () => {
		fake = await ZulipFake.start({ now: () => Date.now() + OFFSET_MS, heartbeatMs: 2_000 });
		install = await prepareN8n();
		install.env.N8N_LISTEN_ADDRESS = '127.0.0.1';
		await importJson(install, 'credentials', [
			{
				id: 'zulipTriggerAccount',
				name: 'Zulip fake',
				type: 'zulipScheduledApi',
				data: { url: fake.url, email: fake.email, apiKey: fake.apiKey },
			},
		]);
		await importJson(install, 'workflow', [
			{
				id: 'zulipTriggerLog',
				name: 'Zulip events to a log channel',
				active: false,
				settings: { executionOrder: 'v1' },
				nodes: [
					{
						id: 'trigger',
						name: 'Zulip Trigger',
						type: TRIGGER,
						typeVersion: 1,
						position: [0, 0],
						parameters: {
							events: [
								'channelMessage',
								'scheduledMessageCreated',
								'scheduledMessageDeleted',
								'scheduledMessageSent',
							],
							channels: { channel: [{ channel: { __rl: true, mode: 'id', value: '14' } }] },
						},
						credentials,
					},
					{
						id: 'log',
						name: 'Log',
						type: ZULIP,
						typeVersion: 1,
						position: [300, 0],
						parameters: {
							resource: 'message',
							operation: 'send',
							messageType: 'channel',
							channel: { __rl: true, mode: 'id', value: String(DESIGN) },
							topic: 'trigger log',
							content: '={{ $json.event }} {{ $json.scheduled_message_id ?? $json.id }}',
						},
						credentials,
					},
				],
				connections: { 'Zulip Trigger': { main: [[{ node: 'Log', type: 'main', index: 0 }]] } },
			},
		]);
		await activateWorkflow(install, 'zulipTriggerLog');
	});

	after(async () => {
		await server?.stop();
		await fake?.stop();
	});

	test(
		'logs each event once, also what happened while n8n was down',
		{ timeout: 15 * 60_000 },
		async () => {
			server = await startN8n(install);
			await until('the trigger to register a queue', () => fake.queues.count === 1, state);

			const cancelled = await schedule('to be cancelled', 2 * 3_600 + 600);
			const due = await schedule('due while n8n is down', 60);
			const live = fake.postChannelMessage(IAGO, 14, 'Lunch', 'seen live');
			await waitLogged([
				`scheduledMessageCreated ${cancelled}`,
				`scheduledMessageCreated ${due}`,
				`channelMessage ${live}`,
			]);

			await server.stop();
			server = undefined;
			await api('DELETE', `/scheduled_messages/${cancelled}`);
			fake.deliverDue(Date.now() + OFFSET_MS + 120_000);
			const away = fake.postChannelMessage(IAGO, 14, 'Lunch', 'posted while n8n was down');
			// A Zulip restart on top: the queue n8n had is gone whether or not n8n deleted it.
			fake.restart();

			server = await startN8n(install);
			await waitLogged([
				`scheduledMessageDeleted ${cancelled}`,
				`scheduledMessageSent ${due}`,
				`channelMessage ${away}`,
			]);
			const after = fake.postChannelMessage(IAGO, 14, 'Lunch', 'after the restart');
			await waitLogged([`channelMessage ${after}`]);
			// Two more long polls: anything queued before them would have been logged by now.
			const polls = () =>
				fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/events')).length;
			const seen = polls();
			await until('two more long polls', () => polls() >= seen + 2, state);

			assert.deepEqual(
				[...logged()].sort(),
				[
					`channelMessage ${after}`,
					`channelMessage ${away}`,
					`channelMessage ${live}`,
					`scheduledMessageCreated ${cancelled}`,
					`scheduledMessageCreated ${due}`,
					`scheduledMessageDeleted ${cancelled}`,
					`scheduledMessageSent ${due}`,
				].sort(),
			);
			assert.deepEqual(fake.violations, []);
		},
	);
});
