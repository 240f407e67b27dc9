import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Api } from 'telegram';
import { testCredentialByNode } from '../harness/credentialTest';
import type { TelegramFake } from '../fakes/telegram/server';
import { credentialData, startFake, stopFake } from '../nodes/Telegram/setup';
import { printedSession, QR_LINK, SESSION_LINE, startLoginCli } from './loginCli';
import type { TerminalSession } from './terminalSession';

const PASSWORD_PROMPT = /Password \(hint: [^)]*\): $|Password: $/;
// gramjs starts a login on data center 4 (its DEFAULT_DC_ID), as the CLI does without --server.
const FIRST_DC = 4;

describe('telegram-login --qr, across data centers', () => {
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

	function qrLogin() {
		const session = startLoginCli(fake, FIRST_DC, ['--qr']);
		sessions.push(session);
		return session;
	}

	/** The phone app scans the code the CLI shows. */
	async function scan(terminal: TerminalSession, userId = fake.me.id) {
		const [, token] = await terminal.waitFor(QR_LINK);
		fake.acceptLoginToken(token, userId);
	}

	test('an account on DC 2: the login follows auth.loginTokenMigrateTo and imports the token there', async () => {
		fake.me.dcId = 2;
		const terminal = qrLogin();
		await scan(terminal);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.match(terminal.transcript, /Logged in as Fake Owner \(@me_account, id 5000001\)\./);
		const session = printedSession(terminal);
		assert.deepEqual(fake.sessionInfo(session), { dcId: 2, userId: fake.me.id });
		const imports = fake.requests.filter((r) => r.name === 'auth.ImportLoginToken');
		assert.deepEqual(
			imports.map((r) => r.dcId),
			[2],
			'imported once, with a key made on DC 2',
		);
		const check = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, { sessionToken: session, dcId: 2 }),
		);
		assert.equal(check.status, 'OK', check.message);
	});

	test('an account on DC 4, where the login starts: no move', async () => {
		fake.me.dcId = FIRST_DC;
		const terminal = qrLogin();
		await scan(terminal);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		const session = printedSession(terminal);
		assert.deepEqual(fake.sessionInfo(session), { dcId: FIRST_DC, userId: fake.me.id });
		assert.equal(fake.requests.filter((r) => r.name === 'auth.ImportLoginToken').length, 0);
		const address = fake.addressOf(FIRST_DC);
		const check = await testCredentialByNode(
			'telegramMtprotoApi',
			credentialData(fake, {
				sessionToken: session,
				serverAddress: `${address.host}:${address.port}`,
				dcId: FIRST_DC,
			}),
		);
		assert.equal(check.status, 'OK', check.message);
	});

	test('two-step verification after the move: the password is checked on DC 2', async () => {
		fake.me.dcId = 2;
		fake.setPassword('correct horse battery');
		const terminal = qrLogin();
		await scan(terminal);
		await terminal.waitFor(/This account has two-step verification\./);
		await terminal.answer(PASSWORD_PROMPT, 'correct horse battery');
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.equal(terminal.transcript.includes('horse'), false, 'the password is not echoed');
		assert.deepEqual(fake.sessionInfo(printedSession(terminal)), {
			dcId: 2,
			userId: fake.me.id,
		});
		const checks = fake.requests.filter((r) => r.name === 'auth.CheckPassword');
		assert.deepEqual(
			checks.map((r) => r.dcId),
			[2],
		);
	});

	test('redirects are followed at most 3 times, then the login stops with what happened', async () => {
		fake.me.dcId = 2;
		const next: Record<number, number> = { 2: 3, 3: 5, 5: 1, 1: 2 };
		fake.answerNext(
			'auth.ImportLoginToken',
			(request) => {
				const { token } = request as Api.auth.ImportLoginToken;
				const here = fake.requests.filter((r) => r.name === 'auth.ImportLoginToken').at(-1)?.dcId;
				return new Api.auth.LoginTokenMigrateTo({ dcId: next[here ?? 2], token });
			},
			10,
		);
		const terminal = qrLogin();
		await scan(terminal);
		assert.equal(await terminal.exited, 1, terminal.transcript);
		assert.match(
			terminal.transcript,
			/Error: Telegram moved the QR login more than 3 times \(data center 4 → 2 → 3 → 5 → 1\)\./,
		);
		assert.equal(fake.requests.filter((r) => r.name === 'auth.ImportLoginToken').length, 3);
		assert.doesNotMatch(terminal.transcript, SESSION_LINE);
	});
});
