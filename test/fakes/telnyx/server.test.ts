/**
 * Proves the Telnyx fake against an independent client (the official `telnyx` SDK) and raw HTTP:
 * correct calls leave no violations, broken ones are caught, and the documented rules hold.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Telnyx from 'telnyx';
import { differences } from '../conformance';
import { requiredSpecsDir, specTestSkip, TELNYX_SPEC_FILE } from '../specs';
import { telnyxOperations } from './model';
import { PROFILE_A_ID, PROFILE_B_ID, TelnyxFake } from './server';
import { checkResponse, loadTelnyxSpec } from './spec';

const T0 = Date.parse('2026-03-02T12:00:00.000Z');
const MINUTE = 60_000;
const FROM = '+15550001111';
const TO = '+15557654321';

/** The error an SDK call rejects with (APIError or a connection error). */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof Telnyx.APIError>> {
	try {
		await call;
	} catch (err) {
		assert.ok(err instanceof Telnyx.APIError, `expected an APIError, got ${String(err)}`);
		return err;
	}
	assert.fail('expected the call to fail');
}

function firstError(err: InstanceType<typeof Telnyx.APIError>): { code: string; title: string } {
	return (err.error as { errors: { code: string; title: string }[] }).errors[0];
}

/**
 * The same behaviour twice: on Telnyx's model alone (as on a bare clone) and with the OpenAPI
 * layer on top (skipped, saying why, when the spec files are absent and this is not CI).
 */
