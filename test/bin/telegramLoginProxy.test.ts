import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../harness/engine';
import { MtproxyFake } from '../fakes/mtproxy';
import { Socks5ProxyFake } from '../fakes/socks5Proxy';
import {
	DEFAULT_LOGIN_CODE,
	TRUST_FAKE_RSA_PRELOAD,
	type TelegramFake,
} from '../fakes/telegram/server';
import { startFake, stopFake } from '../nodes/Telegram/setup';
import { printedSession, QR_LINK, SESSION_LINE, startLoginCli } from './loginCli';
import { TerminalSession } from './terminalSession';

const SECRET = '00112233445566778899aabbccddeeff';

describe('telegram-login through a proxy (--proxy / TELEGRAM_PROXY)', () => {
	let fake: TelegramFake;
	let socks: Socks5ProxyFake;
	let mtproxy: MtproxyFake;
	const terminals: TerminalSession[] = [];
	before(async () => {
		fake = await startFake();
		socks = await Socks5ProxyFake.start({ username: 'me', password: 'p@ss word' });
		mtproxy = await MtproxyFake.start({ secret: SECRET, upstream: (dc) => fake.addressOf(dc) });
	});
	after(async () => {
		for (const terminal of terminals) terminal.kill();
		await stopFake(fake);
		await socks.stop();
		await mtproxy.stop();
	});
	beforeEach(() => fake.reset());

	const keep = (terminal: TerminalSession) => {
		terminals.push(terminal);
		return terminal;
	};
	const socksUrl = (password: string) =>
		`socks5://me:${encodeURIComponent(password)}@${socks.host}:${socks.port}`;

	test('a phone login through SOCKS5 with a login', async () => {
		const before = socks.tunnels.length;
		const terminal = keep(
			startLoginCli(fake, fake.dcId, ['--phone', '+15550000000', '--proxy', socksUrl('p@ss word')]),
		);
		await terminal.answer(/Login code: $/, DEFAULT_LOGIN_CODE);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.equal(fake.sessionInfo(printedSession(terminal))?.userId, fake.me.id);
		const address = fake.addressOf(fake.dcId);
		const tunnels = socks.tunnels.slice(before);
		assert.ok(tunnels.length >= 1);
		assert.ok(tunnels.every((t) => t.destination === `${address.host}:${address.port}`));
	});

	test('a QR login through an MTProxy link in TELEGRAM_PROXY, moved from DC 4 to DC 2', async () => {
		const before = mtproxy.relays.length;
		// No --server: an MTProxy picks the server by data center (gramjs starts on DC 4).
		const command = [
			process.execPath,
			'--require',
			TRUST_FAKE_RSA_PRELOAD,
			resolve(PACKAGE_ROOT, 'dist/bin/cli.js'),
			'telegram-login',
			'--qr',
			'--api-id',
			String(fake.apiId),
		];
		const link = `tg://proxy?server=${mtproxy.host}&port=${mtproxy.port}&secret=dd${SECRET}`;
		const env = {
			...process.env,
			...fake.rsaTrustEnv(),
			TELEGRAM_API_HASH: fake.apiHash,
			TELEGRAM_PROXY: link,
		};
		const terminal = keep(new TerminalSession(command, env, PACKAGE_ROOT));
		const [, token] = await terminal.waitFor(QR_LINK);
		fake.acceptLoginToken(token);
		assert.equal(await terminal.exited, 0, terminal.transcript);
		assert.deepEqual(fake.sessionInfo(printedSession(terminal)), {
			dcId: 2,
			userId: fake.me.id,
		});
		assert.deepEqual([...new Set(mtproxy.relays.slice(before).map((r) => r.dcId))], [4, 2]);
	});

	test('a wrong SOCKS5 password ends the login naming the proxy', async () => {
		const terminal = keep(
			startLoginCli(fake, fake.dcId, ['--phone', '+15550000000', '--proxy', socksUrl('wrong')]),
		);
		assert.equal(await terminal.exited, 1, terminal.transcript);
		assert.match(
			terminal.transcript,
			/Error: could not connect to .* through the SOCKS5 proxy 127\.0\.0\.1:\d+.*\n\s+Check --proxy/,
		);
		assert.equal(terminal.transcript.includes('wrong'), false, 'the password is not shown');
		assert.doesNotMatch(terminal.transcript, SESSION_LINE);
	});

	test('a --proxy that is not a proxy is refused before anything is asked', async () => {
		for (const [proxy, message] of [
			[
				'http://proxy.example:8080',
				/the proxy \("http:\/\/\.\.\."\) is neither SOCKS5 nor an MTProxy link/,
			],
			['socks5://127.0.0.1:0', /the proxy port \("0"\) is not a port number/],
			[
				'tg://proxy?server=127.0.0.1&port=443&secret=abcd',
				/the MTProxy secret is not an MTProxy secret/,
			],
		] as const) {
			const terminal = keep(startLoginCli(fake, fake.dcId, ['--proxy', proxy]));
			assert.equal(await terminal.exited, 1, terminal.transcript);
			assert.match(terminal.transcript, message);
			assert.doesNotMatch(terminal.transcript, /Phone number|Connecting/);
		}
	});
});
