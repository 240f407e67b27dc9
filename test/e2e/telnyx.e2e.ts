import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TelnyxFake } from '../fakes/telnyx/server';
import {
	messageEvent,
	newSigningKey,
	nowSeconds,
	signedHeaders,
	type SigningKey,
} from '../nodes/Telnyx/signing';
import {
	activateWorkflow,
	postToWebhook,
	importJson,
	prepareN8n,
	startN8n,
	type N8nInstall,
	type RunningN8n,
} from './n8nCli';

const example = JSON.parse(
	readFileSync(resolve(__dirname, '../../examples/telnyx-webhook-sms-reminder.json'), 'utf8'),
);

/** Receives what the trigger's workflow forwards, to prove the workflow ran and with what. */
const triggerWorkflow = (forwardTo: string) => ({
	id: 'telnyxTriggerE2e',
	name: 'Telnyx delivery events',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'trigger',
			name: 'Telnyx Trigger',
			type: 'n8n-nodes-scheduled-messaging.telnyxTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId: '5d1f0a2b-6c3d-4e5f-8a9b-0c1d2e3f4a5b',
			parameters: { events: ['message.finalized'] },
			credentials: { telnyxScheduledApi: { id: 'telnyxAccount', name: 'Telnyx account' } },
		},
		{
			id: 'forward',
			name: 'Forward',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [260, 0],
			parameters: {
				method: 'POST',
				url: forwardTo,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: {},
			},
		},
	],
	connections: { 'Telnyx Trigger': { main: [[{ node: 'Forward', type: 'main', index: 0 }]] } },
});

