import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { differences } from '../conformance';
import { requiredSpecsDir, specTestSkip, ZULIP_SPEC_FILE } from '../specs';
import { zulipOperations } from './model';
import { loadZulipSpec, ZulipFake } from './server';
import { newerThanSpec } from './versions';

// A fixed clock: "in the future" is decided against it, not the machine's time.
const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

interface CallOptions {
	form?: Record<string, string | number | boolean | unknown[]>;
	json?: unknown;
	auth?: string | null;
	query?: Record<string, string>;
}

/**
 * The same behaviour twice: on Zulip's model alone (as on a bare clone) and with the OpenAPI layer
 * on top (skipped, saying why, when the spec file is absent and this is not CI).
 */
for (const layers of ['model', 'model + spec'] as const) {
	describe(
		`Zulip fake server (${layers})`,
		{ skip: layers === 'model' ? false : specTestSkip(ZULIP_SPEC_FILE) },
		() => {
			let fake: ZulipFake;

			/** Call the fake like a Zulip client: Basic auth, form body, arrays and numbers JSON-encoded. */
			async function call(method: string, path: string, options: CallOptions = {}) {
				const headers: Record<string, string> = {};
				const auth = options.auth === undefined ? `${fake.email}:${fake.apiKey}` : options.auth;
				if (auth !== null) headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
				let body: string | undefined;
				if (options.form) {
					headers['Content-Type'] = 'application/x-www-form-urlencoded';
					const fields = Object.entries(options.form).map(([k, v]): [string, string] => [
						k,
						typeof v === 'string' ? v : JSON.stringify(v),
					]);
					body = new URLSearchParams(fields).toString();
				} else if (options.json !== undefined) {
					headers['Content-Type'] = 'application/json';
					body = JSON.stringify(options.json);
				}
				const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
				const res = await fetch(`${fake.url}/api/v1${path}${query}`, { method, headers, body });
				return {
					status: res.status,
					headers: res.headers,
					body: (await res.json()) as Record<string, unknown>,
				};
			}

			before(async () => {
				const started = Date.now();
				fake = await ZulipFake.start({
					specsDir: layers === 'model' ? false : requiredSpecsDir(ZULIP_SPEC_FILE),
					now: () => NOW_MS,
				});
				assert.equal(fake.spec !== undefined, layers !== 'model');
				console.log(`# Zulip fake (${layers}) started in ${Date.now() - started} ms`);
			});
			after(async () => {
				await fake?.stop();
			});
			beforeEach(() => fake.reset());

			test('a valid create/list/edit/delete/send round trip keeps state and breaks no spec rule', async () => {
				assert.equal(
					(await call('GET', '/server_settings', { auth: null })).body.zulip_feature_level,
					275,
				);
				const me = await call('GET', '/users/me');
				assert.equal(me.body.email, 'bot@example.com');
				assert.equal(me.body.user_id, 8);
				assert.equal(((await call('GET', '/users')).body.members as unknown[]).length, 4);
				assert.equal(
					((await call('GET', '/users/hamlet@example.com')).body.user as { user_id: number })
						.user_id,
					10,
				);
				assert.equal(
					((await call('GET', '/users/11')).body.user as { email: string }).email,
					'othello@example.com',
				);
				assert.equal(
					(
						(await call('GET', '/streams', { query: { include_public: 'true' } })).body
							.streams as unknown[]
					).length,
					3,
				);
				assert.equal(
					((await call('GET', '/users/me/subscriptions')).body.subscriptions as unknown[]).length,
					3,
				);

				const later = await call('POST', '/scheduled_messages', {
					form: {
						type: 'stream',
						to: 14,
						topic: 'Standup',
						content: 'Hello **team**',
						scheduled_delivery_timestamp: NOW_S + 7200,
					},
				});
				assert.deepEqual(later.body, { result: 'success', msg: '', scheduled_message_id: 1 });
				const sooner = await call('POST', '/scheduled_messages', {
					form: {
						type: 'direct',
						to: [9, 10],
						content: 'Hi both',
						scheduled_delivery_timestamp: NOW_S + 3600,
						read_by_sender: true,
					},
				});
				assert.equal(sooner.body.scheduled_message_id, 2);

				const listed = await call('GET', '/scheduled_messages');
				assert.deepEqual(listed.body.scheduled_messages, [
					{
						scheduled_message_id: 2,
						type: 'private',
						to: [9, 10],
						content: 'Hi both',
						rendered_content: '<p>Hi both</p>',
						scheduled_delivery_timestamp: NOW_S + 3600,
						failed: false,
					},
					{
						scheduled_message_id: 1,
						type: 'stream',
						to: 14,
						topic: 'Standup',
						content: 'Hello **team**',
						rendered_content: '<p>Hello **team**</p>',
						scheduled_delivery_timestamp: NOW_S + 7200,
						failed: false,
					},
				]);

				const edited = await call('PATCH', '/scheduled_messages/1', {
					form: { content: 'Moved', topic: 'Later', scheduled_delivery_timestamp: NOW_S + 9000 },
				});
				assert.deepEqual(edited.body, { result: 'success', msg: '' });
				assert.deepEqual(
					{ ...fake.scheduled.get(1) },
					{
						scheduled_message_id: 1,
						type: 'stream',
						to: 14,
						topic: 'Later',
						content: 'Moved',
						rendered_content: '<p>Moved</p>',
						scheduled_delivery_timestamp: NOW_S + 9000,
						failed: false,
					},
				);
				// Retargeting a channel message to a direct one drops its topic.
				assert.equal(
					(await call('PATCH', '/scheduled_messages/1', { form: { type: 'direct', to: [11] } }))
						.status,
					200,
				);
				assert.deepEqual(
					[fake.scheduled.get(1)?.type, fake.scheduled.get(1)?.to, fake.scheduled.get(1)?.topic],
					['private', [11], undefined],
				);

				assert.deepEqual((await call('DELETE', '/scheduled_messages/2')).body, {
					result: 'success',
					msg: '',
				});
				assert.deepEqual([...fake.scheduled.keys()], [1]);

				const toChannel = await call('POST', '/messages', {
					form: { type: 'stream', to: 'general', topic: 'Now', content: 'Sent now' },
				});
				assert.equal(toChannel.status, 200);
				const direct = await call('POST', '/messages', {
					form: { type: 'direct', to: ['iago@example.com'], content: 'Psst' },
				});
				assert.equal(direct.status, 200);
				assert.notEqual(toChannel.body.id, direct.body.id);
				assert.deepEqual(fake.sent, [
					{
						id: toChannel.body.id,
						type: 'stream',
						to: 'general',
						topic: 'Now',
						content: 'Sent now',
						sender_email: 'bot@example.com',
					},
					{
						id: direct.body.id,
						type: 'direct',
						to: ['iago@example.com'],
						content: 'Psst',
						sender_email: 'bot@example.com',
					},
				]);

				assert.deepEqual(fake.violations, []);
				assert.equal(fake.requests.length, 15);
				const create = fake.requests.find(
					(r) => r.method === 'POST' && r.path === '/api/v1/scheduled_messages',
				);
				assert.deepEqual(create?.body.to, 14, 'JSON-encoded form fields are recorded decoded');
				assert.equal(fake.requests[0].path, '/api/v1/server_settings');
			});

			test("requests Zulip cannot read get Zulip's 400 (first problem, Zulip's codes) and change nothing", async () => {
				const future = NOW_S + 3600;
				const post = (path: string, form: CallOptions['form']) => () =>
					call('POST', path, { form });
				const cases: Array<{
					what: string;
					run: () => Promise<{ status: number; body: Record<string, unknown> }>;
					body: Record<string, unknown>;
					violation: RegExp;
				}> = [
					{
						what: 'missing content',
						run: post('/scheduled_messages', {
							type: 'stream',
							to: 14,
							topic: 't',
							scheduled_delivery_timestamp: future,
						}),
						body: {
							result: 'error',
							msg: "Missing 'content' argument",
							code: 'REQUEST_VARIABLE_MISSING',
							var_name: 'content',
						},
						violation:
							/POST \/api\/v1\/scheduled_messages \(create-scheduled-message\): body\.content is required/,
					},
					{
						what: '`to` not JSON',
						run: post('/scheduled_messages', {
							type: 'direct',
							to: '9,10',
							content: 'x',
							scheduled_delivery_timestamp: future,
						}),
						body: { result: 'error', msg: 'to is not valid JSON', code: 'BAD_REQUEST' },
						violation: /body\.to must be JSON \(an integer or a list of integers\)/,
					},
					{
						what: 'wrong field type',
						run: post('/scheduled_messages', {
							type: 'direct',
							to: [9],
							content: 'x',
							scheduled_delivery_timestamp: '"tomorrow"',
						}),
						body: {
							result: 'error',
							msg: 'scheduled_delivery_timestamp is not an integer',
							code: 'BAD_REQUEST',
						},
						violation: /body\.scheduled_delivery_timestamp must be an integer/,
					},
					{
						what: 'value outside the enum',
						run: post('/messages', { type: 'email', to: [9], content: 'x' }),
						body: { result: 'error', msg: 'Invalid type', code: 'BAD_REQUEST' },
						violation: /body\.type must be one of direct, channel, stream, private/,
					},
					{
						what: 'JSON body instead of a form: Zulip reads no parameters at all',
						run: () =>
							call('POST', '/messages', {
								json: { type: 'stream', to: 14, topic: 't', content: 'x' },
							}),
						body: {
							result: 'error',
							msg: "Missing 'type' argument",
							code: 'REQUEST_VARIABLE_MISSING',
							var_name: 'type',
						},
						violation: /body is not application\/x-www-form-urlencoded/,
					},
					{
						what: 'path parameter not an integer: no route',
						run: () => call('DELETE', '/scheduled_messages/abc'),
						body: { result: 'error', msg: 'Endpoint not found', code: 'BAD_REQUEST' },
						violation: /path\.scheduled_message_id must be an integer/,
					},
					{
						what: 'unknown route',
						run: () => call('GET', '/no/such/endpoint'),
						body: { result: 'error', msg: 'Endpoint not found', code: 'BAD_REQUEST' },
						violation: /GET \/api\/v1\/no\/such\/endpoint: no Zulip route/,
					},
					{
						what: 'a known path with another method',
						run: () => call('GET', '/scheduled_messages/1'),
						body: { result: 'error', msg: 'Method Not Allowed', allowed_methods: 'PATCH,DELETE' },
						violation: /GET \/api\/v1\/scheduled_messages\/1: no Zulip route/,
					},
					{
						what: 'route without the /api/v1 prefix',
						run: async () => {
							const res = await fetch(`${fake.url}/users/me`);
							return { status: res.status, body: (await res.json()) as Record<string, unknown> };
						},
						body: { result: 'error', msg: 'Endpoint not found', code: 'BAD_REQUEST' },
						violation: /GET \/users\/me: no Zulip route/,
					},
				];
				for (const c of cases) {
					fake.reset();
					const { status, body } = await c.run();
					const expectedStatus =
						body.msg === 'Endpoint not found' ? 404 : body.msg === 'Method Not Allowed' ? 405 : 400;
					assert.equal(status, expectedStatus, c.what);
					assert.deepEqual(body, c.body, c.what);
					assert.ok(
						fake.violations.some((v) => c.violation.test(v)),
						`${c.what}: ${fake.violations.join('\n')}`,
					);
					assert.equal(fake.requests.length, 1, c.what);
					assert.equal(fake.scheduled.size + fake.sent.length, 0, c.what);
				}
			});

			test("a channel message without topic: 400 with Zulip's error body, nothing scheduled or sent, no violation", async () => {
				const scheduled = await call('POST', '/scheduled_messages', {
					form: { type: 'channel', to: 14, content: 'x', scheduled_delivery_timestamp: NOW_S + 60 },
				});
				assert.equal(scheduled.status, 400);
				assert.deepEqual(scheduled.body, {
					result: 'error',
					msg: 'Missing topic',
					code: 'BAD_REQUEST',
				});
				const sent = await call('POST', '/messages', {
					form: { type: 'stream', to: 'general', content: 'x' },
				});
				assert.equal(sent.status, 400);
				assert.deepEqual(sent.body, { result: 'error', msg: 'Missing topic', code: 'BAD_REQUEST' });
				assert.equal(fake.scheduled.size + fake.sent.length, 0);
				// The request is well formed: Zulip's rule refused it, so the client is not at fault.
				assert.deepEqual(fake.violations, []);
			});

			test('parameters Zulip does not know are ignored and listed, and are a violation of the client', async () => {
				const res = await call('POST', '/messages', {
					form: { type: 'stream', to: 14, topic: 't', content: 'x', priority: 'high' },
				});
				assert.equal(res.status, 200);
				assert.deepEqual(res.body.ignored_parameters_unsupported, ['priority']);
				assert.equal(fake.sent.length, 1);
				assert.ok(
					fake.violations.some((v) => /body\.priority is not a parameter of this route/.test(v)),
					fake.violations.join('\n'),
				);
				const listed = await call('GET', '/scheduled_messages', { query: { limit: '5' } });
				assert.deepEqual(listed.body.ignored_parameters_unsupported, ['limit']);
				assert.ok(
					fake.violations.some((v) => /query\.limit is not a parameter of this route/.test(v)),
				);
			});

			test('wrong or missing credentials get 401 and change nothing', async () => {
				const form = {
					type: 'stream',
					to: 14,
					topic: 't',
					content: 'x',
					scheduled_delivery_timestamp: NOW_S + 60,
				};
				for (const auth of [
					'bot@example.com:wrong-key',
					'someone@example.com:test-api-key-123',
					null,
				]) {
					const res = await call('POST', '/scheduled_messages', { form, auth });
					assert.equal(res.status, 401, String(auth));
					assert.deepEqual(res.body, {
						result: 'error',
						msg: 'Invalid API key',
						code: 'INVALID_API_KEY',
					});
				}
				assert.equal(fake.requests.length, 3);
				assert.equal(fake.scheduled.size, 0);
				assert.deepEqual(fake.violations, []);
			});

			test('rateLimitNext answers Zulip 429s with headers, then serves again', async () => {
				fake.rateLimitNext(2, 1.5);
				const form = {
					type: 'direct',
					to: [9],
					content: 'x',
					scheduled_delivery_timestamp: NOW_S + 60,
				};
				for (let i = 0; i < 2; i++) {
					const res = await call('POST', '/scheduled_messages', { form });
					assert.equal(res.status, 429);
					assert.equal(res.headers.get('retry-after'), '1.5');
					assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
					assert.equal(res.headers.get('x-ratelimit-reset'), String(Math.ceil(NOW_S + 1.5)));
					assert.deepEqual(res.body, {
						result: 'error',
						msg: 'API usage exceeded rate limit',
						code: 'RATE_LIMIT_HIT',
						'retry-after': 1.5,
					});
				}
				assert.equal(fake.scheduled.size, 0, 'a rate-limited request changes nothing');
				assert.equal((await call('POST', '/scheduled_messages', { form })).status, 200);
				assert.equal(fake.scheduled.size, 1);
				assert.equal(fake.requests.length, 3);
				assert.deepEqual(fake.violations, []);
			});

			test('drop-after-body applies the effect and closes the socket without answering', async () => {
				fake.failNext({ method: 'POST', path: /\/scheduled_messages$/ }, 'drop-after-body');
				const form = {
					type: 'stream',
					to: 15,
					topic: 'News',
					content: 'Big news',
					scheduled_delivery_timestamp: NOW_S + 60,
				};
				await assert.rejects(
					call('POST', '/scheduled_messages', { form }),
					TypeError,
					'fetch fails: no answer',
				);
				assert.deepEqual(
					[...fake.scheduled.values()].map((m) => [m.scheduled_message_id, m.content]),
					[[1, 'Big news']],
				);

				fake.failNext({ method: 'POST', path: /\/messages$/ }, 'drop-after-body');
				await assert.rejects(
					call('POST', '/messages', {
						form: { type: 'stream', to: 14, topic: 't', content: 'once' },
					}),
				);
				assert.equal(fake.sent.length, 1, 'the message really went out');

				// The failure fires once; the retry is served normally.
				assert.equal(
					(await call('POST', '/scheduled_messages', { form })).body.scheduled_message_id,
					2,
				);
				assert.deepEqual(fake.violations, []);
			});

			test('http-500 answers 500 and applies nothing', async () => {
				fake.failNext({ method: 'DELETE', path: /\/scheduled_messages\/\d+$/ }, 'http-500');
				await call('POST', '/scheduled_messages', {
					form: { type: 'direct', to: [9], content: 'x', scheduled_delivery_timestamp: NOW_S + 60 },
				});
				assert.equal((await call('DELETE', '/scheduled_messages/1')).status, 500);
				assert.equal(fake.scheduled.size, 1);
				assert.equal((await call('DELETE', '/scheduled_messages/1')).status, 200);
				assert.equal(fake.scheduled.size, 0);
			});

			test('unknown scheduled message ids get the 404 the spec documents', async () => {
				const expected = {
					result: 'error',
					msg: 'Scheduled message does not exist',
					code: 'BAD_REQUEST',
				};
				const patched = await call('PATCH', '/scheduled_messages/999', { form: { content: 'x' } });
				assert.equal(patched.status, 404);
				assert.deepEqual(patched.body, expected);
				const deleted = await call('DELETE', '/scheduled_messages/999');
				assert.equal(deleted.status, 404);
				assert.deepEqual(deleted.body, expected);
				assert.deepEqual(fake.violations, []);
			});

			test('Zulip rules the schema cannot express', async () => {
				const future = NOW_S + 60;
				const post = (form: CallOptions['form']) => call('POST', '/scheduled_messages', { form });
				assert.deepEqual(
					(
						await post({
							type: 'channel',
							to: 99,
							topic: 't',
							content: 'x',
							scheduled_delivery_timestamp: future,
						})
					).body,
					{
						result: 'error',
						msg: "Channel with ID '99' does not exist",
						code: 'STREAM_DOES_NOT_EXIST',
						stream_id: 99,
					},
				);
				assert.deepEqual(
					(
						await post({
							type: 'direct',
							to: [9, 77],
							content: 'x',
							scheduled_delivery_timestamp: future,
						})
					).body,
					{
						result: 'error',
						msg: 'Invalid user ID 77',
						code: 'BAD_REQUEST',
					},
				);
				const past = await post({
					type: 'direct',
					to: [9],
					content: 'x',
					scheduled_delivery_timestamp: NOW_S,
				});
				assert.equal(past.status, 400);
				assert.equal(past.body.msg, 'Scheduled delivery time must be in the future.');
				assert.equal(
					(
						await post({
							type: 'direct',
							to: [9],
							content: '  ',
							scheduled_delivery_timestamp: future,
						})
					).body.msg,
					'Message must not be empty',
				);
				const noChannel = await call('POST', '/messages', {
					form: { type: 'stream', to: 'nope', topic: 't', content: 'x' },
				});
				assert.deepEqual(noChannel.body, {
					result: 'error',
					msg: "Channel 'nope' does not exist",
					code: 'STREAM_DOES_NOT_EXIST',
					stream: 'nope',
				});
				const noUser = await call('GET', '/users/nobody@example.com');
				assert.deepEqual(
					[noUser.status, noUser.body],
					[400, { result: 'error', msg: 'No such user', code: 'BAD_REQUEST' }],
				);
				assert.equal(fake.scheduled.size + fake.sent.length, 0);
				assert.deepEqual(fake.violations, []);
			});
		},
	);
}

