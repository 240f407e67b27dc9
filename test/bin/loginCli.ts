import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../harness/engine';
import { TRUST_FAKE_RSA_PRELOAD, type TelegramFake } from '../fakes/telegram/server';
import { TerminalSession } from './terminalSession';

const CLI = resolve(PACKAGE_ROOT, 'dist/bin/cli.js');
export const SESSION_LINE = /^1[A-Za-z0-9+/=]{300,}$/m;
export const QR_LINK = /tg:\/\/login\?token=([A-Za-z0-9_-]+)/;

/**
 * `telegram-login` (built, from dist/) in a terminal, starting on the fake's data center
 * `dcId`'s own address, trusting the fake's RSA key; API ID and hash given, `extra` added.
 */
export function startLoginCli(
	fake: TelegramFake,
	dcId: number,
	extra: string[],
	env: NodeJS.ProcessEnv = {},
): TerminalSession {
	const address = fake.addressOf(dcId);
	const command = [
		process.execPath,
		'--require',
		TRUST_FAKE_RSA_PRELOAD,
		CLI,
		'telegram-login',
		'--api-id',
		String(fake.apiId),
		'--server',
		`${address.host}:${address.port}`,
		'--dc',
		String(dcId),
		...extra,
	];
	return new TerminalSession(
		command,
		{ ...process.env, ...fake.rsaTrustEnv(), TELEGRAM_API_HASH: fake.apiHash, ...env },
		PACKAGE_ROOT,
	);
}

export function printedSession(terminal: TerminalSession): string {
	return (terminal.transcript.match(SESSION_LINE) ?? [''])[0];
}
