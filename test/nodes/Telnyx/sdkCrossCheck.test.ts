/**
 * The official `telnyx` SDK as an independent reference: the node must put the same request on
 * the wire as the SDK for the same message, and must accept and refuse exactly the webhooks the
 * SDK's own verification accepts and refuses.
 */
import type { IDataObject } from 'n8n-workflow';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import Telnyx from 'telnyx';
import {
	PROFILE_A_ID,
	PROFILE_B_ID,
	type SeenRequest,
	type TelnyxFake,
} from '../../fakes/telnyx/server';
import { WebhookServer } from '../../harness/webhook';
import {
	FROM,
	SENDER_ID,
	SHORT_CODE,
	TO,
	TO_UK,
	alphanumericSender,
	credentialsFor,
	shortCodeSender,
	groupParams,
	messageIdParams,
	numberLocator,
	runTelnyx,
	scheduleParams,
	sendParams,
	startFake,
} from './setup';
import {
	messageEvent,
	newSigningKey,
	nowSeconds,
	signature,
	signedHeaders,
	type SigningKey,
} from './signing';

/** A send time inside the window, whole seconds, as the SDK user would write it. */
const inAnHour = () =>
	new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000).toISOString().replace('.000Z', 'Z');

const wire = (request: SeenRequest | undefined) => ({
	line: `${request?.method} ${request?.path}`,
	contentType: String(request?.headers['content-type']).split(';')[0],
	authorization: request?.headers.authorization,
	body: request?.body,
});

