// `npm run bench`: what our nodes cost per item, against baselines measured in the same run on the
// same local fakes. First in process (quick: n8n's engine without the CLI, a bare fetch loop as
// the floor), then the heap after 10,000 items, then in a real n8n (`n8n execute`, bench/n8nRuntime.ts),
// where credential reads and the isolated expression engine cost what they cost users.
// Settings (environment): BENCH_ITEMS (in process, 300), BENCH_N8N=0 skips the real n8n,
// BENCH_N8N_ITEMS (1000), BENCH_LATENCY_MS (20), BENCH_LATENCY_ITEMS (200), BENCH_RATE (50/s),
// BENCH_RATE_ITEMS (1000), BENCH_MEMORY_ITEMS (10000), BENCH_IN_PROCESS=0 skips the in-process
// part, BENCH_N8N_AREAS=Telnyx,Latency,Rate runs only those areas of the real n8n (all: also Zulip), BENCH_N8N_CPU_PROF=<folder> runs n8n under `node --cpu-prof` and prints where its CPU went.
// Last, queue mode vs one n8n process (bench/queueMode.ts): BENCH_QUEUE=0 skips it,
// BENCH_QUEUE_SENDS (10000), BENCH_QUEUE_EXECUTIONS (20), BENCH_QUEUE_CONCURRENCY (5);
// `npm run bench -- queue` runs only that area, `npm run bench -- secret` only the secret-chat one. First, what loading the pack costs
// (bench/loading.ts): BENCH_LOADING=0 skips it.
// It fails only when a run fails, never on time.
import '../test/harness/env';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { runNode } from '../test/harness/engine';
import { ZulipFake } from '../test/fakes/zulip/server';
import type { Row } from './row';
import { benchMemory } from './memory';
import { profileTimes } from './cpuProfile';
import { benchRealN8n } from './n8nRuntime';
import { benchQueueMode } from './queueMode';
import { benchTelegramSecret } from './telegramSecret';
import { benchLoading } from './loading';
import { telegramRuntimeArea } from './telegramRuntime';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function measure(name: string, items: number, work: () => Promise<void>): Promise<Row> {
	global.gc?.();
	const heapBefore = process.memoryUsage().heapUsed;
	const start = process.hrtime.bigint();
	await work();
	const msTotal = Number(process.hrtime.bigint() - start) / 1e6;
	const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
	return {
		case: name,
		items,
		msTotal: Math.round(msTotal),
		msPerItem: Number((msTotal / items).toFixed(2)),
		heapMb: Number(heapMb.toFixed(1)),
	};
}

async function queueArea() {
	const sends = setting('BENCH_QUEUE_SENDS', 10_000);
	const executions = setting('BENCH_QUEUE_EXECUTIONS', 20);
	const rows = await benchQueueMode({
		sends,
		executions,
		concurrency: setting('BENCH_QUEUE_CONCURRENCY', 5),
	});
	if (rows.length === 0) return;
	console.log(
		`Queue mode vs one n8n process: ${sends} sends (half Zulip, half Telnyx) over ${executions} webhook calls posted at once`,
	);
	console.table(rows);
}

async function secretArea(count: number) {
	const telegram = await benchTelegramSecret(measure, count, setting('BENCH_SECRET_ROUNDS', 3));
	console.table(telegram);
	const [plain, ...secrets] = telegram;
	for (const secret of secrets)
		console.log(
			`${secret.case} vs plain Telegram send: ${(secret.msPerItem / plain.msPerItem).toFixed(2)}x the time per item (${secret.msPerItem} ms vs ${plain.msPerItem} ms), ${((secret.cpuMsPerItem ?? NaN) / (plain.cpuMsPerItem ?? NaN)).toFixed(2)}x the CPU (${secret.cpuMsPerItem} ms vs ${plain.cpuMsPerItem} ms)`,
		);
}

async function main() {
	if (process.argv.includes('queue')) return await queueArea();
	if (process.argv.includes('secret')) return await secretArea(setting('BENCH_ITEMS', 300));
	if (process.env.BENCH_LOADING !== '0') await benchLoading();
	if (process.env.BENCH_IN_PROCESS !== '0') await benchInProcess();
	if (process.env.BENCH_TELEGRAM !== '0') await telegramRuntimeArea();
	if (process.env.BENCH_N8N !== '0') await benchInN8n();
	if (process.env.BENCH_QUEUE !== '0') await queueArea();
}

