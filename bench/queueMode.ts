// Queue mode vs one n8n process, on the same machine and fakes: the same webhook-started workflow
// (test/e2e/workflows/sending.ts) sends SENDS messages (half Zulip, half Telnyx) over EXECUTIONS
// webhook calls posted at once, first to one `n8n start` (SQLite, regular mode), then to a main with
// two `n8n worker`s (Postgres, Redis; test/e2e/queueMode.ts). The time is from the first post to
// the last message the fakes received; start-up is not counted. Telnyx's per-run cap is off
// (Max Requests per Second 0), so the engine's throughput shows, not the cap.
import { setTimeout as sleep } from 'node:timers/promises';
import { TelnyxFake } from '../test/fakes/telnyx/server';
import { ZulipFake } from '../test/fakes/zulip/server';
import {
	activateWorkflow,
	importJson,
	postToWebhook,
	prepareN8n,
	startN8n,
	type N8nInstall,
} from '../test/e2e/n8nCli';
import { prepareQueueMode, queueModeMissing } from '../test/e2e/queueMode';
import { httpFakeCredentials, sendingWorkflow } from '../test/e2e/workflows/sending';

export interface QueueBenchSettings {
	/** Messages in all, half Zulip, half Telnyx (10,000). */
	sends: number;
	/** Webhook calls the sends are spread over (20). */
	executions: number;
	/** Each worker's --concurrency (5). */
	concurrency: number;
}

export interface QueueBenchRow {
	setup: string;
	sends: number;
	executions: number;
	seconds: number;
	sendsPerSecond: number;
	/** Executions each worker ran, e.g. "11 + 9". */
	perWorker: string;
}

async function prepareWorkflow(install: N8nInstall, zulip: ZulipFake, telnyx: TelnyxFake) {
	await importJson(install, 'credentials', httpFakeCredentials(zulip, telnyx));
	await importJson(install, 'workflow', [
		sendingWorkflow('queueBench', 'queue-bench/send', ['zulip', 'telnyx'], {
			concurrency: 5,
			maxPerSecond: 0,
		}),
	]);
	await activateWorkflow(install, 'queueBench');
}

/** Posts the batches at once and waits until the fakes hold every message; returns seconds. */
async function sendAll(
	baseUrl: string,
	zulip: ZulipFake,
	telnyx: TelnyxFake,
	settings: QueueBenchSettings,
	label: string,
): Promise<number> {
	zulip.reset();
	telnyx.reset();
	const perProvider = settings.sends / 2;
	const perExecution = Math.ceil(perProvider / settings.executions);
	const batches = Array.from({ length: settings.executions }, (_, index) =>
		Array.from(
			{ length: Math.max(0, Math.min(perExecution, perProvider - index * perExecution)) },
			(_, item) => `${label}-${index}-${item}`,
		),
	).filter((batch) => batch.length > 0);
	const started = process.hrtime.bigint();
	await Promise.all(
		batches.map(async (ids) => {
			const response = await postToWebhook(baseUrl, 'queue-bench/send', {
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ ids }),
			});
			if (response.status !== 200) throw new Error(`webhook: ${await response.text()}`);
		}),
	);
	let lastCount = -1;
	let lastChange = Date.now();
	for (;;) {
		const count = zulip.sent.length + telnyx.messages.size;
		if (count >= settings.sends) break;
		if (count !== lastCount) [lastCount, lastChange] = [count, Date.now()];
		// A run that stopped sending for two minutes failed: say so rather than wait forever.
		if (Date.now() - lastChange > 120_000)
			throw new Error(`${label}: stuck at ${count} of ${settings.sends} messages`);
		await sleep(100);
	}
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const texts = [
		...zulip.sent.map((m) => m.content),
		...[...telnyx.messages.values()].map((m) => m.text),
	];
	if (new Set(texts).size !== settings.sends / 2 || texts.length !== settings.sends)
		throw new Error(`${label}: ${texts.length} messages, not each id once per provider`);
	return seconds;
}

const row = (
	setup: string,
	settings: QueueBenchSettings,
	seconds: number,
	perWorker: string,
): QueueBenchRow => ({
	setup,
	sends: settings.sends,
	executions: settings.executions,
	seconds: Number(seconds.toFixed(1)),
	sendsPerSecond: Math.round(settings.sends / seconds),
	perWorker,
});

export async function benchQueueMode(settings: QueueBenchSettings): Promise<QueueBenchRow[]> {
	const missing = queueModeMissing();
	if (missing) {
		console.log(`queue-mode bench skipped: ${missing}`);
		return [];
	}
	const zulip = await ZulipFake.start({ specsDir: false });
	const telnyx = await TelnyxFake.start({ specsDir: false });
	const rows: QueueBenchRow[] = [];
	try {
		const single = await prepareN8n();
		await prepareWorkflow(single, zulip, telnyx);
		const server = await startN8n(single);
		try {
			// One warm-up call: the first execution loads the nodes.
			await sendAll(
				server.baseUrl,
				zulip,
				telnyx,
				{ ...settings, sends: 20, executions: 1 },
				'warm',
			);
			const seconds = await sendAll(server.baseUrl, zulip, telnyx, settings, 'single');
			rows.push(row('one n8n process (regular mode, SQLite)', settings, seconds, '-'));
		} finally {
			await server.stop();
		}

		const setup = await prepareQueueMode({ workers: 2, concurrency: settings.concurrency });
		try {
			await prepareWorkflow(setup.install, zulip, telnyx);
			const cluster = await setup.start();
			await sendAll(
				cluster.main.baseUrl,
				zulip,
				telnyx,
				{ ...settings, sends: 40, executions: 2 },
				'warm',
			);
			const before = cluster.workers.map((worker) => worker.executions().length);
			const seconds = await sendAll(cluster.main.baseUrl, zulip, telnyx, settings, 'queue');
			const perWorker = cluster.workers
				.map((worker, index) => worker.executions().length - before[index])
				.join(' + ');
			rows.push(
				row(
					`queue mode: main + 2 workers (concurrency ${settings.concurrency}), Postgres, Redis`,
					settings,
					seconds,
					perWorker,
				),
			);
		} finally {
			await setup.stop();
		}
	} finally {
		await zulip.stop();
		await telnyx.stop();
	}
	return rows;
}
