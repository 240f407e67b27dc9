import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testCredentialByNode } from '../../harness/credentialTest';
import type { TelegramFake } from '../../fakes/telegram/server';
import {
	callsOf,
	credentialData,
	runTelegram,
	scheduleText,
	sendText,
	startFake,
	stopFake,
	useTelegramFake,
} from './setup';

describe('Telegram: retries, flood waits, migrations, dropped connections', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));

	test('Retry On Fail after a mid-batch failure sends nothing twice', async () => {
		let sends = 0;
		// The 2nd send fails once; n8n then re-runs the node for all three items.
		fake.injectError((name) => name === 'messages.SendMessage' && ++sends === 2, {
			code: 400,
			message: 'CHAT_RESTRICTED',
		});
		const result = await runTelegram(fake, {
			parameters: scheduleText({ text: '={{ $json.text }}' }),
			items: [{ text: 'one' }, { text: 'two' }, { text: 'three' }],
			node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.scheduled.map((message) => message.text),
			['one', 'two', 'three'],
		);
		assert.equal(
			callsOf(fake, 'messages.SendMessage'),
			4,
			'item 1 was not sent again on the retry',
		);
		assert.deepEqual(
			result.items.map((item) => item.json.text),
			['one', 'two', 'three'],
		);
		assert.equal(new Set(result.items.map((item) => item.json.messageId)).size, 3);
	});

	test('a send whose answer was lost is not duplicated: the resend has the same random_id and gets the original', async () => {
		fake.dropConnectionNext('messages.SendMessage', 'after-apply');
		const result = await runTelegram(fake, { parameters: scheduleText() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled.length, 1);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 2);
		assert.equal(result.items[0].json.messageId, fake.scheduled[0].id);
		assert.equal(result.items[0].json.scheduled, true);
	});

	test('a send refused as RANDOM_ID_DUPLICATE reports alreadySent with the id of the message sent earlier', async () => {
		const credential = credentialData(fake);
		const sendAt = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
		const first = await runTelegram(fake, {
			parameters: scheduleText({ sendAt }),
			credential,
			executionId: 'dup-a',
		});
		assert.equal(first.error, undefined, first.error?.message);
		// Another process repeating that send (no memory of it here) is refused by Telegram.
		fake.injectError('messages.SendMessage', { code: 400, message: 'RANDOM_ID_DUPLICATE' });
		const repeat = await runTelegram(fake, {
			parameters: scheduleText({ sendAt }),
			credential,
			executionId: 'dup-b',
		});
		assert.equal(repeat.error, undefined, repeat.error?.message);
		assert.equal(fake.scheduled.length, 1);
		assert.equal(repeat.items[0].json.alreadySent, true);
		assert.equal(repeat.items[0].json.messageId, first.items[0].json.messageId);
		assert.deepEqual(repeat.items[0].json.messageIds, [fake.scheduled[0].id]);
		assert.match(String(repeat.items[0].json.note), /not sent again/);
	});

	test('a connection dropped before Telegram acted is simply sent again, once', async () => {
		fake.dropConnectionNext('messages.SendMessage', 'before-apply');
		const result = await runTelegram(fake, { parameters: sendText() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 1);
		assert.equal(result.items[0].json.alreadySent, false);
	});

	test('each execution is a new send (random_id is per execution)', async () => {
		const credential = credentialData(fake);
		await runTelegram(fake, { parameters: sendText(), credential, executionId: 'run-a' });
		await runTelegram(fake, { parameters: sendText(), credential, executionId: 'run-b' });
		assert.equal(fake.messages.length, 2);
		assert.notEqual(fake.messages[0].randomId, fake.messages[1].randomId);
	});

	test('a short FLOOD_WAIT is waited out and the message is sent once', async () => {
		fake.floodWaitNext('messages.SendMessage', 1);
		const result = await runTelegram(fake, { parameters: sendText() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 1);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 2);
	});

	test('a FLOOD_WAIT longer than allowed fails the item with the wait', async () => {
		fake.floodWaitNext('messages.SendMessage', 3600);
		const result = await runTelegram(fake, {
			parameters: sendText({ options: { maxRateLimitWait: 10 } }),
		});
		assert.match(
			result.error?.message ?? '',
			/Telegram: too many requests \(FLOOD_WAIT_3600\): Telegram asks to wait 3600 s before sending the message/,
		);
		assert.match(
			String(result.error?.description),
			/Wait 1 hour .*'Max Rate-Limit Wait' \(now 10 s\)/,
		);
		assert.equal(fake.messages.length, 0);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 1);
	});

	test('FLOOD_WAIT again and again fails saying the attempt cap was hit, not the longest wait allowed', async () => {
		fake.injectError('messages.SendMessage', { code: 420, message: 'FLOOD_WAIT_1' }, 4);
		const result = await runTelegram(fake, {
			parameters: sendText({ options: { maxRateLimitWait: 10 } }),
		});
		const message = result.error?.message ?? '';
		assert.match(message, /FLOOD_WAIT_1/);
		assert.match(message, /attempt cap: 4 rate-limited answers in a row/);
		assert.match(message, /each wait within Max Rate-Limit Wait \(10 s\)/);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 4);
		assert.equal(fake.messages.length, 0);
	});

	test('a FLOOD_WAIT beyond Max Rate-Limit Wait names that limit as the one hit', async () => {
		fake.floodWaitNext('messages.SendMessage', 60);
		const result = await runTelegram(fake, {
			parameters: sendText({ options: { maxRateLimitWait: 10 } }),
		});
		const message = result.error?.message ?? '';
		assert.match(message, /limit hit: Max Rate-Limit Wait \(10 s\)/);
		assert.doesNotMatch(message, /attempt cap/);
		assert.equal(callsOf(fake, 'messages.SendMessage'), 1);
	});

	test('USER_MIGRATE is followed: the login moves to the new DC and the send is repeated there', async () => {
		fake.migrateNext('messages.SendMessage', 4);
		const result = await runTelegram(fake, { parameters: sendText() });
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 1);
		const sends = fake.requests.filter((request) => request.name === 'messages.SendMessage');
		assert.deepEqual(
			sends.map((request) => request.dcId),
			[fake.dcId, 4],
		);
		assert.equal(sends[1].userId, fake.me.id, 'the new DC key is logged in as the same account');
		assert.equal(callsOf(fake, 'auth.ExportAuthorization'), 1);
		assert.equal(callsOf(fake, 'auth.ImportAuthorization'), 1);
	});
});

