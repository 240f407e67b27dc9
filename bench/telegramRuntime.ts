// Telegram Message > Send Text through n8n's engine against a raw gramjs loop sending the same
// messages over one connection to the same local fake, in the same run (issue #15's goal: the node
// within 1.2x of the loop). The fake runs in this process, so CPU per item includes its share, the
// same for both rows. Rows alternate (loop, node, loop, node ...) and the best of each is kept: the
// machine is shared, so a single run mostly measures its neighbours. A third row sends a constant
// text: the difference to the second is n8n's expression engine, not the node. Then the same
// sends in a real n8n (`n8n execute`), against the raw loop run on n8n's own Node in a process of
// its own (bench/telegramRawLoop.ts), to the same fake: CPU there is each process's own.
// Settings: BENCH_TG_ITEMS (1000), BENCH_TG_ROUNDS (3); BENCH_N8N=0 skips the real n8n.
// Alone: `npm run build && node --expose-gc --import tsx bench/telegramRuntime.ts`.
import bigInt from 'big-integer';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { Api } from 'telegram';
import { distModule } from '../test/harness/dist';
import { runNode, PACKAGE_ROOT } from '../test/harness/engine';
import { telegramCredentialData } from '../test/fakes/telegram/credential';
import { TelegramFake } from '../test/fakes/telegram/server';
import { closeFakeClient, connectedFakeClient } from '../test/fakes/telegram/testClient';
import { importJson, prepareN8n, type N8nInstall } from '../test/e2e/n8nCli';
import { codeNode, manualTriggerNode } from '../test/e2e/workflows/nodes';
import { executeToFile } from './n8nRuntime';
import type { RawLoopSettings } from './telegramRawLoop';

const run = promisify(execFile);

export interface TelegramRow {
	case: string;
	items: number;
	msTotal: number;
	msPerItem: number;
	/** User + system CPU of this process (node or loop, and the fake) per item. */
	cpuMsPerItem?: number;
	/** TCP connections the fake accepted during the row (the pool's one connection is opened in the warm-up). */
	newConnections?: number;
	vs?: string;
}

const pool = distModule<typeof import('../nodes/Telegram/transport/pool')>(
	'nodes/Telegram/transport/pool',
);

async function timed(
	fake: TelegramFake,
	name: string,
	items: number,
	work: () => Promise<void>,
): Promise<TelegramRow> {
	global.gc?.();
	const connectionsBefore = fake.acceptedConnections;
	const cpuBefore = process.cpuUsage();
	const start = process.hrtime.bigint();
	await work();
	const msTotal = Number(process.hrtime.bigint() - start) / 1e6;
	const cpu = process.cpuUsage(cpuBefore);
	return {
		case: name,
		items,
		msTotal: Math.round(msTotal),
		msPerItem: Number((msTotal / items).toFixed(3)),
		cpuMsPerItem: Number(((cpu.user + cpu.system) / 1000 / items).toFixed(3)),
		newConnections: fake.acceptedConnections - connectionsBefore,
	};
}

const best = (rows: TelegramRow[]) =>
	rows.reduce((low, row) => (row.msPerItem < low.msPerItem ? row : low));