describe(
	"Zulip fake: checked against Zulip's OpenAPI file",
	{ skip: specTestSkip(ZULIP_SPEC_FILE) },
	() => {
		test('the model the fake runs on without the spec agrees with the spec, route by route', async () => {
			const spec = await loadZulipSpec(requiredSpecsDir(ZULIP_SPEC_FILE));
			// Operations newer than the file (reminders) are the model's alone.
			const found = zulipOperations
				.filter((model) => !newerThanSpec(model))
				.flatMap((model) => {
					const operation = spec.operation(model.id);
					return differences(model, operation, operation ? spec.requiresAuth(operation) : true);
				});
			assert.deepEqual(found, []);
		});

		test('the comparison is not vacuous: a drifted model is caught', async () => {
			const spec = await loadZulipSpec(requiredSpecsDir(ZULIP_SPEC_FILE));
			const create = zulipOperations.find((op) => op.id === 'create-scheduled-message');
			assert.ok(create?.body);
			const drifted = {
				...create,
				auth: false,
				body: {
					...create.body,
					fields: {
						...create.body.fields,
						content: { schema: { type: 'integer' } },
						topic_name: { schema: { type: 'string' } },
					},
				},
			} as const;
			const found = differences(drifted, spec.operation('create-scheduled-message'), true).join(
				'\n',
			);
			assert.match(found, /authentication is required/);
			assert.match(found, /body field content: the spec says it is required/);
			assert.match(found, /body field content: the model reads integer, the spec says string/);
			assert.match(found, /body field topic_name is in the model, not in the spec/);
		});

		test("bad requests are also named in the spec's words", async () => {
			const fake = await ZulipFake.start({
				specsDir: requiredSpecsDir(ZULIP_SPEC_FILE),
				now: () => NOW_MS,
			});
			try {
				const auth = `Basic ${Buffer.from(`${fake.email}:${fake.apiKey}`).toString('base64')}`;
				const form = (fields: Record<string, string>) => ({
					method: 'POST',
					headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams(fields).toString(),
				});
				await fetch(
					`${fake.url}/api/v1/scheduled_messages`,
					form({
						type: 'stream',
						to: '14',
						topic: 't',
						scheduled_delivery_timestamp: String(NOW_S + 60),
					}),
				);
				await fetch(
					`${fake.url}/api/v1/scheduled_messages`,
					form({
						type: 'direct',
						to: '9,10',
						content: 'x',
						scheduled_delivery_timestamp: String(NOW_S + 60),
					}),
				);
				await fetch(
					`${fake.url}/api/v1/messages`,
					form({ type: 'stream', to: '14', topic: 't', content: 'x', priority: 'high' }),
				);
				await fetch(`${fake.url}/api/v1/scheduled_messages?limit=5`, {
					headers: { Authorization: auth },
				});
				const all = fake.violations.join('\n');
				assert.match(
					all,
					/\(create-scheduled-message\): .*body must have required property 'content'/,
				);
				assert.match(all, /body\.to must be integer/);
				assert.match(all, /body field 'priority' is not in the spec/);
				assert.match(all, /query must NOT have additional properties \('limit'\)/);
			} finally {
				await fake.stop();
			}
		});

		test("the fake's answers are checked against the spec's response schemas, and that check is not vacuous", async () => {
			const spec = await loadZulipSpec(requiredSpecsDir(ZULIP_SPEC_FILE));
			const list = spec.operation('get-scheduled-messages');
			assert.ok(list);
			assert.notDeepEqual(
				spec.checkResponse(list, 200, {
					result: 'success',
					msg: '',
					scheduled_messages: [{ scheduled_message_id: 'one' }],
				}),
				[],
			);
			assert.deepEqual(
				spec.checkResponse(list, 200, { result: 'success', msg: '', scheduled_messages: [] }),
				[],
			);
		});
	},
);