describe('Telnyx: cross-check with the official SDK', () => {
	let fake: TelnyxFake;
	let client: Telnyx;
	before(async () => {
		fake = await startFake();
		client = new Telnyx({ apiKey: fake.apiKey, baseURL: `${fake.url}/v2`, maxRetries: 0 });
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake.reset());

	/** Sends one message with the SDK and the same with the node; returns both requests as seen on the wire. */
	async function bothWays(sdkCall: () => Promise<unknown>, parameters: IDataObject) {
		await sdkCall();
		const result = await runTelnyx(fake, { parameters });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.requests.length, 2);
		assert.deepEqual(fake.violations, []);
		return {
			sdk: wire(fake.requests[0]),
			node: wire(fake.requests[1]),
			output: result.items[0].json,
		};
	}

	test('Schedule: an MMS with every option reaches Telnyx the same way', async () => {
		const sendAt = inAnHour();
		const media = ['https://example.com/a.jpg', 'https://example.com/b.png'];
		const { sdk, node } = await bothWays(
			async () =>
				await client.messages.schedule({
					from: FROM,
					to: TO,
					text: 'Menu attached',
					subject: 'Tonight',
					media_urls: media,
					type: 'MMS',
					auto_detect: true,
					use_profile_webhooks: false,
					webhook_url: 'https://hooks.example.com/one',
					webhook_failover_url: 'https://backup.example.com/one',
					send_at: sendAt,
				}),
			scheduleParams({
				text: 'Menu attached',
				mediaUrls: media.join('\n'),
				sendAt,
				additionalFields: {
					subject: 'Tonight',
					messageType: 'MMS',
					autoDetect: true,
					useProfileWebhooks: false,
					webhookUrl: 'https://hooks.example.com/one',
					webhookFailoverUrl: 'https://backup.example.com/one',
				},
			}),
		);
		assert.deepEqual(node, sdk);
	});

	test('Schedule from a messaging profile', async () => {
		const sendAt = inAnHour();
		const { sdk, node } = await bothWays(
			async () =>
				await client.messages.schedule({
					messaging_profile_id: PROFILE_B_ID,
					to: TO,
					text: 'Pool',
					send_at: sendAt,
				}),
			scheduleParams({
				senderType: 'messagingProfile',
				messagingProfile: { __rl: true, mode: 'id', value: PROFILE_B_ID },
				text: 'Pool',
				sendAt,
			}),
		);
		assert.deepEqual(node, sdk);
	});

	test('Schedule from a short code, and Send from an alphanumeric sender ID with its profile', async () => {
		const sendAt = inAnHour();
		const shortCode = await bothWays(
			async () =>
				await client.messages.schedule({
					from: SHORT_CODE,
					to: TO,
					text: 'From a short code',
					send_at: sendAt,
				}),
			scheduleParams({ ...shortCodeSender(), text: 'From a short code', sendAt }),
		);
		assert.deepEqual(shortCode.node, shortCode.sdk);
		assert.equal(shortCode.output.sender_type, 'short_code');
		fake.reset();
		const senderId = await bothWays(
			async () =>
				await client.messages.send({
					from: SENDER_ID,
					messaging_profile_id: PROFILE_A_ID,
					to: TO_UK,
					text: 'From ACME',
				}),
			sendParams({ ...alphanumericSender(), text: 'From ACME' }),
		);
		assert.deepEqual(senderId.node, senderId.sdk);
		assert.equal(senderId.output.sender_type, 'alphanumeric_sender_id');
	});

	test('Send now, and Send with a send time', async () => {
		const now = await bothWays(
			async () => await client.messages.send({ from: FROM, to: TO, text: 'Now' }),
			sendParams({ text: 'Now' }),
		);
		assert.deepEqual(now.node, now.sdk);
		fake.reset();
		const sendAt = inAnHour();
		const later = await bothWays(
			async () =>
				await client.messages.send({ from: FROM, to: TO, text: 'Later', send_at: sendAt }),
			sendParams({ text: 'Later', additionalFields: { sendAt } }),
		);
		assert.deepEqual(later.node, later.sdk);
	});

	test('Send Group MMS', async () => {
		const to = ['+15557654321', '+15557654322', '+15557654323'];
		const { sdk, node } = await bothWays(
			async () =>
				await client.messages.sendGroupMms({
					from: FROM,
					to,
					text: 'Hi all',
					media_urls: ['https://example.com/a.jpg'],
				}),
			groupParams({
				fromNumber: numberLocator(FROM),
				recipients: to.join(','),
				text: 'Hi all',
				mediaUrls: 'https://example.com/a.jpg',
			}),
		);
		assert.deepEqual(node, sdk);
	});

	test('Get and Cancel hit the same endpoint as the SDK, and read the message the same', async () => {
		const first = await client.messages.schedule({
			from: FROM,
			to: TO,
			text: 'One',
			send_at: inAnHour(),
		});
		const second = await client.messages.schedule({
			from: FROM,
			to: TO,
			text: 'Two',
			send_at: inAnHour(),
		});
		const [firstId, secondId] = [String(first.data?.id), String(second.data?.id)];

		const sdkGot = await client.messages.retrieve(firstId);
		const nodeGot = await runTelnyx(fake, { parameters: messageIdParams('get', firstId) });
		assert.deepEqual(wire(fake.requests.at(-1)), wire(fake.requests.at(-2)));
		const sdkMessage = sdkGot.data as {
			id?: string;
			to?: Array<{ phone_number?: string; status?: string }>;
		};
		assert.equal(nodeGot.items[0].json.message_id, sdkMessage.id);
		assert.deepEqual(
			nodeGot.items[0].json.recipients,
			sdkMessage.to?.map((r) => ({ phone_number: r.phone_number, status: r.status })),
		);

		const sdkCancelled = await client.messages.cancelScheduled(firstId);
		const nodeCancelled = await runTelnyx(fake, {
			parameters: messageIdParams('cancel', secondId),
		});
		const [sdkRequest, nodeRequest] = [wire(fake.requests.at(-2)), wire(fake.requests.at(-1))];
		assert.equal(nodeRequest.line, sdkRequest.line.replace(firstId, secondId));
		assert.equal(nodeRequest.body, undefined);
		assert.equal(sdkCancelled.to?.[0]?.status, 'cancelled');
		assert.equal(nodeCancelled.items[0].json.status, 'cancelled');
		assert.deepEqual(fake.violations, []);
	});

	describe('webhook signatures: the trigger and the SDK agree', () => {
		let key: SigningKey;
		let server: WebhookServer;
		let body: string;
		before(async () => {
			key = newSigningKey();
		});
		beforeEach(async () => {
			server = await WebhookServer.start({
				type: 'telnyxTrigger',
				parameters: { events: ['*'] },
				credentials: credentialsFor(fake, { publicKey: key.publicKeyBase64 }),
			});
			const sent = await client.messages.send({ from: FROM, to: TO, text: 'Signed ✓' });
			body = messageEvent('message.sent', sent.data as Record<string, unknown>);
		});
		afterEach(async () => await server.stop());

		/** What the SDK says of this request: accepted, or its verification error. */
		async function sdkVerdict(
			rawBody: string,
			headers: Record<string, string>,
			publicKey = key.publicKeyBase64,
		): Promise<string> {
			try {
				await client.webhooks.unwrap(rawBody, { headers, key: publicKey });
				return 'accepted';
			} catch (error) {
				assert.equal((error as Error).name, 'TelnyxWebhookVerificationError', String(error));
				return 'rejected';
			}
		}

		async function triggerVerdict(
			rawBody: string,
			headers: Record<string, string>,
		): Promise<string> {
			const before = server.started.length;
			const reply = await server.post(rawBody, headers);
			const started = server.started.length > before;
			// The same event again is accepted and answered as a duplicate (one run per event).
			const duplicate = (reply.body as { duplicate?: boolean } | undefined)?.duplicate === true;
			if (reply.status === 200 && (started || duplicate)) return 'accepted';
			assert.equal(reply.status, 401, `a refusal is a 401, got ${reply.status}`);
			assert.equal(started, false);
			return 'rejected';
		}

		test('a genuinely signed event is accepted by both, with the same content', async () => {
			const headers = signedHeaders(body, key);
			assert.equal(await sdkVerdict(body, headers), 'accepted');
			assert.equal(await triggerVerdict(body, headers), 'accepted');
			const unwrapped = (await client.webhooks.unwrap(body, {
				headers,
				key: key.publicKeyBase64,
			})) as { data: { id: string; payload: { id: string } } };
			const [[[item]]] = server.started;
			assert.equal(item.json.event_id, unwrapped.data.id);
			assert.equal(item.json.message_id, unwrapped.data.payload.id);
		});

		test('a timestamp 290 s old or ahead is still within the window for both', async () => {
			for (const offset of [-290, 290]) {
				const headers = signedHeaders(body, key, nowSeconds() + offset);
				assert.deepEqual(
					[await sdkVerdict(body, headers), await triggerVerdict(body, headers)],
					['accepted', 'accepted'],
					`offset ${offset}`,
				);
			}
		});

		const forgeries: Array<[string, () => { rawBody: string; headers: Record<string, string> }]> = [
			[
				'an altered body',
				() => ({
					rawBody: body.replace('Signed ✓', 'Signed ✗'),
					headers: signedHeaders(body, key),
				}),
			],
			[
				'a body re-serialized after signing',
				() => ({ rawBody: JSON.stringify(JSON.parse(body)), headers: signedHeaders(body, key) }),
			],
			[
				'a signature by another key',
				() => ({ rawBody: body, headers: signedHeaders(body, newSigningKey()) }),
			],
			[
				'a stale timestamp (310 s old)',
				() => ({ rawBody: body, headers: signedHeaders(body, key, nowSeconds() - 310) }),
			],
			[
				'a future timestamp (310 s ahead)',
				() => ({ rawBody: body, headers: signedHeaders(body, key, nowSeconds() + 310) }),
			],
			[
				'a replay with a fresh timestamp on an old signature',
				() => {
					const old = signedHeaders(body, key, nowSeconds() - 600);
					return { rawBody: body, headers: { ...old, 'telnyx-timestamp': String(nowSeconds()) } };
				},
			],
			[
				'a signature over the body alone',
				() => {
					const headers = signedHeaders(body, key);
					const bodyOnly = sign(null, Buffer.from(body, 'utf8'), key.privateKey).toString('base64');
					return { rawBody: body, headers: { ...headers, 'telnyx-signature-ed25519': bodyOnly } };
				},
			],
			[
				'no signature header',
				() => {
					const { 'telnyx-signature-ed25519': _dropped, ...headers } = signedHeaders(body, key);
					return { rawBody: body, headers };
				},
			],
			[
				'no timestamp header',
				() => {
					const { 'telnyx-timestamp': _dropped, ...headers } = signedHeaders(body, key);
					return { rawBody: body, headers };
				},
			],
			[
				'a timestamp that is not whole seconds',
				() => {
					const timestamp = `${nowSeconds()}.0`;
					return {
						rawBody: body,
						headers: {
							...signedHeaders(body, key),
							'telnyx-timestamp': timestamp,
							'telnyx-signature-ed25519': signature(body, key, timestamp),
						},
					};
				},
			],
			[
				'a truncated signature',
				() => {
					const headers = signedHeaders(body, key);
					return {
						rawBody: body,
						headers: {
							...headers,
							'telnyx-signature-ed25519': headers['telnyx-signature-ed25519'].slice(0, 40),
						},
					};
				},
			],
		];
		for (const [name, forge] of forgeries) {
			test(`${name} is rejected by both`, async () => {
				const { rawBody, headers } = forge();
				assert.equal(await sdkVerdict(rawBody, headers), 'rejected');
				assert.equal(await triggerVerdict(rawBody, headers), 'rejected');
			});
		}

		test('a good signature checked against the wrong public key is rejected by both', async () => {
			const stranger = newSigningKey();
			const strangerServer = await WebhookServer.start({
				type: 'telnyxTrigger',
				parameters: { events: ['*'] },
				credentials: credentialsFor(fake, { publicKey: stranger.publicKeyBase64 }),
			});
			try {
				const headers = signedHeaders(body, key);
				assert.equal(await sdkVerdict(body, headers, stranger.publicKeyBase64), 'rejected');
				const reply = await strangerServer.post(body, headers);
				assert.equal(reply.status, 401);
				assert.equal(strangerServer.started.length, 0);
			} finally {
				await strangerServer.stop();
			}
		});
	});
});