async function benchInProcess() {
	const count = Number(process.env.BENCH_ITEMS ?? 300);
	const fake = await ZulipFake.start();
	const credentials = {
		zulipScheduledApi: { url: fake.url, email: fake.email, apiKey: fake.apiKey },
	};
	const auth = `Basic ${Buffer.from(`${fake.email}:${fake.apiKey}`).toString('base64')}`;
	const items = Array.from({ length: count }, (_, index) => ({ text: `message ${index}` }));
	const sendAt = Math.floor(Date.now() / 1000) + 3600;

	// Warm up: the fake compiles its validators and n8n-core loads on first use.
	await runNode({
		node: {
			type: 'zulip',
			credentials,
			parameters: {
				resource: 'message',
				operation: 'send',
				messageType: 'channel',
				channel: { __rl: true, mode: 'id', value: '14' },
				topic: 'warm',
				content: 'x',
			},
		},
	});
	fake.reset();

	const rows: Row[] = [];
	rows.push(
		await measure('baseline: fetch loop, POST /scheduled_messages', count, async () => {
			for (const item of items) {
				const body = new URLSearchParams({
					type: 'stream',
					to: '14',
					topic: 'bench',
					content: item.text,
					scheduled_delivery_timestamp: String(sendAt),
				});
				const response = await fetch(`${fake.url}/api/v1/scheduled_messages`, {
					method: 'POST',
					headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
					body,
				});
				await response.json();
			}
		}),
	);
	fake.reset();
	rows.push(
		await measure('Zulip node: Scheduled Message > Create', count, async () => {
			const result = await runNode({
				node: {
					type: 'zulip',
					credentials,
					parameters: {
						resource: 'scheduledMessage',
						operation: 'create',
						messageType: 'channel',
						channel: { __rl: true, mode: 'id', value: '14' },
						topic: 'bench',
						content: '={{ $json.text }}',
						sendAt: String(sendAt),
					},
				},
				items,
			});
			if (result.error || result.items.length !== count)
				throw new Error(`bench run failed: ${result.error?.message}`);
		}),
	);
	const created = fake.scheduled.size;
	rows.push(
		await measure('Zulip node: Scheduled Message > Get Many (routing)', count, async () => {
			const result = await runNode({
				node: {
					type: 'zulip',
					credentials,
					parameters: { resource: 'scheduledMessage', operation: 'getAll', returnAll: true },
				},
			});
			if (result.items.length !== created) throw new Error('bench list failed');
		}),
	);
	await fake.stop();
	if (fake.violations.length > 0) throw new Error(`spec violations: ${fake.violations.join('; ')}`);

	console.table(rows);
	const [baseline, create] = rows;
	console.log(
		`Create vs baseline: ${(create.msPerItem / baseline.msPerItem).toFixed(2)}x the time per item (${create.msPerItem} ms vs ${baseline.msPerItem} ms)`,
	);

	await secretArea(count);

	console.log('Heap after a forced GC, before and after the items (in process):');
	console.table(await benchMemory(setting('BENCH_MEMORY_ITEMS', 10_000)));
}

async function benchInN8n() {
	const profileDir = process.env.BENCH_N8N_CPU_PROF
		? resolve(process.env.BENCH_N8N_CPU_PROF)
		: undefined;
	if (profileDir) {
		rmSync(profileDir, { recursive: true, force: true });
		mkdirSync(profileDir, { recursive: true });
	}
	const latencyMs = setting('BENCH_LATENCY_MS', 20);
	const ratePerSecond = setting('BENCH_RATE', 50);
	const tables = await benchRealN8n({
		items: setting('BENCH_N8N_ITEMS', 1000),
		latencyItems: setting('BENCH_LATENCY_ITEMS', 200),
		latencyMs,
		ratePerSecond,
		rateItems: setting('BENCH_RATE_ITEMS', 1000),
		cpuProfileDir: profileDir,
		areas: process.env.BENCH_N8N_AREAS?.split(',').map((area) => area.trim()),
	});
	const titles = [
		'Zulip in a real n8n (fake answers at once)',
		'Telnyx in a real n8n (fake answers at once)',
		`Telnyx in a real n8n, fake answering after ${latencyMs} ms`,
		`Telnyx in a real n8n, fake enforcing ${ratePerSecond} requests/s (answers after ${latencyMs} ms)`,
	];
	console.log(
		"ms/item: wall time (n8n's executionTime of the node); cpuMs/item: CPU of the n8n process in that window (/proc stat),",
		'of the fetch loop its own process.cpuUsage(). vs: ratios of ms/item (and of CPU) to the baselines.',
		"n8n 2.41's HTTP Request node sends all items at once; our nodes send one at a time unless Concurrency is raised.",
	);
	for (const [index, table] of tables.entries()) {
		if (table.length === 0) continue;
		console.log(titles[index]);
		console.table(table);
	}
	if (profileDir) {
		console.log(`CPU profile of the n8n process (${profileDir}): self time, top 25`);
		console.table(profileTimes(profileDir, 'self', 25));
		console.log("This pack's functions: total time (callees included), top 25");
		console.table(
			profileTimes(profileDir, 'total', 25, (url) =>
				url.includes('/node_modules/n8n-nodes-scheduled-messaging/dist/'),
			),
		);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