for (const layers of ['model', 'model + spec'] as const) {
	describe(
		`TelnyxFake (${layers})`,
		{ skip: layers === 'model' ? false : specTestSkip(TELNYX_SPEC_FILE) },
		() => {
			let fake: TelnyxFake;
			let client: Telnyx;
			const at = (ms: number) => new Date(T0 + ms).toISOString();
			const raw = (path: string, init: RequestInit = {}, auth = true) =>
				fetch(`${fake.url}${path}`, {
					...init,
					headers: {
						'content-type': 'application/json',
						...(auth ? { authorization: `Bearer ${fake.apiKey}` } : {}),
						...init.headers,
					},
				});

			before(async () => {
				fake = await TelnyxFake.start({
					specsDir: layers === 'model' ? false : requiredSpecsDir(TELNYX_SPEC_FILE),
					now: () => T0,
				});
				assert.equal(fake.spec !== undefined, layers !== 'model');
				client = new Telnyx({ apiKey: fake.apiKey, baseURL: `${fake.url}/v2`, maxRetries: 0 });
			});
			after(() => fake.stop());
			beforeEach(() => fake.reset());

			test('schedule -> retrieve -> cancel with the official SDK: spec-clean and stateful', async () => {
				const scheduled = await client.messages.schedule({
					from: FROM,
					to: TO,
					text: 'Hello',
					send_at: at(10 * MINUTE),
				});
				const id = scheduled.data?.id;
				assert.ok(id);
				assert.equal(scheduled.data?.to?.[0]?.status, 'scheduled');
				assert.equal(scheduled.data?.type, 'SMS');
				assert.equal(scheduled.data?.messaging_profile_id, PROFILE_A_ID);

				const got = await client.messages.retrieve(id);
				assert.equal(got.data?.id, id);

				const cancelled = await client.messages.cancelScheduled(id);
				assert.equal(cancelled.id, id);
				assert.equal(cancelled.to?.[0]?.status, 'cancelled');

				assert.equal(fake.messages.get(id)?.to[0].status, 'cancelled');
				assert.equal(fake.messages.get(id)?.send_at, at(10 * MINUTE));
				assert.deepEqual(
					fake.requests.map((r) => `${r.method} ${r.path}`),
					['POST /v2/messages/schedule', `GET /v2/messages/${id}`, `DELETE /v2/messages/${id}`],
				);
				assert.equal(fake.requests[0].headers.authorization, `Bearer ${fake.apiKey}`);
				assert.deepEqual(fake.violations, []);
				assert.deepEqual(fake.responseViolations, []);
			});

			test('send now, group MMS, profiles and numbers with the SDK stay spec-clean', async () => {
				const sent = await client.messages.send({
					from: FROM,
					to: TO,
					text: 'Now',
					media_urls: ['https://example.com/a.png'],
				});
				assert.equal(sent.data?.type, 'MMS');
				assert.equal(sent.data?.to?.[0]?.status, 'queued');
				fake.advance(2000);
				assert.equal(fake.messages.get(sent.data?.id ?? '')?.to[0].status, 'delivered');

				const group = await client.messages.sendGroupMms({
					from: FROM,
					to: ['+15557654321', '+15557654322'],
					text: 'Hi all',
				});
				assert.equal(group.data?.to?.length, 2);

				const profiles = [];
				for await (const p of client.messagingProfiles.list({ 'page[size]': 1 }))
					profiles.push(p.id);
				assert.deepEqual(profiles, [PROFILE_A_ID, PROFILE_B_ID]);

				await client.messagingProfiles.update(PROFILE_B_ID, {
					webhook_url: 'https://hooks.example.com/b',
					webhook_failover_url: null,
				});
				assert.equal(
					fake.profiles.find((p) => p.id === PROFILE_B_ID)?.webhook_url,
					'https://hooks.example.com/b',
				);
				const viaProfile = await client.messages.send({
					messaging_profile_id: PROFILE_B_ID,
					to: TO,
					text: 'pool',
				});
				assert.equal(viaProfile.data?.from?.phone_number, '+15550003333');
				assert.equal(viaProfile.data?.webhook_url, 'https://hooks.example.com/b');

				const numbers = [];
				for await (const n of client.messagingProfiles.listPhoneNumbers(PROFILE_A_ID))
					numbers.push(n.phone_number);
				assert.deepEqual(numbers, ['+15550001111', '+15550002222']);
				const all = [];
				for await (const n of client.phoneNumbers.list()) all.push(n.phone_number);
				assert.equal(all.length, 3);

				assert.deepEqual(fake.violations, []);
				assert.deepEqual(fake.responseViolations, []);
			});

			test("a body Telnyx cannot read gets a 400 listing every problem in Telnyx's error shape, and is a violation", async () => {
				const res = await raw('/v2/messages/schedule', {
					method: 'POST',
					body: JSON.stringify({
						from: FROM,
						to: 15557654321,
						text: 'x',
						send_at: 'tomorrow',
						webhook_url: 'not a url',
					}),
				});
				assert.equal(res.status, 400);
				assert.deepEqual(await res.json(), {
					errors: [
						{
							code: '10015',
							title: 'Bad Request',
							detail: "The 'to' parameter must be a string.",
							source: { pointer: '/to' },
						},
						{
							code: '10003',
							title: 'Invalid URL',
							detail: "The 'webhook_url' parameter must be a valid URL.",
							source: { pointer: '/webhook_url' },
						},
						{
							code: '10015',
							title: 'Bad Request',
							detail: "The 'send_at' parameter must be an ISO 8601 date-time.",
							source: { pointer: '/send_at' },
						},
					],
				});
				const all = fake.violations.join('\n');
				assert.match(
					all,
					/POST \/v2\/messages\/schedule \(ScheduleMessage\): body\.to must be a string/,
				);
				assert.match(all, /body\.send_at must be an ISO 8601 date-time/);
				assert.match(all, /body\.webhook_url must be an http\(s\) URL/);
				assert.equal(fake.messages.size, 0);
			});

			test("a `to` that is not +E.164 or is missing: Telnyx's 422 with its code and a pointer to the field, nothing sent", async () => {
				const badTo = await raw('/v2/messages', {
					method: 'POST',
					body: JSON.stringify({ from: FROM, to: '555-765-4321', text: 'x' }),
				});
				assert.equal(badTo.status, 422);
				assert.deepEqual(await badTo.json(), {
					errors: [
						{
							code: '10016',
							title: 'Phone number must be in +E.164 format',
							detail: "The 'to' parameter must be in E164 format.",
							source: { pointer: '/to' },
						},
					],
				});
				const noTo = await raw('/v2/messages', {
					method: 'POST',
					body: JSON.stringify({ from: FROM, text: 'x' }),
				});
				assert.equal(noTo.status, 422);
				assert.deepEqual(await noTo.json(), {
					errors: [
						{
							code: '10004',
							title: 'Missing required parameter',
							detail: "The 'to' parameter is required.",
							source: { pointer: '/to' },
						},
					],
				});
				assert.equal(fake.messages.size, 0);
				// A malformed number is Telnyx's rule, not a schema break; a missing required field is both.
				assert.ok(fake.violations.some((v) => /body\.to is required/.test(v)));
				assert.ok(!fake.violations.some((v) => /555-765-4321/.test(v)));
			});

			test('fields Telnyx does not know are ignored (the message is sent) but are a violation of the client', async () => {
				const res = await raw('/v2/messages', {
					method: 'POST',
					body: JSON.stringify({
						from: FROM,
						to: TO,
						text: 'x',
						media_url: 'https://example.com/a.png',
					}),
				});
				assert.equal(res.status, 200);
				assert.equal(fake.messages.size, 1);
				assert.deepEqual([...fake.messages.values()][0].media, []);
				assert.ok(
					fake.violations.some((v) => /body\.media_url is not a parameter of this route/.test(v)),
					fake.violations.join('\n'),
				);
			});

			test('bad JSON, another media type, unknown routes and non-UUID ids are refused as Telnyx does, and are violations', async () => {
				const badJson = await raw('/v2/messages', { method: 'POST', body: '{"to":' });
				assert.equal(badJson.status, 400);
				assert.equal(
					((await badJson.json()) as { errors: { code: string }[] }).errors[0].code,
					'10023',
				);
				const form = await raw('/v2/messages', {
					method: 'POST',
					body: 'to=%2B15557654321',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
				});
				assert.equal(form.status, 415);
				assert.deepEqual(
					((await form.json()) as { errors: { code: string }[] }).errors.map((e) => e.code),
					['10014'],
				);
				assert.equal(
					(await raw('/v2/messages/scheduled', { method: 'POST', body: '{}' })).status,
					404,
				);
				assert.equal((await raw('/messages')).status, 404);
				const notUuid = await raw('/v2/messages/12345');
				assert.equal(notUuid.status, 400);
				assert.deepEqual(((await notUuid.json()) as { errors: unknown[] }).errors, [
					{
						code: '10006',
						title: 'Invalid ID',
						detail: "The 'id' parameter must be a UUID.",
						source: { parameter: 'id' },
					},
				]);
				const all = fake.violations.join('\n');
				for (const expected of [
					/body is not JSON/,
					/body is not application\/json/,
					/POST \/v2\/messages\/scheduled: no such route/,
					/GET \/messages: outside the API base path/,
					/path\.id must be a UUID/,
				]) {
					assert.match(all, expected);
				}
				assert.equal(fake.messages.size, 0);
				const notFound = await failure(
					client.messages.retrieve('0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b'),
				);
				assert.equal(notFound.status, 404);
				assert.deepEqual(firstError(notFound), {
					code: '10005',
					title: 'Resource not found',
					detail: 'The requested resource or URL could not be found.',
				});
			});

			test("short codes and sender IDs: the account's own send, Telnyx's refusals otherwise", async () => {
				const text = 'Hi';
				const sent = await client.messages.send({ from: '12345', to: TO, text });
				assert.equal(sent.data?.from?.phone_number, '12345');
				assert.equal(sent.data?.messaging_profile_id, PROFILE_A_ID);
				const alpha = await client.messages.send({
					from: 'Acme Shop',
					messaging_profile_id: PROFILE_B_ID,
					to: '+447700900123',
					text,
				});
				assert.equal(alpha.data?.from?.phone_number, 'Acme Shop');
				assert.equal(fake.messages.size, 2);

				const refusals: Array<[Promise<unknown>, number, string, string]> = [
					[client.messages.send({ from: '99999', to: TO, text }), 400, '40305', '/from'],
					[
						client.messages.send({ from: 'ACME', to: TO, text }),
						422,
						'10004',
						'/messaging_profile_id',
					],
					[
						client.messages.send({
							from: 'ACME',
							messaging_profile_id: PROFILE_B_ID,
							to: TO,
							text,
						}),
						400,
						'40305',
						'/from',
					],
					[
						client.messages.send({
							from: 'ACME',
							messaging_profile_id: PROFILE_A_ID,
							to: TO,
							text,
							media_urls: ['https://example.com/a.png'],
						}),
						400,
						'40308',
						'/from',
					],
					[client.messages.send({ from: 'AC-ME', to: TO, text }), 400, '40305', '/from'],
					[
						client.messages.sendGroupMms({ from: '12345', to: [TO, '+15557654322'], text }),
						400,
						'40305',
						'/from',
					],
				];
				for (const [call, status, code, pointer] of refusals) {
					const err = await failure(call);
					assert.equal(err.status, status);
					const entry = firstError(err) as { code: string; source?: { pointer?: string } };
					assert.equal(entry.code, code);
					assert.equal(entry.source?.pointer, pointer);
				}
				assert.equal(fake.messages.size, 2);
				assert.deepEqual(fake.violations, []);
				assert.deepEqual(fake.responseViolations, []);
			});

			test('401 with the Telnyx error shape when the key is missing or wrong', async () => {
				const res = await raw('/v2/messaging_profiles', {}, false);
				assert.equal(res.status, 401);
				const body = (await res.json()) as { errors: { code: string; title: string }[] };
				assert.equal(body.errors[0].code, '10009');
				assert.equal(body.errors[0].title, 'Authentication failed');
				const wrongKey = new Telnyx({
					apiKey: 'KEYwrong',
					baseURL: `${fake.url}/v2`,
					maxRetries: 0,
				});
				const err = await failure(wrongKey.messages.send({ from: FROM, to: TO, text: 'x' }));
				assert.ok(err instanceof Telnyx.AuthenticationError);
				assert.equal(fake.messages.size, 0);
			});

			test('rateLimitNext answers 429 with code 10011 and x-ratelimit-reset, then recovers', async () => {
				fake.rateLimitNext(1, 30);
				const err = await failure(client.messages.send({ from: FROM, to: TO, text: 'x' }));
				assert.ok(err instanceof Telnyx.RateLimitError);
				assert.equal(err.headers?.get('x-ratelimit-reset'), '30');
				assert.deepEqual(firstError(err), {
					code: '10011',
					title: 'Too many requests',
					detail: 'You have exceeded the maximum number of allowed requests.',
				});
				assert.equal(fake.messages.size, 0);
				await client.messages.send({ from: FROM, to: TO, text: 'x' });
				assert.equal(fake.messages.size, 1);
			});

			test('a message that was sent (after advance) or is due within a minute cannot be cancelled', async () => {
				const sent = await client.messages.schedule({
					from: FROM,
					to: TO,
					text: 'Later',
					send_at: at(10 * MINUTE),
				});
				fake.advance(10 * MINUTE + 5000);
				const message = fake.messages.get(sent.data?.id ?? '');
				assert.equal(message?.to[0].status, 'delivered');
				assert.equal(message?.sent_at, at(10 * MINUTE));
				const err = await failure(client.messages.cancelScheduled(sent.data?.id ?? ''));
				assert.ok(err instanceof Telnyx.PermissionDeniedError);
				assert.equal(firstError(err).title, 'Message cannot be cancelled');
				assert.equal(message?.to[0].status, 'delivered');

				const soon = await client.messages.schedule({
					from: FROM,
					to: TO,
					text: 'Soon',
					send_at: at(10 * MINUTE + 5 * MINUTE + 30_000),
				});
				fake.advance(5 * MINUTE); // send_at is now 30 s away: inside the last minute
				assert.equal(
					(await failure(client.messages.cancelScheduled(soon.data?.id ?? ''))).status,
					403,
				);
				assert.deepEqual(fake.violations, []);
			});

			test('send_at outside 5 minutes .. 5 days, a missing send_at and business limits are refused', async () => {
				for (const sendAt of [at(4 * MINUTE), at(-MINUTE), at(5 * 24 * 60 * MINUTE + MINUTE)]) {
					const err = await failure(
						client.messages.schedule({ from: FROM, to: TO, text: 'x', send_at: sendAt }),
					);
					assert.ok(err instanceof Telnyx.UnprocessableEntityError, sendAt);
				}
				await client.messages.schedule({
					from: FROM,
					to: TO,
					text: 'edge',
					send_at: at(5 * MINUTE),
				});
				assert.equal(
					(await failure(client.messages.schedule({ from: FROM, to: TO, text: 'x' }))).status,
					422,
				);
				assert.equal(
					(await failure(client.messages.send({ from: '+15559990000', to: TO, text: 'x' }))).status,
					422,
				);
				assert.equal(
					(await failure(client.messages.send({ from: FROM, to: '5557654321', text: 'x' }))).status,
					422,
				);
				const nine = Array.from({ length: 9 }, (_, i) => `+1555765430${i}`);
				assert.equal(
					(await failure(client.messages.sendGroupMms({ from: FROM, to: nine, text: 'x' }))).status,
					422,
				);
				assert.equal(fake.messages.size, 1);
				assert.deepEqual(fake.violations, []);
			});

			test('failNext: http-500 has no effect, drop-after-body applies it and answers nothing', async () => {
				fake.failNext({ method: 'POST', path: /\/messages$/ }, 'http-500');
				assert.ok(
					(await failure(client.messages.send({ from: FROM, to: TO, text: 'x' }))) instanceof
						Telnyx.InternalServerError,
				);
				assert.equal(fake.messages.size, 0);

				fake.failNext({ method: 'POST', path: /\/messages\/schedule$/ }, 'drop-after-body');
				const dropped = await failure(
					client.messages.schedule({ from: FROM, to: TO, text: 'x', send_at: at(10 * MINUTE) }),
				);
				assert.ok(dropped instanceof Telnyx.APIConnectionError);
				assert.equal(
					fake.messages.size,
					1,
					'the message was stored although the client saw no answer',
				);
			});
		},
	);
}

