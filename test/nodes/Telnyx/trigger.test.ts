import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
	PROFILE_A_ID,
	PROFILE_B_ID,
	type TelnyxFake,
	type TelnyxFakeMessage,
} from '../../fakes/telnyx/server';
import { WebhookServer } from '../../harness/webhook';
import { FROM, TO, credentialsFor, runTelnyx, sendParams, startFake } from './setup';
import { messageEvent, newSigningKey, signedHeaders, type SigningKey } from './signing';

const profileLocator = (id: string) => ({ __rl: true, mode: 'list', value: id });

describe('Telnyx Trigger', () => {
	let fake: TelnyxFake;
	let key: SigningKey;
	let servers: WebhookServer[] = [];
	before(async () => {
		fake = await startFake();
		key = newSigningKey();
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake.reset());
	afterEach(async () => {
		await Promise.all(servers.map(async (server) => await server.stop()));
		servers = [];
	});

	async function startTrigger(
		parameters: IDataObject = {},
		credentials: IDataObject = {},
	): Promise<WebhookServer> {
		const server = await WebhookServer.start({
			type: 'telnyxTrigger',
			parameters: { events: ['*'], ...parameters },
			credentials: credentialsFor(fake, { publicKey: key.publicKeyBase64, ...credentials }),
		});
		servers.push(server);
		return server;
	}

	/** A message the fake really sent (through the node), moved on by `advanceMs`. */
	async function sentMessage(advanceMs = 2000): Promise<TelnyxFakeMessage> {
		const result = await runTelnyx(fake, {
			parameters: sendParams({ text: 'Café table for two ✓' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		fake.advance(advanceMs);
		return structuredClone(
			fake.messages.get(String(result.items[0].json.message_id)) as TelnyxFakeMessage,
		);
	}

	test('a genuinely signed event starts the workflow once, as one flat item', async () => {
		const server = await startTrigger();
		const message = await sentMessage();
		const body = messageEvent('message.finalized', message);
		const reply = await server.post(body, signedHeaders(body, key));
		assert.equal(reply.status, 200);
		assert.equal(server.started.length, 1);
		const [[[item]]] = server.started;
		const event = JSON.parse(body) as { data: { id: string } };
		assert.equal(item.json.event_type, 'message.finalized');
		assert.equal(item.json.event_id, event.data.id);
		assert.equal(item.json.outcome, 'delivered');
		assert.equal(item.json.message_id, message.id);
		assert.equal(item.json.status, 'delivered');
		assert.deepEqual(item.json.to, [TO]);
		assert.equal(item.json.from, FROM);
		assert.equal(item.json.text, 'Café table for two ✓');
		assert.equal(item.json.delivery_attempt, 1);
		assert.deepEqual(item.json.payload, message);
	});

	test('the event filter: unselected events are acknowledged and start nothing', async () => {
		const server = await startTrigger({ events: ['message.received', 'message.failed'] });
		const delivered = await sentMessage();
		const failed = {
			...delivered,
			to: delivered.to.map((recipient) => ({ ...recipient, status: 'delivery_failed' })),
		};
		const inbound = {
			...delivered,
			direction: 'inbound',
			id: '7ee4241c-f127-47e5-9c34-3aac291f8058',
		};
		const outcomes: Array<[string, string, boolean]> = [];
		for (const [type, payload] of [
			['message.sent', delivered],
			['message.finalized', delivered],
			['message.finalized', failed],
			['message.received', inbound],
		] as const) {
			const before = server.started.length;
			const body = messageEvent(type, payload);
			const reply = await server.post(body, signedHeaders(body, key));
			assert.equal(reply.status, 200, type);
			outcomes.push([type, String(payload.to[0].status), server.started.length > before]);
		}
		assert.deepEqual(outcomes, [
			['message.sent', 'delivered', false],
			['message.finalized', 'delivered', false],
			['message.finalized', 'delivery_failed', true],
			['message.received', 'delivered', true],
		]);
		assert.equal(server.started[0][0][0].json.outcome, 'failed');
		assert.equal(server.started[1][0][0].json.direction, 'inbound');
	});

	test('an ignored event says so in the answer', async () => {
		const server = await startTrigger({ events: ['message.received'] });
		const body = messageEvent('message.sent', await sentMessage(0));
		const reply = await server.post(body, signedHeaders(body, key));
		assert.deepEqual(reply.body, {
			received: true,
			ignored: "message.sent is not one of this trigger's events",
		});
	});

	test('a forged event gets 401 and starts nothing', async () => {
		const server = await startTrigger();
		const body = messageEvent('message.received', await sentMessage());
		const other = newSigningKey();
		const reply = await server.post(body, signedHeaders(body, other));
		assert.equal(reply.status, 401);
		assert.deepEqual(reply.body, { message: 'Invalid Telnyx webhook signature' });
		assert.equal(server.started.length, 0);
	});

	test('without a public key in the credential, nothing starts and activation says what to fix', async () => {
		const server = await startTrigger({}, { publicKey: '' });
		const body = messageEvent('message.received', await sentMessage());
		const reply = await server.post(body, signedHeaders(body, key));
		assert.equal(reply.status, 500);
		assert.equal(server.started.length, 0);
		await assert.rejects(server.host.activate(), /The Telnyx credential has no Webhook Public Key/);
		const malformed = await startTrigger({}, { publicKey: 'not-a-key' });
		await assert.rejects(
			malformed.host.activate(),
			/is not a base64 Ed25519 public key \(32 bytes\)/,
		);
	});

	test('without registration, activation touches nothing at Telnyx', async () => {
		const server = await startTrigger();
		await server.host.activate();
		await server.host.deactivate();
		assert.deepEqual(fake.requests, []);
	});

	for (const [profile, previous] of [
		['Profile A', 'https://hooks.example.com/telnyx'],
		['Profile B', null],
	] as const) {
		test(`registration on ${profile}: activation points it here, deactivation puts back ${String(previous)}`, async () => {
			const profileId = profile === 'Profile A' ? PROFILE_A_ID : PROFILE_B_ID;
			const server = await startTrigger({
				registerWebhook: true,
				messagingProfile: profileLocator(profileId),
			});
			const stored = () =>
				fake.profiles.find((candidate) => candidate.id === profileId)?.webhook_url;
			assert.equal(stored(), previous);

			await server.host.activate();
			assert.equal(stored(), server.url);
			assert.deepEqual(server.host.staticData().profileRegistration, {
				profileId,
				previousUrl: previous,
				url: server.url,
			});
			assert.equal(
				await server.host.runWebhookMethod('checkExists'),
				true,
				'a second activation finds it in place',
			);

			// Events now flow to the registered URL and start the workflow.
			const body = messageEvent('message.finalized', await sentMessage(), server.url);
			assert.equal(
				(await server.post(body, signedHeaders(body, key), String(stored()))).status,
				200,
			);
			assert.equal(server.started.length, 1);

			await server.host.deactivate();
			assert.equal(stored(), previous);
			assert.equal(server.host.staticData().profileRegistration, undefined);
			assert.deepEqual(fake.violations, []);
			assert.deepEqual(fake.responseViolations, []);
		});
	}

	test('deactivation leaves alone a URL someone set after activation', async () => {
		const server = await startTrigger({
			registerWebhook: true,
			messagingProfile: profileLocator(PROFILE_B_ID),
		});
		await server.host.activate();
		const profile = fake.profiles.find((candidate) => candidate.id === PROFILE_B_ID);
		assert.ok(profile);
		profile.webhook_url = 'https://elsewhere.example.com/hook';
		await server.host.deactivate();
		assert.equal(profile.webhook_url, 'https://elsewhere.example.com/hook');
		assert.equal(server.host.staticData().profileRegistration, undefined);
	});

	test('registration with a profile that is not an ID fails activation clearly', async () => {
		const server = await startTrigger({
			registerWebhook: true,
			messagingProfile: profileLocator('Profile B'),
		});
		await assert.rejects(
			server.host.activate(),
			/'Messaging Profile' \("Profile B"\) is not a messaging profile ID/,
		);
		assert.deepEqual(fake.requests, []);
	});
});