export async function benchTelegramRuntime(
	count = Number(process.env.BENCH_TG_ITEMS ?? 1000),
	rounds = Number(process.env.BENCH_TG_ROUNDS ?? 3),
): Promise<TelegramRow[]> {
	const fake = await TelegramFake.start();
	const client = await connectedFakeClient(fake);
	const credentials = { telegramMtprotoApi: telegramCredentialData(fake) };
	const items = Array.from({ length: count }, (_, index) => ({ text: `message ${index}` }));
	const alice = fake.users.find((user) => user.username === 'alice_test')!;
	const peer = new Api.InputPeerUser({
		userId: bigInt(alice.id.toString()),
		accessHash: bigInt(alice.accessHash.toString()),
	});
	let nextRandomId = 1;
	const loop = async (list = items) => {
		for (const item of list)
			await client.invoke(
				new Api.messages.SendMessage({
					peer,
					message: item.text,
					randomId: bigInt(nextRandomId++),
				}),
			);
	};
	const node = async (list = items, text = '={{ $json.text }}') => {
		const result = await runNode({
			node: {
				type: 'telegram',
				credentials,
				parameters: {
					resource: 'message',
					operation: 'sendText',
					chat: '@alice_test',
					text,
					sendWhen: 'now',
				},
			},
			items: list,
		});
		if (result.error || result.items.length !== list.length)
			throw new Error(`bench send failed: ${result.error?.message}`);
	};
	try {
		// Warm up both: connections, auth, n8n-core and the fake's first answers.
		await client.invoke(
			new Api.messages.SendMessage({ peer, message: 'warm', randomId: bigInt(-1) }),
		);
		await loop(items.slice(0, 20));
		await node(items.slice(0, 20));
		const loops: TelegramRow[] = [];
		const nodes: TelegramRow[] = [];
		const constants: TelegramRow[] = [];
		for (let round = 0; round < rounds; round++) {
			fake.reset();
			loops.push(
				await timed(fake, 'baseline: raw gramjs loop, messages.sendMessage', count, () => loop()),
			);
			fake.reset();
			nodes.push(
				await timed(
					fake,
					'Telegram node: Message > Send Text (now), text {{ $json.text }}',
					count,
					() => node(),
				),
			);
			fake.reset();
			// The same without an expression: what n8n's expression engine adds to the node's own cost.
			constants.push(
				await timed(fake, 'Telegram node: Message > Send Text (now), constant text', count, () =>
					node(items, 'a constant message'),
				),
			);
		}
		const baseline = best(loops);
		const rows = [baseline, best(nodes), best(constants)];
		for (const row of rows.slice(1))
			row.vs = `${(row.msPerItem / baseline.msPerItem).toFixed(2)}x loop (CPU ${((row.cpuMsPerItem ?? NaN) / (baseline.cpuMsPerItem ?? NaN)).toFixed(2)}x)`;
		return rows;
	} finally {
		await closeFakeClient(client);
		await pool.closeAllTelegramClients();
		await fake.stop();
	}
}

type RunData = Record<
	string,
	Array<{ startTime?: number; executionTime?: number; error?: { message?: string } }>
>;

/**
 * The raw gramjs loop (bench/telegramRawLoop.ts) on the Node that runs n8n, in its own process:
 * one connection, `count` sends to the private chat, timed after a warm-up.
 */
async function rawLoopOnN8nNode(
	install: N8nInstall,
	fake: TelegramFake,
	count: number,
): Promise<TelegramRow> {
	const alice = fake.users.find((user) => user.username === 'alice_test')!;
	const settings: RawLoopSettings = {
		host: fake.host,
		port: fake.port,
		apiId: fake.apiId,
		apiHash: fake.apiHash,
		session: fake.createSession(),
		userId: alice.id.toString(),
		accessHash: alice.accessHash.toString(),
		count,
		warm: 20,
	};
	const { stdout } = await run(
		install.node,
		[
			'--import',
			'tsx',
			resolve(PACKAGE_ROOT, 'bench/telegramRawLoop.ts'),
			JSON.stringify(settings),
		],
		{ cwd: PACKAGE_ROOT, maxBuffer: 1 << 20 },
	);
	const { ms, cpuMs } = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
		ms: number;
		cpuMs: number;
	};
	return {
		case: `raw gramjs loop, one connection (Node ${await nodeVersion(install)}, own process)`,
		items: count,
		msTotal: Math.round(ms),
		msPerItem: Number((ms / count).toFixed(3)),
		cpuMsPerItem: Number((cpuMs / count).toFixed(3)),
	};
}

async function nodeVersion(install: N8nInstall): Promise<string> {
	return (await run(install.node, ['--version'])).stdout.trim().replace(/^v/, '');
}

/**
 * Send Text in a real n8n (`n8n execute`, the pack installed as users install it): n8n's own
 * executionTime of the node and the n8n process's CPU in it, for a text with and without an
 * expression, against a raw gramjs loop on the same Node (n8n's) and the same fake.
 */
