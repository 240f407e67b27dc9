// The HTTP nodes in n8n's queue mode: a real main, two real workers, Postgres and Redis
// (test/e2e/queueMode.ts). Webhook-started executions are spread over both workers, each message
// reaches the fakes exactly once; then a worker dies (SIGKILL) mid-run, and what n8n 2.41 does with
// its execution is checked: the job is not run again (n8n sets Bull's maxStalledCount to 0), the
// execution fails with n8n's "failed to be processed too many times" error, nothing is sent twice,
// and the next executions run on the surviving worker.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TelnyxFake } from '../fakes/telnyx/server';
import { ZulipFake } from '../fakes/zulip/server';
import { activateWorkflow, importJson, postToWebhook } from './n8nCli';
import { httpFakeCredentials, sendingWorkflow } from './workflows/sending';
import {
	executionDataText,
	executionsOf,
	prepareQueueMode,
	queueModeMissing,
	type QueueCluster,
	type QueueSetup,
	type Worker,
} from './queueMode';

/** Messages per provider in the spread test, over EXECUTIONS webhook calls. */
const MESSAGES = Number(process.env.QUEUE_E2E_MESSAGES ?? 2000);
const EXECUTIONS = 4;

/** How many times each text was received; ids the fakes never saw are absent. */
function counts(texts: string[]): Map<string, number> {
	const seen = new Map<string, number>();
	for (const text of texts) seen.set(text, (seen.get(text) ?? 0) + 1);
	return seen;
}

const ids = (prefix: string, count: number) =>
	Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

const reason = queueModeMissing();