describe('Telnyx in a running n8n: the reminder example and the signed-event trigger', () => {
	let fake: TelnyxFake;
	let install: N8nInstall;
	let server: RunningN8n;
	let key: SigningKey;
	const forwarded: unknown[] = [];
	let sink: import('node:http').Server;

	before(async () => {
		const http = await import('node:http');
		sink = http.createServer((request, response) => {
			let body = '';
			request.on('data', (chunk) => (body += chunk));
			request.on('end', () => {
				forwarded.push(JSON.parse(body));
				response.end('{}');
			});
		});
		await new Promise<void>((ready) => sink.listen(0, '127.0.0.1', ready));
		const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}/events`;

		fake = await TelnyxFake.start();
		key = newSigningKey();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				id: 'telnyxAccount',
				name: 'Telnyx account',
				type: 'telnyxScheduledApi',
				data: { apiKey: fake.apiKey, baseUrl: `${fake.url}/v2`, publicKey: key.publicKeyBase64 },
			},
		]);
		await importJson(install, 'workflow', [
			{ ...example, id: 'telnyxReminderExample', active: false },
			triggerWorkflow(sinkUrl),
		]);
		await activateWorkflow(install, 'telnyxReminderExample');
		await activateWorkflow(install, 'telnyxTriggerE2e');
		server = await startN8n(install);
	});
	after(async () => {
		await server?.stop();
		await fake?.stop();
		sink?.close();
	});

	async function post(
		path: string,
		body: string,
		headers: Record<string, string>,
	): Promise<Response> {
		return await postToWebhook(server.baseUrl, path, { headers, body });
	}

	test('a booking webhook schedules the reminder an hour before the appointment', async () => {
		const startsAt = new Date(Date.now() + 26 * 3600_000);
		startsAt.setUTCSeconds(0, 0);
		const body = JSON.stringify({
			name: 'Ada',
			phone: '+15557654321',
			from: '+15550001111',
			starts_at: startsAt.toISOString(),
		});
		const response = await post('telnyx/appointment-reminder', body, {
			'content-type': 'application/json',
		});
		assert.equal(response.status, 200, await response.clone().text());
		const output = (await response.json()) as Record<string, unknown>;
		assert.equal(fake.messages.size, 1);
		const [message] = [...fake.messages.values()];
		assert.equal(output.message_id, message.id);
		assert.equal(message.to[0].phone_number, '+15557654321');
		assert.equal(Date.parse(String(message.send_at)), startsAt.getTime() - 3600_000);
		assert.match(String(message.text), /^Hi Ada, a reminder/);
		assert.deepEqual(fake.violations, []);
	});

	const TRIGGER_PATH = '5d1f0a2b-6c3d-4e5f-8a9b-0c1d2e3f4a5b/webhook';
	const eventIdOf = (body: string) => (JSON.parse(body) as { data: { id: string } }).data.id;
	const runsOf = (eventId: string) =>
		forwarded.filter((item) => (item as { event_id?: string }).event_id === eventId).length;

	/** Waits until the workflow forwarded the event (n8n runs it after answering). */
	async function forwardedOnce(eventId: string): Promise<void> {
		while (runsOf(eventId) === 0) await new Promise((tick) => setTimeout(tick, 100));
	}

	/** Telnyx's retry: the same event, the next attempt, signed anew with a later timestamp. */
	function retryOf(body: string): string {
		const event = JSON.parse(body) as { meta: { attempt: number } };
		event.meta.attempt += 1;
		return JSON.stringify(event, null, 2);
	}

	async function deliver(body: string, headers: Record<string, string>) {
		const response = await post(TRIGGER_PATH, body, headers);
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text, so the assertion shows it
		}
		return [response.status, parsed] as const;
	}

	test('the trigger refuses forged, altered, stale, future-dated, truncated and unsigned events', async () => {
		const [message] = [...fake.messages.values()];
		const body = messageEvent('message.finalized', message);
		const now = nowSeconds();
		const refusals = [
			await deliver(body, signedHeaders(body, newSigningKey())),
			await deliver(body.replace('+15557654321', '+15550000000'), signedHeaders(body, key)),
			await deliver(body, signedHeaders(body, key, now - 600)),
			await deliver(body, signedHeaders(body, key, now + 600)),
			await deliver(body.slice(0, -20), signedHeaders(body, key)),
			await deliver(body, { 'content-type': 'application/json' }),
		].map(([status]) => status);
		// A truncated JSON body is refused by n8n's body parser (422) before the node sees it.
		assert.deepEqual(refusals, [401, 401, 401, 401, 422, 401]);
		// The same event, genuine, still runs: the refusals claimed nothing.
		assert.deepEqual(await deliver(body, signedHeaders(body, key)), [200, { received: true }]);
		await forwardedOnce(eventIdOf(body));
		assert.equal(runsOf(eventIdOf(body)), 1);
	});

	test('the same event delivered three times (first, re-signed retry, replay) starts one execution', async () => {
		const [message] = [...fake.messages.values()];
		const body = messageEvent('message.finalized', message);
		const headers = signedHeaders(body, key);
		const retry = retryOf(body);
		const answers = [
			await deliver(body, headers),
			await deliver(retry, signedHeaders(retry, key, nowSeconds() + 20)),
			await deliver(body, headers),
		];
		assert.deepEqual(answers, [
			[200, { received: true }],
			[200, { received: true, duplicate: true }],
			[200, { received: true, duplicate: true }],
		]);
		await forwardedOnce(eventIdOf(body));
		assert.equal((forwarded.at(-1) as { message_id?: string }).message_id, message.id);
		// A later event runs too, and after it the repeats have still started nothing.
		const next = messageEvent('message.finalized', message);
		assert.deepEqual(await deliver(next, signedHeaders(next, key)), [200, { received: true }]);
		await forwardedOnce(eventIdOf(next));
		assert.equal(runsOf(eventIdOf(body)), 1);
	});

	test('a retry after n8n restarted is still known (ids in the user folder)', async () => {
		const [message] = [...fake.messages.values()];
		const body = messageEvent('message.finalized', message);
		assert.deepEqual(await deliver(body, signedHeaders(body, key)), [200, { received: true }]);
		await forwardedOnce(eventIdOf(body));
		await server.stop();
		server = await startN8n(install);
		const retry = retryOf(body);
		assert.deepEqual(await deliver(retry, signedHeaders(retry, key, nowSeconds() + 30)), [
			200,
			{ received: true, duplicate: true },
		]);
		const next = messageEvent('message.finalized', message);
		assert.deepEqual(await deliver(next, signedHeaders(next, key)), [200, { received: true }]);
		await forwardedOnce(eventIdOf(next));
		assert.equal(runsOf(eventIdOf(body)), 1);
		const seen = join(install.userFolder, '.n8n', 'telnyx-trigger-events', 'telnyxTriggerE2e');
		assert.ok(existsSync(seen), `${seen} holds the seen ids`);
	});
});