describe('Telegram: errors say what happened and what to do', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));

	const errors: Array<[string, number, RegExp, RegExp]> = [
		[
			'PEER_ID_INVALID',
			400,
			/this account does not know that chat \(PEER_ID_INVALID\)/,
			/@username/,
		],
		['SCHEDULE_DATE_TOO_LATE', 400, /too far ahead \(SCHEDULE_DATE_TOO_LATE\)/, /within a year/],
		[
			'MULTI_MEDIA_TOO_LONG',
			400,
			/the album has too many items \(MULTI_MEDIA_TOO_LONG\)/,
			/2 to 10 items/,
		],
		[
			'MESSAGE_ID_INVALID',
			400,
			/no such scheduled message in that chat \(MESSAGE_ID_INVALID\)/,
			/Get Many/,
		],
		['SCHEDULE_TOO_MUCH', 400, /most scheduled messages Telegram allows \(100\)/, /Get Many/],
		[
			'AUTH_KEY_UNREGISTERED',
			401,
			/the session is not logged in \(AUTH_KEY_UNREGISTERED\)/,
			/telegram-login/,
		],
		['SESSION_REVOKED', 401, /the session was ended.*\(SESSION_REVOKED\)/, /telegram-login/],
		[
			'USER_DEACTIVATED',
			401,
			/deleted or deactivated \(USER_DEACTIVATED\)/,
			/another Telegram account/,
		],
		[
			'SOMETHING_NEW_AND_ODD',
			400,
			/Telegram answered SOMETHING_NEW_AND_ODD \(code 400\)/,
			/core\.telegram\.org\/api\/errors/,
		],
	];
	for (const [name, code, message, fix] of errors) {
		test(`${name} becomes a NodeApiError that explains it`, async () => {
			fake.injectError('messages.SendMessage', { code, message: name });
			const result = await runTelegram(fake, { parameters: scheduleText() });
			assert.equal(result.error?.name, 'NodeApiError');
			assert.match(result.error?.message ?? '', message);
			assert.match(String(result.error?.description), fix);
			assert.equal(result.error?.httpCode, String(code));
		});
	}

	test('a session that is not logged in fails with the way to log in, and never shows the session', async () => {
		const credential = credentialData(fake, {
			sessionToken: fake.createSession({ authorized: false }),
		});
		const result = await runTelegram(fake, { parameters: sendText(), credential });
		assert.match(result.error?.message ?? '', /AUTH_KEY_UNREGISTERED/);
		assert.equal(JSON.stringify(result.run).includes(String(credential.sessionToken)), false);
	});

	test("with Continue On Fail a Telegram error becomes that item's error and the others go on", async () => {
		let sends = 0;
		fake.injectError((name) => name === 'messages.SendMessage' && ++sends === 1, {
			code: 400,
			message: 'PEER_ID_INVALID',
		});
		const result = await runTelegram(fake, {
			parameters: sendText({ text: '={{ $json.text }}' }),
			items: [{ text: 'one' }, { text: 'two' }],
			node: { continueOnFail: true },
		});
		assert.equal(result.error, undefined);
		assert.match(String(result.items[0].json.error), /PEER_ID_INVALID/);
		assert.equal(result.items[1].json.text, 'two');
		assert.deepEqual(
			result.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }],
		);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['two'],
		);
	});

	test('a wrong server address fails with the address to check', async () => {
		const result = await runTelegram(fake, {
			parameters: sendText(),
			credential: credentialData(fake, { serverAddress: '127.0.0.1:9' }),
		});
		assert.match(result.error?.message ?? '', /could not connect to 127\.0\.0\.1:9/);
	});
});

describe("Telegram: the credential test (the node's credentialTest)", () => {
	let fake: TelegramFake;
	before(async () => {
		fake = await startFake();
	});
	after(async () => await stopFake(fake));

	test('passes with a logged-in session and says who the account is', async () => {
		const result = await testCredentialByNode('telegramMtprotoApi', credentialData(fake));
		assert.deepEqual(result, {
			status: 'OK',
			message: 'Connected as Fake Owner (@me_account, id 5000001)',
		});
	});

	test('fails with a session that is not logged in, a malformed session, a wrong api_id or an unreachable server', async () => {
		const notLoggedIn = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, { sessionToken: fake.createSession({ authorized: false }) }),
		);
		assert.equal(notLoggedIn.status, 'Error');
		assert.match(notLoggedIn.message, /not logged in \(AUTH_KEY_UNREGISTERED\).*telegram-login/);
		const malformed = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, { sessionToken: 'not-a-session' }),
		);
		assert.match(malformed.message, /Session String is not a gramjs session string/);
		const noApiId = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, { apiId: 'abc' }),
		);
		assert.match(noApiId.message, /API ID \("abc"\) is not a number/);
		const unreachable = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, { serverAddress: '127.0.0.1:9' }),
		);
		assert.match(unreachable.message, /could not connect to 127\.0\.0\.1:9/);
	});
});
