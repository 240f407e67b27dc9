/**
 * Proves the Telnyx fake against an independent client (the official `telnyx` SDK) and raw HTTP:
 * correct calls leave no violations, broken ones are caught, and the documented rules hold.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Telnyx from 'telnyx';
import { specsDirOrSkipReason } from '../specs';
import { PROFILE_A_ID, PROFILE_B_ID, TelnyxFake } from './server';
import { checkResponse, loadTelnyxSpec } from './spec';

const specs = specsDirOrSkipReason('telnyx-messaging-subset.yml');
const skip = 'skip' in specs ? specs.skip : false;

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

describe('TelnyxFake', { skip }, () => {
	let fake: TelnyxFake;
	let client: Telnyx;
	const at = (ms: number) => new Date(T0 + ms).toISOString();
	const raw = (path: string, init: RequestInit = {}, auth = true) =>
		fetch(`${fake.url}${path}`, {
			...init,
			headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${fake.apiKey}` } : {}), ...init.headers },
		});

	before(async () => {
		fake = await TelnyxFake.start({ specsDir: 'dir' in specs ? specs.dir : undefined, now: () => T0 });
		client = new Telnyx({ apiKey: fake.apiKey, baseURL: `${fake.url}/v2`, maxRetries: 0 });
	});
	after(() => fake.stop());
	beforeEach(() => fake.reset());

	test('schedule -> retrieve -> cancel with the official SDK: spec-clean and stateful', async () => {
		const scheduled = await client.messages.schedule({ from: FROM, to: TO, text: 'Hello', send_at: at(10 * MINUTE) });
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
		const sent = await client.messages.send({ from: FROM, to: TO, text: 'Now', media_urls: ['https://example.com/a.png'] });
		assert.equal(sent.data?.type, 'MMS');
		assert.equal(sent.data?.to?.[0]?.status, 'queued');
		fake.advance(2000);
		assert.equal(fake.messages.get(sent.data?.id ?? '')?.to[0].status, 'delivered');

		const group = await client.messages.sendGroupMms({ from: FROM, to: ['+15557654321', '+15557654322'], text: 'Hi all' });
		assert.equal(group.data?.to?.length, 2);

		const profiles = [];
		for await (const p of client.messagingProfiles.list({ 'page[size]': 1 })) profiles.push(p.id);
		assert.deepEqual(profiles, [PROFILE_A_ID, PROFILE_B_ID]);

		await client.messagingProfiles.update(PROFILE_B_ID, { webhook_url: 'https://hooks.example.com/b', webhook_failover_url: null });
		assert.equal(fake.profiles.find((p) => p.id === PROFILE_B_ID)?.webhook_url, 'https://hooks.example.com/b');
		const viaProfile = await client.messages.send({ messaging_profile_id: PROFILE_B_ID, to: TO, text: 'pool' });
		assert.equal(viaProfile.data?.from?.phone_number, '+15550003333');
		assert.equal(viaProfile.data?.webhook_url, 'https://hooks.example.com/b');

		const numbers = [];
		for await (const n of client.messagingProfiles.listPhoneNumbers(PROFILE_A_ID)) numbers.push(n.phone_number);
		assert.deepEqual(numbers, ['+15550001111', '+15550002222']);
		const all = [];
		for await (const n of client.phoneNumbers.list()) all.push(n.phone_number);
		assert.equal(all.length, 3);

		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
	});

	test('a body that breaks the spec is a violation and a 400', async () => {
		const res = await raw('/v2/messages/schedule', {
			method: 'POST',
			body: JSON.stringify({ from: FROM, to: 15557654321, text: 'x', send_at: 'tomorrow', webhook_url: 'not a url' }),
		});
		assert.equal(res.status, 400);
		assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0].code, '10015');
		assert.equal(fake.violations.length, 3, fake.violations.join('\n'));
		assert.match(fake.violations.join('\n'), /\/requestBody\/to must be string/);
		assert.match(fake.violations.join('\n'), /\/requestBody\/send_at must match format "date-time"/);
		assert.match(fake.violations.join('\n'), /\/requestBody\/webhook_url must match format "url"/);
		assert.equal(fake.messages.size, 0);
	});

	test('bad JSON, unknown routes and non-UUID ids are violations', async () => {
		assert.equal((await raw('/v2/messages', { method: 'POST', body: '{"to":' })).status, 400);
		assert.equal((await raw('/v2/messages/scheduled', { method: 'POST', body: '{}' })).status, 404);
		assert.equal((await raw('/messages')).status, 404);
		assert.equal((await raw('/v2/messages/12345')).status, 400);
		assert.equal(fake.violations.length, 4, fake.violations.join('\n'));
		const notFound = await failure(client.messages.retrieve('0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b'));
		assert.equal(notFound.status, 404);
		assert.deepEqual(firstError(notFound), { code: '10005', title: 'Resource not found', detail: 'The requested resource or URL could not be found.' });
	});

	test('401 with the Telnyx error shape when the key is missing or wrong', async () => {
		const res = await raw('/v2/messaging_profiles', {}, false);
		assert.equal(res.status, 401);
		const body = (await res.json()) as { errors: { code: string; title: string }[] };
		assert.equal(body.errors[0].code, '10009');
		assert.equal(body.errors[0].title, 'Authentication failed');
		const wrongKey = new Telnyx({ apiKey: 'KEYwrong', baseURL: `${fake.url}/v2`, maxRetries: 0 });
		const err = await failure(wrongKey.messages.send({ from: FROM, to: TO, text: 'x' }));
		assert.ok(err instanceof Telnyx.AuthenticationError);
		assert.equal(fake.messages.size, 0);
	});

	test('rateLimitNext answers 429 with code 10011 and x-ratelimit-reset, then recovers', async () => {
		fake.rateLimitNext(1, 30);
		const err = await failure(client.messages.send({ from: FROM, to: TO, text: 'x' }));
		assert.ok(err instanceof Telnyx.RateLimitError);
		assert.equal(err.headers?.get('x-ratelimit-reset'), '30');
		assert.deepEqual(firstError(err), { code: '10011', title: 'Too many requests', detail: 'You have exceeded the maximum number of allowed requests.' });
		assert.equal(fake.messages.size, 0);
		await client.messages.send({ from: FROM, to: TO, text: 'x' });
		assert.equal(fake.messages.size, 1);
	});

	test('a message that was sent (after advance) or is due within a minute cannot be cancelled', async () => {
		const sent = await client.messages.schedule({ from: FROM, to: TO, text: 'Later', send_at: at(10 * MINUTE) });
		fake.advance(10 * MINUTE + 5000);
		const message = fake.messages.get(sent.data?.id ?? '');
		assert.equal(message?.to[0].status, 'delivered');
		assert.equal(message?.sent_at, at(10 * MINUTE));
		const err = await failure(client.messages.cancelScheduled(sent.data?.id ?? ''));
		assert.ok(err instanceof Telnyx.PermissionDeniedError);
		assert.equal(firstError(err).title, 'Message cannot be cancelled');
		assert.equal(message?.to[0].status, 'delivered');

		const soon = await client.messages.schedule({ from: FROM, to: TO, text: 'Soon', send_at: at(10 * MINUTE + 5 * MINUTE + 30_000) });
		fake.advance(5 * MINUTE); // send_at is now 30 s away: inside the last minute
		assert.equal((await failure(client.messages.cancelScheduled(soon.data?.id ?? ''))).status, 403);
		assert.deepEqual(fake.violations, []);
	});

	test('send_at outside 5 minutes .. 5 days, a missing send_at and business limits are refused', async () => {
		for (const sendAt of [at(4 * MINUTE), at(-MINUTE), at(5 * 24 * 60 * MINUTE + MINUTE)]) {
			const err = await failure(client.messages.schedule({ from: FROM, to: TO, text: 'x', send_at: sendAt }));
			assert.ok(err instanceof Telnyx.UnprocessableEntityError, sendAt);
		}
		await client.messages.schedule({ from: FROM, to: TO, text: 'edge', send_at: at(5 * MINUTE) });
		assert.equal((await failure(client.messages.schedule({ from: FROM, to: TO, text: 'x' }))).status, 422);
		assert.equal((await failure(client.messages.send({ from: '+15559990000', to: TO, text: 'x' }))).status, 422);
		assert.equal((await failure(client.messages.send({ from: FROM, to: '5557654321', text: 'x' }))).status, 422);
		const nine = Array.from({ length: 9 }, (_, i) => `+1555765430${i}`);
		assert.equal((await failure(client.messages.sendGroupMms({ from: FROM, to: nine, text: 'x' }))).status, 422);
		assert.equal(fake.messages.size, 1);
		assert.deepEqual(fake.violations, []);
	});

	test('failNext: http-500 has no effect, drop-after-body applies it and answers nothing', async () => {
		fake.failNext({ method: 'POST', path: /\/messages$/ }, 'http-500');
		assert.ok((await failure(client.messages.send({ from: FROM, to: TO, text: 'x' }))) instanceof Telnyx.InternalServerError);
		assert.equal(fake.messages.size, 0);

		fake.failNext({ method: 'POST', path: /\/messages\/schedule$/ }, 'drop-after-body');
		const dropped = await failure(client.messages.schedule({ from: FROM, to: TO, text: 'x', send_at: at(10 * MINUTE) }));
		assert.ok(dropped instanceof Telnyx.APIConnectionError);
		assert.equal(fake.messages.size, 1, 'the message was stored although the client saw no answer');
	});

	test("the fake's response self-check is not vacuous", async () => {
		const spec = await loadTelnyxSpec('dir' in specs ? specs.dir : '');
		const op = spec.api.router.getOperation('GetMessage');
		assert.ok(op);
		assert.notDeepEqual(checkResponse(spec, op, 200, { data: { id: 'x', to: [{ status: 'teleported' }] } }), []);
	});
});