export async function benchTelegramInN8n(count: number): Promise<TelegramRow[]> {
	const fake = await TelegramFake.start();
	try {
		const install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				id: 'telegramBench',
				name: 'Telegram bench',
				type: 'telegramMtprotoApi',
				data: telegramCredentialData(fake),
			},
		]);
		const send = (name: string, x: number, text: string) => ({
			id: name,
			name,
			type: 'n8n-nodes-scheduled-messaging.telegram',
			typeVersion: 1,
			position: [x, 0],
			credentials: { telegramMtprotoApi: { id: 'telegramBench', name: 'Telegram bench' } },
			parameters: {
				resource: 'message',
				operation: 'sendText',
				chat: '@alice_test',
				text,
				sendWhen: 'now',
			},
		});
		const cases: Array<[string, string]> = [
			['Warm', 'warm'],
			['Expression', '={{ $json.text }}'],
			['Constant', 'a constant message'],
		];
		const workflow = {
			id: 'telegramBenchWorkflow',
			name: 'Telegram Send Text bench',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				manualTriggerNode(),
				codeNode(
					'Items',
					[200, 0],
					`return Array.from({ length: ${count} }, (_, i) => ({ json: { text: 'message ' + i } }));`,
				),
				codeNode('One', [400, 0], `return [{ json: { text: 'warm' } }];`),
				...cases.map(([name, text], index) => send(name, 600 + index * 200, text)),
			],
			connections: {
				Start: { main: [[{ node: 'One', type: 'main', index: 0 }]] },
				One: { main: [[{ node: 'Warm', type: 'main', index: 0 }]] },
				Warm: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
				Items: { main: [[{ node: 'Expression', type: 'main', index: 0 }]] },
				Expression: { main: [[{ node: 'Constant', type: 'main', index: 0 }]] },
			},
		};
		await importJson(install, 'workflow', [workflow]);
		const baseline = await rawLoopOnN8nNode(install, fake, count);
		fake.reset();
		const { output, cpu } = await executeToFile(install, workflow.id);
		const result = output as {
			data: { resultData: { error?: { message: string }; runData: RunData } };
		};
		const { error, runData } = result.data.resultData;
		if (error) throw new Error(`the n8n bench run failed: ${error.message}`);
		const rows = cases.slice(1).map(([name]): TelegramRow => {
			const task = runData[name]?.[0];
			const ms = task?.executionTime ?? NaN;
			const start = task?.startTime ?? NaN;
			return {
				case: `real n8n: Send Text, ${name === 'Expression' ? 'text {{ $json.text }}' : 'constant text'}`,
				items: count,
				msTotal: ms,
				msPerItem: Number((ms / count).toFixed(3)),
				cpuMsPerItem: Number((cpu.between(start, start + ms) / count).toFixed(3)),
			};
		});
		for (const row of rows)
			row.vs = `${(row.msPerItem / baseline.msPerItem).toFixed(2)}x loop (CPU ${((row.cpuMsPerItem ?? NaN) / (baseline.cpuMsPerItem ?? NaN)).toFixed(2)}x)`;
		return [baseline, ...rows];
	} finally {
		await fake.stop();
	}
}

/** Prints the tables; never fails on time. */
export async function telegramRuntimeArea(): Promise<void> {
	const rows = await benchTelegramRuntime();
	console.log(
		`Telegram Send Text vs a raw gramjs loop, in process through n8n's engine (best of ${process.env.BENCH_TG_ROUNDS ?? 3} alternating rounds)`,
	);
	console.table(rows);
	if (process.env.BENCH_N8N === '0') return;
	const inN8n = await benchTelegramInN8n(Number(process.env.BENCH_TG_ITEMS ?? 1000));
	console.log(
		"Telegram Send Text in a real n8n (n8n execute; n8n's executionTime of the node, the n8n process's CPU in it) vs a raw gramjs loop on n8n's Node, same fake",
	);
	console.table(inN8n);
}

if (require.main === module) {
	require('../test/harness/env');
	telegramRuntimeArea().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
