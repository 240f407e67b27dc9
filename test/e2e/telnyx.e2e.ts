import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TelnyxFake } from '../fakes/telnyx/server';
import {
	messageEvent,
	newSigningKey,
	signedHeaders,
	type SigningKey,
} from '../nodes/Telnyx/signing';
import {
	activateWorkflow,
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
		for (let attempt = 0; ; attempt++) {
			const response = await fetch(`${server.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers,
				body,
			});
			// Active webhooks are registered just after start: retry a 404 briefly.
			if (response.status !== 404 || attempt >= 40) return response;
			await new Promise((wait) => setTimeout(wait, 250));
		}
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

	test('the trigger starts its workflow for a genuinely signed event and refuses a forged one', async () => {
		const [message] = [...fake.messages.values()];
		const path = '5d1f0a2b-6c3d-4e5f-8a9b-0c1d2e3f4a5b/webhook';
		const body = messageEvent('message.finalized', message);
		const forged = await post(
			path,
			body.replace('+15557654321', '+15550000000'),
			signedHeaders(body, key),
		);
		assert.equal(forged.status, 401);
		const genuine = await post(path, body, signedHeaders(body, key));
		assert.equal(genuine.status, 200, await genuine.clone().text());
		for (let wait = 0; forwarded.length === 0 && wait < 100; wait++)
			await new Promise((tick) => setTimeout(tick, 100));
		assert.equal(forwarded.length, 1, 'only the genuine event started the workflow');
		assert.equal((forwarded[0] as { message_id?: string }).message_id, message.id);
	});
});
