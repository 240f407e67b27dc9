import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { distModule } from '../../harness/dist';
import { PACKAGE_ROOT } from '../../harness/engine';
import { redisMissing, startRedis, type RedisServer } from '../../harness/redis';
import type { TelegramFake } from '../../fakes/telegram/server';
import { connectRedis } from '../../../shared/redis';
import { NodeHost } from '../../harness/nodeHost';
import { Emitted } from '../../harness/triggerEvents';
import { credentialData, distTransport, runTelegram, sendText, startFake, stopFake } from './setup';

const ALICE = 5000002n;

const distAccount = distModule<typeof import('../../../nodes/Telegram/transport/account')>(
	'nodes/Telegram/transport/account',
);

/**
 * n8n's queue mode runs the main instance and each worker as separate processes. Telegram
 * revokes a login used from two connections at once (406 AUTH_KEY_DUPLICATED, modelled by the
 * fake): these tests run the node in two real processes with one session string.
 */

interface Outcome {
	error?: string;
	description?: string;
	items: IDataObject[];
}

/** A process running the node once and then staying up with its connection pooled. */
function nodeProcess(
	credential: ICredentialDataDecryptedObject,
	texts: string[],
	env: NodeJS.ProcessEnv = {},
) {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', resolve(__dirname, 'fixtures/sendTextsThenWait.ts')],
		{
			cwd: PACKAGE_ROOT,
			env: {
				...process.env,
				...env,
				TELEGRAM_TEST_CREDENTIAL: JSON.stringify(credential),
				TEXTS: JSON.stringify(texts),
			},
			stdio: ['pipe', 'pipe', 'inherit'],
		},
	);
	let output = '';
	const outcome = new Promise<Outcome>((resolveOutcome, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('\n')) resolveOutcome(JSON.parse(output.split('\n')[0]) as Outcome);
		});
		child.on('exit', (code) => reject(new Error(`exited ${code} before reporting: ${output}`)));
	});
	return {
		outcome,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = once(child, 'exit');
			child.stdin.end();
			await exited;
		},
	};
}

describe('Telegram in queue mode: one session in two processes', () => {
	let fake: TelegramFake;
	before(async () => (fake = await startFake()));
	after(async () => await stopFake(fake));

	test('without queue mode settings, a second process connecting while the first is connected gets AUTH_KEY_DUPLICATED, and the session is revoked', async () => {
		const credential = credentialData(fake);
		const first = nodeProcess(credential, ['from the first']);
		try {
			assert.equal((await first.outcome).error, undefined);
			const second = nodeProcess(credential, ['from the second']);
			try {
				const refused = await second.outcome;
				assert.match(refused.error ?? '', /AUTH_KEY_DUPLICATED/);
				assert.match(refused.description ?? '', /queue mode/);
			} finally {
				await second.stop();
			}
		} finally {
			await first.stop();
		}
		assert.equal(fake.sessionInfo(String(credential.sessionToken))?.duplicated, true);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['from the first'],
		);
	});

	describe('with EXECUTIONS_MODE=queue and its Redis', { skip: redisMissing() ?? false }, () => {
		let redis: RedisServer;
		before(async () => (redis = await startRedis()));
		after(async () => await redis?.stop());

		const queueEnv = () => {
			const url = new URL(redis.url);
			return {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: url.hostname,
				QUEUE_BULL_REDIS_PORT: url.port,
			};
		};

		test('two processes take turns on the session: the idle one hands it over, both send, and the session stays valid', async () => {
			fake.reset();
			const credential = credentialData(fake);
			const first = nodeProcess(credential, ['first 1', 'first 2'], queueEnv());
			try {
				assert.equal((await first.outcome).error, undefined);
				// The first keeps its connection pooled (idle); the second waits for the lease.
				const second = nodeProcess(credential, ['second 1', 'second 2'], queueEnv());
				try {
					const sent = await second.outcome;
					assert.equal(sent.error, undefined, sent.error);
					assert.equal(sent.items.length, 2);
				} finally {
					await second.stop();
				}
			} finally {
				await first.stop();
			}
			assert.equal(fake.sessionInfo(String(credential.sessionToken))?.duplicated, undefined);
			assert.deepEqual(
				fake.messages.map((message) => message.text),
				['first 1', 'first 2', 'second 1', 'second 2'],
			);
		});

		test('a process that cannot get the session within 60 s (another keeps it busy, as an active trigger does) fails with an error naming the cause and the set-up, and never connects', async () => {
			fake.reset();
			const credential = credentialData(fake);
			// Another process holds the session's lease and never lets go.
			const { accountKey, readAccount } = distAccount;
			const key = `telegram-connection:bull:${accountKey(readAccount(credential))}`;
			const holder = await connectRedis(redis.url);
			try {
				await holder.set(key, 'other-host/4242/x', 'PX', 600_000);
				const waiting = nodeProcess(credential, ['never sent'], queueEnv());
				const refused = await waiting.outcome.finally(() => waiting.stop());
				assert.match(
					refused.error ?? '',
					/connected in another n8n process \(other-host, pid 4242\)/,
				);
				assert.match(refused.description ?? '', /Telegram Trigger its own credential/);
			} finally {
				holder.disconnect();
			}
			assert.equal(fake.messages.length, 0);
			assert.equal(fake.requests.length, 0, 'nothing reached Telegram');
		});

		test("a trigger keeps its connection while a worker waits, and a send in the trigger's own process shares it", async () => {
			fake.reset();
			const credential = credentialData(fake);
			const saved = { ...process.env };
			Object.assign(process.env, queueEnv());
			const waiter = await connectRedis(redis.url);
			let stopTrigger: (() => Promise<void>) | undefined;
			try {
				const emitted = new Emitted();
				const host = await NodeHost.create({
					type: 'telegramTrigger',
					parameters: { events: ['message'] },
					credentials: { telegramMtprotoApi: credential },
				});
				stopTrigger = (await host.startTrigger(emitted)).closeFunction;
				while (!fake.requests.some((request) => request.name === 'updates.GetState'))
					await new Promise((resolveWait) => setTimeout(resolveWait, 10));
				// A worker waits for the session for a few lease ticks.
				const key = `telegram-connection:bull:${distAccount.accountKey(distAccount.readAccount(credential))}`;
				const holder = await waiter.get(key);
				assert.ok(holder, 'the trigger holds the lease');
				for (let tick = 0; tick < 6; tick++) {
					await waiter.set(`${key}:wanted`, 'worker', 'PX', 3_000);
					await new Promise((resolveWait) => setTimeout(resolveWait, 500));
				}
				assert.equal(await waiter.get(key), holder, 'the trigger kept the lease');
				const sent = await runTelegram(fake, { parameters: sendText(), credential });
				assert.equal(sent.error, undefined, sent.error?.message);
				fake.receiveMessage(ALICE, 'still listening');
				assert.equal((await emitted.nextOf('message')).text, 'still listening');
				// Two connections at once would have revoked the session (the fake's rule).
				assert.equal(fake.sessionInfo(String(credential.sessionToken))?.duplicated, undefined);
			} finally {
				await stopTrigger?.();
				await distTransport.pool.closeAllTelegramClients();
				waiter.disconnect();
				for (const name of Object.keys(queueEnv())) delete process.env[name];
				Object.assign(process.env, saved);
			}
		});
	});
});