describe(
	"TelnyxFake: checked against Telnyx's OpenAPI files",
	{ skip: specTestSkip(TELNYX_SPEC_FILE) },
	() => {
		test('the model the fake runs on without the spec agrees with the spec, route by route', async (t) => {
			const spec = await loadTelnyxSpec(requiredSpecsDir(TELNYX_SPEC_FILE));
			// /phone_numbers is only in the full spec file; without it there is nothing to compare that route with.
			const comparable = telnyxOperations.filter(
				(model) => spec.api.getOperation(model.id) || spec.grafted.length > 0,
			);
			const skipped = telnyxOperations
				.filter((model) => !comparable.includes(model))
				.map((model) => model.id);
			if (skipped.length)
				t.diagnostic(
					`not in the loaded spec files (the full spec is absent): ${skipped.join(', ')}`,
				);
			const requiresAuth = (id: string) =>
				(spec.api.getOperation(id)?.security ?? spec.api.definition.security ?? []).length > 0;
			const found = comparable.flatMap((model) =>
				differences(model, spec.api.getOperation(model.id), requiresAuth(model.id)),
			);
			assert.deepEqual(found, []);
			assert.ok(comparable.length >= 8);
		});

		test('the comparison is not vacuous: a drifted model is caught', async () => {
			const spec = await loadTelnyxSpec(requiredSpecsDir(TELNYX_SPEC_FILE));
			const send = telnyxOperations.find((op) => op.id === 'SendMessage');
			assert.ok(send?.body);
			const { to: _to, ...withoutTo } = send.body.fields;
			const drifted = {
				...send,
				body: { ...send.body, fields: { ...withoutTo, send_at: { schema: { type: 'string' } } } },
			} as const;
			const found = differences(drifted, spec.api.getOperation('SendMessage'), true).join('\n');
			assert.match(found, /body field to is in the spec, not in the model/);
			assert.match(
				found,
				/body field send_at: the model reads string, the spec says string\(date-time\)\|null/,
			);
		});

		test("bad requests are also named in the spec's words", async () => {
			const fake = await TelnyxFake.start({
				specsDir: requiredSpecsDir(TELNYX_SPEC_FILE),
				now: () => T0,
			});
			try {
				await fetch(`${fake.url}/v2/messages/schedule`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}` },
					body: JSON.stringify({
						from: FROM,
						to: 15557654321,
						text: 'x',
						send_at: 'tomorrow',
						webhook_url: 'not a url',
					}),
				});
				const all = fake.violations.join('\n');
				assert.match(all, /\/requestBody\/to must be string/);
				assert.match(all, /\/requestBody\/send_at must match format "date-time"/);
				assert.match(all, /\/requestBody\/webhook_url must match format "url"/);
			} finally {
				await fake.stop();
			}
		});

		test("the fake's response self-check is not vacuous", async () => {
			const spec = await loadTelnyxSpec(requiredSpecsDir(TELNYX_SPEC_FILE));
			const op = spec.api.router.getOperation('GetMessage');
			assert.ok(op);
			assert.notDeepEqual(
				checkResponse(spec, op, 200, { data: { id: 'x', to: [{ status: 'teleported' }] } }),
				[],
			);
		});
	},
);
