#!/usr/bin/env node
import { LOGIN_USAGE, telegramLogin } from './telegramLogin';
import { Terminal } from './terminal';

const USAGE = `Usage: npx n8n-nodes-scheduled-messaging <command>

Commands:
  telegram-login   log in to Telegram and print a session string for the n8n credential

${LOGIN_USAGE}`;

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	const terminal = new Terminal();
	try {
		if (command === 'telegram-login') return await telegramLogin(terminal, rest);
		terminal.say(USAGE);
		return command === undefined || command === 'help' || command === '--help' || command === '-h'
			? 0
			: 2;
	} finally {
		terminal.close();
	}
}

void main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		process.stderr.write(`Error: ${(error as Error)?.message ?? String(error)}\n`);
		process.exitCode = 1;
	},
);
