import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { PACKAGE_ROOT } from '../harness/engine';
import { testCredentialByNode } from '../harness/credentialTest';
import {
	DEFAULT_LOGIN_CODE,
	TRUST_FAKE_RSA_PRELOAD,
	type TelegramFake,
} from '../fakes/telegram/server';
import { credentialData, startFake, stopFake } from '../nodes/Telegram/setup';
import { TerminalSession } from './terminalSession';

const CLI = resolve(PACKAGE_ROOT, 'dist/bin/cli.js');
const ME_PHONE = '+1 555 000 0000';
const PHONE_PROMPT = /Phone number \(international format[^)]*\): $/;
const CODE_PROMPT = /Login code: $/;
const PASSWORD_PROMPT = /Password \(hint: [^)]*\): $|Password: $/;
const SESSION_LINE = /^1[A-Za-z0-9+/=]{300,}$/m;

describe('telegram-login, typed at in a terminal', () => {
	let fake: TelegramFake;
	const sessions: TerminalSession[] = [];
	before(async () => {
		fake = await startFake();
	});
	after(async () => {
		for (const session of sessions) session.kill();
		await stopFake(fake);
	});
	beforeEach(() => fake.reset());

	function login(
		extra: string[] = ['--api-id', String(12345)],
		env: NodeJS.ProcessEnv = { TELEGRAM_API_HASH: 'fakehash0123456789abcdef01234567' },
	) {
		const command = [
			process.execPath,
			'--require',
			TRUST_FAKE_RSA_PRELOAD,
			CLI,
			'telegram-login',
			'--server',
			`${fake.host}:${fake.port}`,
			'--dc',
			String(fake.dcId),
			...extra,
		];
		const session = new TerminalSession(
			command,
			{ ...process.env, ...fake.rsaTrustEnv(), ...env },
			PACKAGE_ROOT,
		);
		sessions.push(session);
		return session;
	}

	test('phone and the right code print a session string that the credential test accepts', async () => {
		const terminal = login([], {});
		await terminal.answer(
			/API ID \(from https:\/\/my\.telegram\.org[^)]*\): $/,
			String(fake.apiId),
		);
		await terminal.answer(/API hash: $/, fake.apiHash);
		await terminal.answer(PHONE_PROMPT, ME_PHONE);
		await terminal.waitFor(/Telegram sent a login code to your Telegram app\./);
		await terminal.answer(CODE_PROMPT, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.match(terminal.transcript, /Logged in as Fake Owner \(@me_account, id 5000001\)\./);
		assert.equal(terminal.transcript.includes(fake.apiHash), false, 'the API hash was not echoed');
		const session = (terminal.transcript.match(SESSION_LINE) ?? [''])[0];
		assert.equal(fake.sessionInfo(session)?.userId, fake.me.id);
		const check = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, { sessionToken: session }),
		);
		assert.deepEqual(check, {
			status: 'OK',
			message: 'Connected as Fake Owner (@me_account, id 5000001)',
		});
	});

	test('a wrong code says so and asks again', async () => {
		const terminal = login();
		await terminal.answer(PHONE_PROMPT, ME_PHONE);
		await terminal.answer(CODE_PROMPT, '99999');
		await terminal.waitFor(
			/Error: the login code is wrong \(PHONE_CODE_INVALID\)\.\n\s+Type the code Telegram sent again\./,
		);
		await terminal.answer(CODE_PROMPT, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.match(terminal.transcript, SESSION_LINE);
	});

	test('an expired code ends the login with what to do', async () => {
		fake.injectError('auth.SignIn', { code: 400, message: 'PHONE_CODE_EXPIRED' });
		const terminal = login(['--api-id', String(fake.apiId), '--phone', ME_PHONE]);
		await terminal.answer(CODE_PROMPT, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 1);
		assert.match(
			terminal.transcript,
			/Error: the login code expired \(PHONE_CODE_EXPIRED\)\.\n\s+Start the login again to get a new code\./,
		);
		assert.doesNotMatch(terminal.transcript, SESSION_LINE);
	});

	test('two-step verification: a wrong password says so, the right one logs in, neither is shown', async () => {
		fake.setPassword('correct horse battery');
		const terminal = login();
		await terminal.answer(PHONE_PROMPT, ME_PHONE);
		await terminal.answer(CODE_PROMPT, DEFAULT_LOGIN_CODE);
		await terminal.waitFor(/This account has two-step verification\./);
		await terminal.answer(PASSWORD_PROMPT, 'wrong horse');
		await terminal.waitFor(
			/Error: the two-step verification password is wrong \(PASSWORD_HASH_INVALID\)\./,
		);
		await terminal.answer(PASSWORD_PROMPT, 'correct horse battery');
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.match(terminal.transcript, /Logged in as Fake Owner/);
		assert.equal(terminal.transcript.includes('horse'), false, 'passwords are not echoed');
		const session = (terminal.transcript.match(SESSION_LINE) ?? [''])[0];
		assert.equal(fake.sessionInfo(session)?.userId, fake.me.id);
	});

	test('a flood wait ends the login with how long to wait', async () => {
		fake.floodWaitNext('auth.SendCode', 3600);
		const terminal = login();
		await terminal.answer(PHONE_PROMPT, ME_PHONE);
		assert.equal(await terminal.exited, 1);
		assert.match(
			terminal.transcript,
			/Error: Telegram asks to wait 3600 s before trying again \(FLOOD_WAIT_3600\)\./,
		);
	});

	test('a phone number Telegram refuses is asked again', async () => {
		const terminal = login();
		await terminal.answer(PHONE_PROMPT, '+1 999 999 9999');
		await terminal.waitFor(/Error: the phone number is not valid \(PHONE_NUMBER_INVALID\)\./);
		await terminal.answer(PHONE_PROMPT, ME_PHONE);
		await terminal.answer(CODE_PROMPT, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 0, terminal.transcript);
	});

	test('PHONE_MIGRATE is followed: the login and its session move to the other data center', async () => {
		fake.migrateNext('auth.SendCode', 4);
		const terminal = login();
		await terminal.answer(PHONE_PROMPT, ME_PHONE);
		await terminal.answer(CODE_PROMPT, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		const session = (terminal.transcript.match(SESSION_LINE) ?? [''])[0];
		// Once seen undefined in a CI run (not reproduced in 4 reruns): the transcript says what was printed.
		assert.deepEqual(
			fake.sessionInfo(session),
			{ dcId: 4, userId: fake.me.id },
			`session ${session.length > 0 ? 'found' : 'not found'} in: ${terminal.transcript}`,
		);
	});
});
