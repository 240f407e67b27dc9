import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testCredentialByNode } from '../../harness/credentialTest';
import { ZULIP_SERVERS, type ZulipFake } from '../../fakes/zulip/server';
import { credentialsFor, useZulipFake } from './setup';

const testZulip = async (fake: ZulipFake, overrides = {}) =>
	await testCredentialByNode(
		'zulipScheduledApi',
		credentialsFor(fake, overrides).zulipScheduledApi,
	);

describe('Zulip: the credential test', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), { learnServer: false });

	test('passes with the right key and reports who it is and the Zulip version', async () => {
		assert.deepEqual(await testZulip(fake), {
			status: 'OK',
			message: `Connected as Scheduler Bot (${fake.email}) to Zulip 9.0 (feature level 275)`,
		});
		assert.deepEqual(fake.violations, []);
	});

	test('fails with a wrong key (never showing it), a bad URL, or an unreachable server', async () => {
		const secret = 'wrong-secret-key';
		const wrong = await testZulip(fake, { apiKey: secret });
		assert.equal(wrong.status, 'Error');
		assert.match(wrong.message, /refused the email and API key \(Invalid API key\)/);
		assert.equal(wrong.message.includes(secret), false);
		const badUrl = await testZulip(fake, { url: 'yourorg.zulipchat.com' });
		assert.match(
			badUrl.message,
			/Server URL \("yourorg.zulipchat.com"\) is not an http\(s\) address/,
		);
		const unreachable = await testZulip(fake, { url: 'http://127.0.0.1:9' });
		assert.match(unreachable.message, /Could not reach http:\/\/127\.0\.0\.1:9/);
	});
});

describe('Zulip: the credential test on a server without scheduled messages', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), { ...ZULIP_SERVERS['6.x'], learnServer: false });

	test('fails, saying the version the server runs and the one scheduled messages need', async () => {
		const result = await testZulip(fake);
		assert.equal(result.status, 'Error');
		assert.match(
			result.message,
			/^Connected as Scheduler Bot .*, but the server runs Zulip 7\.0-dev-170 \(feature level 170\): scheduled messages need Zulip 7\.0 or newer \(feature level 179\)\. Message > Send works\.$/,
		);
	});
});