describe('queue mode: main + 2 workers, Postgres, Redis (HTTP nodes)', { skip: reason }, () => {
	let zulip: ZulipFake;
	let telnyx: TelnyxFake;
	let setup: QueueSetup;
	let cluster: QueueCluster;
	const zulipTexts = () => zulip.sent.map((message) => message.content);
	const telnyxTexts = () => [...telnyx.messages.values()].map((message) => message.text);

	before(async () => {
		// The model layer only: the spec layer's checks would put the fakes' CPU into n8n's time.
		zulip = await ZulipFake.start({ specsDir: false });
		telnyx = await TelnyxFake.start({ specsDir: false });
		// A short job lock (10 s, n8n's default is 60 s), so a dead worker's job is failed sooner.
		const started = Date.now();
		const took = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
		setup = await prepareQueueMode({ workers: 2, concurrency: 5, lockDurationMs: 10_000 });
		console.log(`queue mode: Postgres, Redis and the pack ready after ${took()}`);
		await importJson(setup.install, 'credentials', httpFakeCredentials(zulip, telnyx));
		await importJson(setup.install, 'workflow', [
			sendingWorkflow('queueBoth', 'queue-mode/both', ['zulip', 'telnyx']),
			sendingWorkflow('queueTelnyx', 'queue-mode/telnyx', ['telnyx']),
		]);
		await Promise.all([
			activateWorkflow(setup.install, 'queueBoth'),
			activateWorkflow(setup.install, 'queueTelnyx'),
		]);
		console.log(`queue mode: imported and published after ${took()}`);
		cluster = await setup.start();
		console.log(`queue mode: main and workers ready after ${took()}`);
	});
	after(async () => {
		await setup?.stop();
		await zulip?.stop();
		await telnyx?.stop();
	});

	async function post(path: string, body: unknown): Promise<void> {
		const response = await postToWebhook(cluster.main.baseUrl, path, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		assert.equal(response.status, 200, await response.clone().text());
	}

	/** Waits until `workflowId` has `count` executions, none of them new or running. */
	async function settled(workflowId: string, count: number) {
		const guard = Date.now() + 15 * 60_000; // only against a hang, not a time limit
		for (;;) {
			const executions = await executionsOf(setup.postgres, workflowId);
			if (
				executions.length >= count &&
				executions.every((e) => !['new', 'running'].includes(e.status))
			)
				return executions;
			if (Date.now() > guard)
				throw new Error(`executions did not settle: ${JSON.stringify(executions)}`);
			await new Promise((wait) => setTimeout(wait, 500));
		}
	}

	test(`${MESSAGES} Zulip and ${MESSAGES} Telnyx messages over ${EXECUTIONS} executions on both workers: each exactly once`, async () => {
		const perExecution = MESSAGES / EXECUTIONS;
		const batches = Array.from({ length: EXECUTIONS }, (_, index) =>
			ids(`spread${index}`, perExecution),
		);
		const started = Date.now();
		await Promise.all(batches.map((batch) => post('queue-mode/both', { ids: batch })));
		const executions = await settled('queueBoth', EXECUTIONS);
		const seconds = (Date.now() - started) / 1000;
		console.log(
			`queue mode: ${2 * MESSAGES} sends in ${EXECUTIONS} executions took ${seconds.toFixed(1)} s` +
				` (${cluster.workers.map((w) => `${w.name}: executions ${w.executions().join(',')}`).join('; ')})`,
		);

		assert.deepEqual(
			executions.map((e) => e.status),
			Array(EXECUTIONS).fill('success'),
		);
		const expected = batches.flat();
		for (const [provider, texts] of [
			['Zulip', zulipTexts()],
			['Telnyx', telnyxTexts()],
		] as const) {
			const seen = counts(texts);
			assert.equal(texts.length, MESSAGES, `${provider}: every message once, nothing more`);
			assert.deepEqual(
				expected.filter((id) => seen.get(id) !== 1),
				[],
				`${provider}: messages not received exactly once`,
			);
		}
		const ran = cluster.workers.map((worker) => worker.executions());
		for (const [index, list] of ran.entries())
			assert.ok(list.length > 0, `worker${index + 1} ran none of the executions`);
		assert.deepEqual(
			ran.flat().sort(),
			executions.map((e) => e.id).sort(),
			'each execution ran on exactly one worker, once',
		);
		assert.deepEqual(zulip.violations, []);
		assert.deepEqual(telnyx.violations, []);
	});

	test("a worker killed (SIGKILL) mid-run: its execution fails with n8n's stalled-job error, is not run again, nothing is sent twice; the other worker takes the next executions", async () => {
		const count = 400;
		const before = telnyx.messages.size;
		// Answers take 20 ms, so the run is still sending when the worker dies.
		telnyx.holdAnswers(20);
		const crashIds = ids('crash', count);
		const known = new Set(cluster.workers.flatMap((worker) => worker.executions()));
		await post('queue-mode/telnyx', { ids: crashIds });
		const crashTexts = () => telnyxTexts().filter((text) => text.startsWith('crash-'));
		// The worker that took the execution (a new id in its log), once it has sent a quarter of it.
		const newExecution = (worker: Worker) => worker.executions().find((id) => !known.has(id));
		let victim: Worker | undefined;
		while (!victim || crashTexts().length < count / 4) {
			await new Promise((wait) => setTimeout(wait, 50));
			victim = cluster.workers.find((worker) => newExecution(worker) !== undefined);
		}
		const crashedId = newExecution(victim)!;
		await victim.kill();
		const killedAt = Date.now();
		console.log(`queue mode: killed ${victim.name} at ${new Date(killedAt).toISOString()}`);
		const sentBeforeKill = crashTexts().length;
		const survivor = cluster.workers.find((worker) => worker !== victim)!;

		const [failed] = await settled('queueTelnyx', 1);
		assert.equal(failed.id, crashedId);
		const failedAfter = (Date.now() - killedAt) / 1000;
		assert.equal(failed.status, 'error');
		assert.match(
			await executionDataText(setup.postgres, failed.id),
			/failed to be processed too many times/,
			"n8n's error for a stalled job",
		);
		assert.ok(
			!survivor.executions().includes(failed.id),
			'the surviving worker did not run the stalled execution again',
		);

		// The next executions go to the surviving worker; all of their messages arrive once.
		telnyx.holdAnswers(0);
		const afterIds = ids('after', 200);
		await post('queue-mode/telnyx', { ids: afterIds });
		const executions = await settled('queueTelnyx', 2);
		assert.equal(executions[1].status, 'success');
		assert.ok(survivor.executions().includes(executions[1].id));

		const seen = counts(telnyxTexts());
		assert.deepEqual(
			afterIds.filter((id) => seen.get(id) !== 1),
			[],
			'after the crash: every message exactly once',
		);
		const crashSent = crashTexts();
		assert.equal(new Set(crashSent).size, crashSent.length, 'no message of the crashed run twice');
		assert.ok(crashSent.length >= sentBeforeKill);
		assert.ok(
			crashSent.length < count,
			'the crashed run stopped where the worker died: n8n does not finish it elsewhere',
		);
		assert.equal(telnyx.messages.size, before + crashSent.length + afterIds.length);
		console.log(
			`queue mode: the killed worker had sent ${crashSent.length} of ${count} messages; ` +
				`n8n failed execution ${failed.id} ${failedAfter.toFixed(1)} s after the kill and ran none of it again`,
		);
	});
});
