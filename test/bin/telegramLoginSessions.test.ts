import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { testCredentialByNode } from '../harness/credentialTest';
import { DEFAULT_LOGIN_CODE, type TelegramFake } from '../fakes/telegram/server';
import { credentialData, startFake, stopFake } from '../nodes/Telegram/setup';
import { printedSession, QR_LINK, startLoginCli } from './loginCli';
import type { TerminalSession } from './terminalSession';

/** Calls that end sessions of an account; a login must make none of them. */
const ENDING_CALLS = ['auth.ResetAuthorizations', 'account.ResetAuthorization', 'auth.LogOut'];

describe('telegram-login leaves the other sessions of the account logged in', () => {
	let fake: TelegramFake;
	const terminals: TerminalSession[] = [];
	before(async () => {
		fake = await startFake();
	});
	after(async () => {
		for (const terminal of terminals) terminal.kill();
		await stopFake(fake);
	});
	beforeEach(() => fake.reset());

	function run(dcId: number, extra: string[]) {
		const terminal = startLoginCli(fake, dcId, extra);
		terminals.push(terminal);
		return terminal;
	}

	/** The sessions the account had before, each still logged in and usable afterwards. */
	async function assertStillLoggedIn(others: string[], before: Array<{ hash: bigint }>) {
		const now = fake.authorizationsOf().map((a) => a.hash);
		for (const { hash } of before) assert.ok(now.includes(hash), `authorization ${hash} ended`);
		assert.equal(now.length, before.length + 1, 'one new authorization: the login');
		assert.deepEqual(
			fake.requests.filter((r) => ENDING_CALLS.includes(r.name)).map((r) => r.name),
			[],
		);
		for (const other of others) {
			assert.equal(fake.sessionInfo(other)?.userId, fake.me.id);
			// (credentialData makes a session of its own too; the counts above are done by now)
			const check = await testCredentialByNode(
				'telegramMtprotoApi',
				credentialData(fake, { sessionToken: other }),
			);
			assert.equal(check.status, 'OK', check.message);
		}
	}

	test('a phone login', async () => {
		const others = [fake.createSession(), fake.createSession()];
		const before = fake.authorizationsOf();
		const terminal = run(fake.dcId, ['--phone', '+15550000000']);
		await terminal.answer(/Login code: $/, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.equal(fake.sessionInfo(printedSession(terminal))?.userId, fake.me.id);
		await assertStillLoggedIn(others, before);
	});

	test('a QR login moved to the data center of the account, with two-step verification', async () => {
		fake.setPassword('pw');
		const others = [fake.createSession()];
		const before = fake.authorizationsOf();
		const terminal = run(4, ['--qr']);
		const [, token] = await terminal.waitFor(QR_LINK);
		fake.acceptLoginToken(token);
		await terminal.answer(/Password: $/, 'pw');
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.deepEqual(fake.sessionInfo(printedSession(terminal)), {
			dcId: fake.dcId,
			userId: fake.me.id,
		});
		await assertStillLoggedIn(others, before);
	});
});
