import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
	PROFILE_A_ID,
	PROFILE_B_ID,
	type TelnyxFake,
	type TelnyxFakeMessage,
} from '../../fakes/telnyx/server';
import { distModule } from '../../harness/dist';
import { freePort, redisMissing, startRedis, type RedisServer } from '../../harness/redis';
import { WebhookServer } from '../../harness/webhook';
import { FROM, TO, credentialsFor, runTelnyx, sendParams, startFake } from './setup';
import { messageEvent, newSigningKey, nowSeconds, signedHeaders, type SigningKey } from './signing';

/** The seen-event stores as n8n loads them (from dist/), typed from the source. */
const distSeenEvents = distModule<typeof import('../../../nodes/Telnyx/trigger/seenEvents')>(
	'nodes/Telnyx/trigger/seenEvents/index',
);

/** Telnyx's retry of an event: the same event, the next attempt number, signed anew later. */
function retryOf(body: string): string {
	const event = JSON.parse(body) as { meta: { attempt: number } };
	event.meta.attempt += 1;
	return JSON.stringify(event, null, 2);
}

const eventIdOf = (body: string) => (JSON.parse(body) as { data: { id: string } }).data.id;

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
		ids: { workflowId?: string; nodeId?: string; webhookId?: string } = {},
	): Promise<WebhookServer> {
		const server = await WebhookServer.start({
			...ids,
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
		assert.deepEqual(reply.body, { received: true });
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

	describe('one run per event', () => {
		test('first delivery, a re-signed retry and an exact replay start one run; each gets 200 JSON', async () => {
			const server = await startTrigger();
			const body = messageEvent('message.finalized', await sentMessage());
			const firstHeaders = signedHeaders(body, key);
			const first = await server.post(body, firstHeaders);
			const retryBody = retryOf(body);
			const retry = await server.post(retryBody, signedHeaders(retryBody, key, nowSeconds() + 30));
			const replay = await server.post(body, firstHeaders);
			assert.deepEqual(
				[first, retry, replay].map((reply) => [reply.status, reply.body]),
				[
					[200, { received: true }],
					[200, { received: true, duplicate: true }],
					[200, { received: true, duplicate: true }],
				],
			);
			assert.equal(server.started.length, 1);
			assert.equal(server.started[0][0][0].json.delivery_attempt, 1);
		});

		test('deliveries of one event arriving together start one run', async () => {
			const server = await startTrigger();
			const body = messageEvent('message.finalized', await sentMessage());
			const replies = await Promise.all(
				Array.from({ length: 8 }, (_, index) => {
					const attempt = index === 0 ? body : retryOf(body);
					return server.post(attempt, signedHeaders(attempt, key, nowSeconds() + index));
				}),
			);
			assert.ok(replies.every((reply) => reply.status === 200));
			assert.equal(replies.filter((reply) => !(reply.body as IDataObject).duplicate).length, 1);
			assert.equal(server.started.length, 1);
		});

		test('a different event still starts its own run', async () => {
			const server = await startTrigger();
			const message = await sentMessage();
			for (const body of [
				messageEvent('message.finalized', message),
				messageEvent('message.finalized', message),
			])
				await server.post(body, signedHeaders(body, key));
			assert.equal(server.started.length, 2);
		});

		test('the same trigger after an n8n restart still knows the event', async () => {
			const ids = { workflowId: 'wfRestart', nodeId: randomUUID(), webhookId: randomUUID() };
			const before = await startTrigger({}, {}, ids);
			const body = messageEvent('message.finalized', await sentMessage());
			await before.post(body, signedHeaders(body, key));
			await before.stop();
			await distSeenEvents.closeSeenEventStores();
			const after = await startTrigger({}, {}, ids);
			const retryBody = retryOf(body);
			const retry = await after.post(retryBody, signedHeaders(retryBody, key, nowSeconds() + 60));
			assert.deepEqual(retry.body, { received: true, duplicate: true });
			assert.equal(before.started.length + after.started.length, 1);
		});

		test('two workflows, and two triggers in one workflow, each run once for the same event', async () => {
			const shared = { workflowId: 'wfShared', webhookId: randomUUID() };
			const servers = [
				await startTrigger({}, {}, { ...shared, nodeId: randomUUID() }),
				await startTrigger({}, {}, { ...shared, nodeId: randomUUID() }),
				await startTrigger({}, {}, { workflowId: 'wfOther', webhookId: randomUUID() }),
			];
			const body = messageEvent('message.finalized', await sentMessage());
			for (const server of servers) {
				for (const attempt of [body, retryOf(body)])
					await server.post(attempt, signedHeaders(attempt, key));
			}
			assert.deepEqual(
				servers.map((server) => server.started.length),
				[1, 1, 1],
			);
		});

		test('an event that cannot be recorded gets 503, starts nothing, and runs when delivered again', async () => {
			const server = await startTrigger();
			const body = messageEvent('message.finalized', await sentMessage());
			const userFolder = process.env.N8N_USER_FOLDER;
			const notAFolder = join(mkdtempSync(join(tmpdir(), 'n8n-sm-blocked-')), 'file');
			writeFileSync(notAFolder, '');
			process.env.N8N_USER_FOLDER = notAFolder;
			try {
				const refused = await server.post(body, signedHeaders(body, key));
				assert.equal(refused.status, 503);
				assert.deepEqual(refused.body, {
					message: 'The event could not be recorded; send it again',
				});
				assert.equal(server.started.length, 0);
			} finally {
				process.env.N8N_USER_FOLDER = userFolder;
			}
			const retryBody = retryOf(body);
			const retry = await server.post(retryBody, signedHeaders(retryBody, key, nowSeconds() + 30));
			assert.deepEqual([retry.status, retry.body], [200, { received: true }]);
			assert.equal(server.started.length, 1);
		});

		test('when n8n cannot create the run (it answers 500), the next delivery starts it', async () => {
			const server = await startTrigger();
			const body = messageEvent('message.finalized', await sentMessage());
			server.failStarts = 1;
			assert.equal((await server.post(body, signedHeaders(body, key))).status, 500);
			assert.equal(server.started.length, 0);
			const retryBody = retryOf(body);
			const retry = await server.post(retryBody, signedHeaders(retryBody, key, nowSeconds() + 30));
			assert.deepEqual([retry.status, retry.body], [200, { received: true }]);
			const again = await server.post(retryBody, signedHeaders(retryBody, key, nowSeconds() + 60));
			assert.deepEqual(again.body, { received: true, duplicate: true });
			assert.equal(server.started.length, 1);
		});

		test('ignored and refused deliveries claim nothing: the event runs once it is wanted and genuine', async () => {
			const ids = { workflowId: 'wfFilter', nodeId: randomUUID(), webhookId: randomUUID() };
			const body = messageEvent('message.finalized', await sentMessage());
			const forged = await (
				await startTrigger({}, {}, { ...ids, webhookId: randomUUID() })
			).post(body, signedHeaders(body, newSigningKey()));
			assert.equal(forged.status, 401);
			const filtering = await startTrigger({ events: ['message.received'] }, {}, ids);
			const ignored = await filtering.post(body, signedHeaders(body, key));
			assert.equal(ignored.status, 200);
			assert.equal((ignored.body as IDataObject).ignored !== undefined, true);
			const wanting = await startTrigger({}, {}, { ...ids, webhookId: randomUUID() });
			const taken = await wanting.post(body, signedHeaders(body, key));
			assert.deepEqual(taken.body, { received: true });
			assert.equal(wanting.started.length, 1);
		});

		describe(
			'in queue mode: ids in the Redis of QUEUE_BULL_REDIS_*',
			{ skip: redisMissing() },
			() => {
				let redis: RedisServer;
				const QUEUE_ENV = [
					'EXECUTIONS_MODE',
					'QUEUE_BULL_REDIS_HOST',
					'QUEUE_BULL_REDIS_PORT',
					'QUEUE_BULL_REDIS_DB',
				];
				before(async () => {
					redis = await startRedis();
					const { port } = new URL(redis.url);
					Object.assign(process.env, {
						EXECUTIONS_MODE: 'queue',
						QUEUE_BULL_REDIS_HOST: '127.0.0.1',
						QUEUE_BULL_REDIS_PORT: port,
						QUEUE_BULL_REDIS_DB: '3',
					});
				});
				after(async () => {
					await distSeenEvents.closeSeenEventStores();
					for (const name of QUEUE_ENV) delete process.env[name];
					await redis?.stop();
				});

				test('a retry answered by another webhook process (another connection) starts nothing', async () => {
					const ids = { workflowId: 'wfQueue', nodeId: randomUUID(), webhookId: randomUUID() };
					const first = await startTrigger({}, {}, ids);
					const body = messageEvent('message.finalized', await sentMessage());
					const firstReply = await first.post(body, signedHeaders(body, key));
					// A new connection, as a second `n8n webhook` process would have.
					await distSeenEvents.closeSeenEventStores();
					const second = await startTrigger({}, {}, ids);
					const retryBody = retryOf(body);
					const retry = await second.post(
						retryBody,
						signedHeaders(retryBody, key, nowSeconds() + 5),
					);
					assert.deepEqual(
						[firstReply.body, retry.body],
						[{ received: true }, { received: true, duplicate: true }],
					);
					assert.equal(first.started.length + second.started.length, 1);

					const Redis = (await import('ioredis')).default;
					const client = new Redis(`${redis.url}/3`);
					try {
						const keys = await client.keys('telnyx-trigger-events:*');
						assert.deepEqual(keys, [
							`telnyx-trigger-events:bull:wfQueue:${ids.nodeId}:${eventIdOf(body)}`,
						]);
						const ttl = await client.pttl(keys[0]);
						assert.ok(ttl > 24 * 3600_000 && ttl <= 25 * 3600_000, `TTL ${ttl} ms`);
					} finally {
						await client.quit();
					}
				});

				test('an unreachable Redis gets 503 and starts nothing', async () => {
					const server = await startTrigger();
					const body = messageEvent('message.finalized', await sentMessage());
					const port = process.env.QUEUE_BULL_REDIS_PORT;
					process.env.QUEUE_BULL_REDIS_PORT = String(await freePort());
					try {
						const reply = await server.post(body, signedHeaders(body, key));
						assert.equal(reply.status, 503);
						assert.equal(server.started.length, 0);
					} finally {
						process.env.QUEUE_BULL_REDIS_PORT = port;
					}
				});
			},
		);
	});
});
