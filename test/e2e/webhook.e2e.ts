import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ZulipFake } from '../fakes/zulip/server';
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
	readFileSync(
		resolve(__dirname, '../../examples/zulip-book-and-cancel-announcement.json'),
		'utf8',
	),
);

describe('a webhook-started workflow in a running n8n (examples/zulip-book-and-cancel-announcement.json)', () => {
	let fake: ZulipFake;
	let install: N8nInstall;
	let server: RunningN8n;
	before(async () => {
		fake = await ZulipFake.start();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				id: 'zulipAccount',
				name: 'Zulip account',
				type: 'zulipScheduledApi',
				data: { url: fake.url, email: fake.email, apiKey: fake.apiKey },
			},
		]);
		await importJson(install, 'workflow', [
			{ ...example, id: 'zulipBookingExample', active: false },
		]);
		await activateWorkflow(install, 'zulipBookingExample');
		server = await startN8n(install);
	});
	after(async () => {
		await server?.stop();
		await fake?.stop();
	});

	async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
		const response = await postToWebhook(server.baseUrl, path, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		assert.equal(response.status, 200, await response.clone().text());
		return (await response.json()) as Record<string, unknown>;
	}

	test('booking schedules the announcement; cancelling deletes it', async () => {
		const sendAt = new Date(Date.now() + 3 * 86400_000).toISOString();
		const booked = await post('zulip/announcements', {
			channel_id: 15,
			topic: 'All hands',
			content: 'Friday 10:00, main hall',
			send_at: sendAt,
		});
		assert.equal(fake.scheduled.size, 1);
		const [stored] = [...fake.scheduled.values()];
		assert.equal(stored.to, 15);
		assert.equal(stored.topic, 'All hands');
		assert.equal(stored.scheduled_delivery_timestamp, Math.floor(Date.parse(sendAt) / 1000));
		assert.equal(booked.scheduled_message_id, stored.scheduled_message_id);

		const cancelled = await post('zulip/announcements/cancel', {
			scheduled_message_id: booked.scheduled_message_id,
		});
		assert.deepEqual(cancelled, {
			scheduled_message_id: stored.scheduled_message_id,
			deleted: true,
		});
		assert.equal(fake.scheduled.size, 0);
		assert.deepEqual(fake.violations, []);
	});
});
