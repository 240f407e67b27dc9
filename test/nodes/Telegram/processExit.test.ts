import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PACKAGE_ROOT } from '../../harness/engine';
import type { TelegramFake } from '../../fakes/telegram/server';
import { credentialData, startFake, stopFake } from './setup';

describe('Telegram: after a run the process is free to exit', () => {
	let fake: TelegramFake;
	before(async () => {
		fake = await startFake();
	});
	after(async () => await stopFake(fake));

	test('a process that ran one workflow ends by itself (no socket or timer left behind)', async () => {
		const child = spawn(
			process.execPath,
			['--import', 'tsx', resolve(__dirname, 'fixtures/runOneWorkflow.ts')],
			{
				cwd: PACKAGE_ROOT,
				env: { ...process.env, TELEGRAM_TEST_CREDENTIAL: JSON.stringify(credentialData(fake)) },
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exitCode = await new Promise<number | null>((done) =>
			child.on('exit', (code) => done(code)),
		);
		assert.doesNotMatch(output, /LEAKED/);
		assert.equal(exitCode, 0, output);
		const reported = JSON.parse(output.trim().split('\n')[0]) as {
			error?: string;
			items: Array<{ text?: string }>;
		};
		assert.equal(reported.error, undefined);
		assert.equal(reported.items[0].text, 'from a child process');
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['from a child process'],
		);
	});
});
