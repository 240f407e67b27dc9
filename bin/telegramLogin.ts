import { parseArgs } from 'node:util';
import {
	AccountSettingError,
	parseServerAddress,
	type ServerAddress,
} from '../nodes/Telegram/transport/account';
import {
	describeIdentity,
	LoginProblem,
	TelegramLogin,
	type SignInOutcome,
} from '../nodes/Telegram/transport/login';
import { parseProxyUrl, type ProxySettings } from '../nodes/Telegram/transport/proxy';
import { renderQr } from './qr';
import type { Terminal } from './terminal';

const ATTEMPTS = 3;

export const LOGIN_USAGE = `Usage: npx n8n-nodes-scheduled-messaging telegram-login [options]

Logs in to Telegram as a user and prints a session string for the n8n credential
"Telegram (MTProto User Account) API". Asks for what is not given.

Options:
  --api-id <id>          api_id from https://my.telegram.org (or TELEGRAM_API_ID)
  --api-hash <hash>      api_hash from https://my.telegram.org (or TELEGRAM_API_HASH)
  --phone <+number>      log in with this phone number
  --qr                   log in by scanning a QR code with a logged-in Telegram app
  --test-servers         use Telegram's test servers
  --server <host:port>   connect to this address instead (advanced)
  --dc <id>              the data center that address serves (default 2)
  --proxy <url>          reach Telegram through a proxy (or TELEGRAM_PROXY):
                         socks5://[user:password@]host:port, or an MTProxy link
                         tg://proxy?server=<host>&port=<port>&secret=<secret>
  -h, --help             show this help`;

function asProblem(error: unknown): LoginProblem {
	if (error instanceof LoginProblem) return error;
	if (error instanceof AccountSettingError) return new LoginProblem(error.message, error.fix);
	return new LoginProblem((error as Error)?.message ?? String(error), 'Run the login again.');
}

/** A problem the person can act on, printed as two lines: what happened, what to do. */
function report(terminal: Terminal, problem: LoginProblem) {
	terminal.say(`Error: ${problem.message}.`);
	terminal.say(`       ${problem.fix}`);
}

async function askApiId(terminal: Terminal, given: string | undefined): Promise<number> {
	let text = given;
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		text ??= await terminal.ask('API ID (from https://my.telegram.org > API development tools): ');
		const id = Number(text);
		if (Number.isInteger(id) && id > 0) return id;
		terminal.say(`Error: "${text}" is not an API ID (a number such as 1234567).`);
		text = undefined;
	}
	throw new LoginProblem(
		'no valid API ID was given',
		'Run the login again with the api_id from https://my.telegram.org.',
	);
}

/** Retries a step while it fails in a way the person can correct by typing again. */
async function withRetries<T>(
	terminal: Terminal,
	retryOn: string[],
	attempt: () => Promise<T>,
): Promise<T> {
	for (let tries = 1; ; tries++) {
		try {
			return await attempt();
		} catch (error) {
			const correctable =
				error instanceof LoginProblem &&
				error.telegramError !== undefined &&
				retryOn.includes(error.telegramError);
			if (!correctable || tries >= ATTEMPTS) throw asProblem(error);
			report(terminal, error);
		}
	}
}

async function loginWithPhone(
	terminal: Terminal,
	login: TelegramLogin,
	givenPhone: string | undefined,
): Promise<SignInOutcome> {
	const sent = await withRetries(terminal, givenPhone ? [] : ['PHONE_NUMBER_INVALID'], async () => {
		const phone =
			givenPhone ??
			(await terminal.ask('Phone number (international format, e.g. +4915123456789): '));
		return await login.sendCode(phone);
	});
	terminal.say(
		sent.via === 'app'
			? 'Telegram sent a login code to your Telegram app.'
			: sent.via === 'sms'
				? 'Telegram sent a login code by SMS.'
				: 'Telegram sent a login code.',
	);
	return await withRetries(
		terminal,
		['PHONE_CODE_INVALID', 'PHONE_CODE_EMPTY'],
		async () => await login.signIn(await terminal.ask('Login code: ')),
	);
}

async function loginWithQr(terminal: Terminal, login: TelegramLogin): Promise<SignInOutcome> {
	terminal.say(
		'On a phone logged in to Telegram: Settings > Devices > Link Desktop Device, then scan:',
	);
	return await login.loginWithQr((link, expiresAt) => {
		terminal.say();
		terminal.say(renderQr(link));
		terminal.say(link);
		terminal.say(`(this code expires at ${expiresAt.toLocaleTimeString()}; a new one follows)`);
	});
}

async function finishWithPassword(
	terminal: Terminal,
	login: TelegramLogin,
	outcome: SignInOutcome,
) {
	if (outcome.kind === 'done') return outcome.identity;
	terminal.say('This account has two-step verification.');
	const question = outcome.hint ? `Password (hint: ${outcome.hint}): ` : 'Password: ';
	return await withRetries(
		terminal,
		['PASSWORD_HASH_INVALID'],
		async () => await login.checkPassword(await terminal.askSecret(question)),
	);
}

function readServer(server: string | undefined, dc: string | undefined): ServerAddress | undefined {
	if (!server) return undefined;
	const dcId = dc === undefined ? undefined : Number(dc);
	return parseServerAddress(server, dcId);
}

function readProxy(
	given: string | undefined,
	server: ServerAddress | undefined,
): ProxySettings | undefined {
	const text = given ?? process.env.TELEGRAM_PROXY;
	if (!text) return undefined;
	const proxy = parseProxyUrl(text);
	if (proxy.kind === 'mtproxy' && server)
		throw new LoginProblem(
			'an MTProxy cannot be combined with --server (the proxy picks the server by data center)',
			'Leave out --server, or use a SOCKS5 proxy.',
		);
	return proxy;
}

/** `telegram-login`: returns the process exit code. */
export async function telegramLogin(terminal: Terminal, argv: string[]): Promise<number> {
	const { values } = parseArgs({
		args: argv,
		options: {
			'api-id': { type: 'string' },
			'api-hash': { type: 'string' },
			phone: { type: 'string' },
			qr: { type: 'boolean', default: false },
			'test-servers': { type: 'boolean', default: false },
			server: { type: 'string' },
			dc: { type: 'string' },
			proxy: { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	if (values.help) {
		terminal.say(LOGIN_USAGE);
		return 0;
	}
	let login: TelegramLogin | undefined;
	try {
		// Options are checked before anything is asked.
		const server = readServer(values.server, values.dc);
		const proxy = readProxy(values.proxy, server);
		const apiId = await askApiId(terminal, values['api-id'] ?? process.env.TELEGRAM_API_ID);
		const apiHash =
			values['api-hash'] ??
			process.env.TELEGRAM_API_HASH ??
			(await terminal.askSecret('API hash: '));
		terminal.say('Connecting to Telegram...');
		login = await TelegramLogin.start({
			apiId,
			apiHash,
			testServers: values['test-servers'] === true,
			server,
			proxy,
		});
		const outcome = values.qr
			? await loginWithQr(terminal, login)
			: await loginWithPhone(terminal, login, values.phone);
		const identity = await finishWithPassword(terminal, login, outcome);
		const session = login.sessionString();
		terminal.say();
		terminal.say(`Logged in as ${describeIdentity(identity)}.`);
		terminal.say(
			'Session string: paste it into the "Session String" field of the n8n credential. Keep it secret: it logs in as you.',
		);
		terminal.say();
		terminal.say(session);
		terminal.say();
		return 0;
	} catch (error) {
		report(terminal, asProblem(error));
		return 1;
	} finally {
		await login?.close();
	}
}
