// The HTTP nodes in a real n8n (`n8n execute`, the pack installed as users install it), against
// local fakes, with baselines measured in the same run: a raw sequential fetch loop (on the Node
// that runs n8n) and n8n's own HTTP Request node making the same calls. One workflow holds every
// case, each in its own branch, so n8n starts once; a node's time is its `executionTime` in the run
// data (n8n's own measure of the node run, without start-up).
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CpuTimeline } from './processCpu';
import { freePort, importJson, prepareN8n, type N8nInstall } from '../test/e2e/n8nCli';
import { TelnyxFake } from '../test/fakes/telnyx/server';
import { ZulipFake } from '../test/fakes/zulip/server';

const run = promisify(execFile);
const PACK = 'n8n-nodes-scheduled-messaging';

export interface RuntimeSettings {
	/** Items per case against the fakes that answer at once. */
	items: number;
	/** Items per case against the fake that answers after `latencyMs`. */
	latencyItems: number;
	latencyMs: number;
	/** The enforced limit of the rate-limited fake, and the node's Max Requests per Second. */
	ratePerSecond: number;
	rateItems: number;
	/** Where to write `node --cpu-prof` profiles of the n8n process; unset: no profiling. */
	cpuProfileDir?: string;
	/** The areas to run (Zulip, Telnyx, Latency, Rate); unset: all. Skipped areas give empty tables. */
	areas?: string[];
}

export interface RuntimeRow {
	case: string;
	items: number;
	msTotal: number;
	msPerItem: number;
	/** CPU (user + system) of the process per item: the machine is shared, so wall time waits too. */
	cpuMsPerItem: number;
	/** Ratios to the baseline rows, e.g. "0.31x HTTP node (CPU 0.28x)". */
	vs?: string;
}

type Node = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
};

class WorkflowBuilder {
	readonly nodes: Node[] = [];
	readonly connections: Record<string, { main: Array<Array<Record<string, unknown>>> }> = {};

	add(node: Omit<Node, 'id' | 'position'>): string {
		const index = this.nodes.length;
		this.nodes.push({ id: `n${index}`, position: [index * 200, 0], ...node });
		return node.name;
	}

	connect(from: string, to: string): void {
		((this.connections[from] ??= { main: [[]] }).main[0] ??= []).push({
			node: to,
			type: 'main',
			index: 0,
		});
	}
}

const credential = (type: string, id: string) => ({ [type]: { id, name: id } });

function itemsCode(count: number): string {
	return `return Array.from({ length: ${count} }, (_, i) => ({ json: { i } }));`;
}

/** A sequential fetch loop on the Node that runs n8n: the floor for one request per item. */
async function rawFetchLoop(
	install: N8nInstall,
	count: number,
	request: { url: string; headers: Record<string, string>; body: string },
): Promise<{ ms: number; cpuMs: number }> {
	const script = `
		const [count, request] = [Number(process.argv[1]), JSON.parse(process.argv[2])];
		(async () => {
			const once = async () => {
				const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
				if (!response.ok) throw new Error('HTTP ' + response.status + ': ' + (await response.text()));
				await response.json();
			};
			for (let i = 0; i < 20; i++) await once();
			const start = process.hrtime.bigint();
			const cpu = process.cpuUsage();
			for (let i = 0; i < count; i++) await once();
			const used = process.cpuUsage(cpu);
			console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000 }));
		})().catch((error) => { console.error(error); process.exit(1); });`;
	const { stdout } = await run(install.node, [
		'-e',
		script,
		String(count),
		JSON.stringify(request),
	]);
	return JSON.parse(stdout.trim()) as { ms: number; cpuMs: number };
}

/**
 * `n8n execute --rawOutput` with its output going to a file: n8n exits right after printing, and a
 * pipe loses what was not read by then (the run data of thousands of items is megabytes). n8n 2.41.1
 * may crash at exit after printing (see executeWorkflowDespiteExitCrash): a complete JSON counts.
 * n8n's log level stays `info`: with `silent`, `n8n execute` prints no run data either. The n8n
 * process's CPU is sampled throughout; with `cpuProfileDir` it runs under `node --cpu-prof`.
 */
export async function executeToFile(
	install: N8nInstall,
	id: string,
	cpuProfileDir?: string,
): Promise<{ output: unknown; cpu: CpuTimeline }> {
	const file = join(install.userFolder, `execute-${id}.out`);
	const fd = openSync(file, 'w');
	const env = {
		...install.env,
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_PORT: String(await freePort()),
	};
	const profiling = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
	const child = spawn(
		install.node,
		[...profiling, install.bin, 'execute', `--id=${id}`, '--rawOutput'],
		{ env, stdio: ['ignore', fd, fd] },
	);
	const cpu = new CpuTimeline(child.pid!);
	const exit = await new Promise<string>((resolve) =>
		child.once('exit', (code, signal) => resolve(`exit ${code}, signal ${signal}`)),
	);
	cpu.stop();
	closeSync(fd);
	const output = readFileSync(file, 'utf8');
	const start = output.indexOf('{\n');
	const end = output.lastIndexOf('}');
	try {
		return { output: JSON.parse(output.slice(start, end + 1)), cpu };
	} catch {
		throw new Error(
			`n8n execute (${exit}) printed no complete run data:\n${output.slice(0, 4000)}`,
		);
	}
}

type RunData = Record<
	string,
	Array<{ startTime?: number; executionTime?: number; error?: { message?: string } }>
>;

export async function benchRealN8n(settings: RuntimeSettings): Promise<RuntimeRow[][]> {
	const { items, latencyItems, latencyMs, ratePerSecond, rateItems } = settings;
	const install = await prepareN8n();
	// The model layer only: the spec layer's checks would add the fakes' CPU to every row.
	const zulip = await ZulipFake.start({ specsDir: false });
	const telnyx = await TelnyxFake.start({ specsDir: false });
	const telnyxSlow = await TelnyxFake.start({ specsDir: false });
	telnyxSlow.holdAnswers(latencyMs);
	const telnyxLimited = await TelnyxFake.start({ specsDir: false });
	telnyxLimited.holdAnswers(latencyMs);
	try {
		await importJson(install, 'credentials', [
			{
				id: 'benchZulip',
				name: 'benchZulip',
				type: 'zulipScheduledApi',
				data: { url: zulip.url, email: zulip.email, apiKey: zulip.apiKey },
			},
			...[
				['benchTelnyx', telnyx],
				['benchTelnyxSlow', telnyxSlow],
				['benchTelnyxLimited', telnyxLimited],
			].map(([id, fake]) => ({
				id,
				name: id,
				type: 'telnyxScheduledApi',
				data: { apiKey: (fake as TelnyxFake).apiKey, baseUrl: `${(fake as TelnyxFake).url}/v2` },
			})),
			{
				id: 'benchBasic',
				name: 'benchBasic',
				type: 'httpBasicAuth',
				data: { user: zulip.email, password: zulip.apiKey },
			},
			{
				id: 'benchHeader',
				name: 'benchHeader',
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Bearer ${telnyx.apiKey}` },
			},
			{
				id: 'benchHeaderSlow',
				name: 'benchHeaderSlow',
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Bearer ${telnyxSlow.apiKey}` },
			},
		]);

		const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
		const zulipForm = { type: 'stream', to: '14', topic: 'bench', content: 'bench message' };
		const telnyxJson = { from: '+15550001111', to: '+15557654321', text: 'bench message' };
		const wf = new WorkflowBuilder();
		const trigger = wf.add({
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			parameters: {},
		});
		const sources = new Map<number, string>();
		const source = (count: number) => {
			const known = sources.get(count);
			if (known) return known;
			const name = wf.add({
				name: `${count} items`,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: itemsCode(count) },
			});
			wf.connect(trigger, name);
			sources.set(count, name);
			return name;
		};
		const cases: Array<{ area: string; name: string; items: number }> = [];
		const wanted = (area: string) => !settings.areas || settings.areas.includes(area);
		const add = (area: string, count: number, node: Omit<Node, 'id' | 'position'>) => {
			if (!wanted(area)) return;
			wf.add(node);
			wf.connect(source(count), node.name);
			cases.push({ area, name: node.name, items: count });
		};
		const httpNode = (
			name: string,
			url: string,
			auth: Record<string, { id: string; name: string }>,
			body: Record<string, unknown>,
		) => ({
			name,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			credentials: auth,
			parameters: {
				method: 'POST',
				url,
				authentication: 'genericCredentialType',
				genericAuthType: Object.keys(auth)[0],
				sendBody: true,
				...body,
				options: {},
			},
		});
		const zulipNode = (name: string, parameters: Record<string, unknown>) => ({
			name,
			type: `${PACK}.zulip`,
			typeVersion: 1,
			credentials: credential('zulipScheduledApi', 'benchZulip'),
			parameters: {
				messageType: 'channel',
				channel: { __rl: true, mode: 'id', value: '14' },
				topic: 'bench',
				content: 'bench message',
				...parameters,
			},
		});
		const telnyxNode = (
			name: string,
			credentialId: string,
			parameters: Record<string, unknown>,
		) => ({
			name,
			type: `${PACK}.telnyx`,
			typeVersion: 1,
			credentials: credential('telnyxScheduledApi', credentialId),
			parameters: {
				resource: 'message',
				operation: 'send',
				senderType: 'phoneNumber',
				fromNumber: { __rl: true, mode: 'number', value: telnyxJson.from },
				to: telnyxJson.to,
				text: telnyxJson.text,
				...parameters,
			},
		});

		add(
			'Zulip',
			items,
			httpNode(
				'HTTP Request node: Zulip POST /messages',
				`${zulip.url}/api/v1/messages`,
				credential('httpBasicAuth', 'benchBasic'),
				{
					contentType: 'form-urlencoded',
					bodyParameters: {
						parameters: Object.entries(zulipForm).map(([name, value]) => ({ name, value })),
					},
				},
			),
		);
		// The same with one expression per item: the baseline for our rows with one.
		add(
			'Zulip',
			items,
			httpNode(
				'HTTP Request node: Zulip POST /messages, content =m{{$json.i}}',
				`${zulip.url}/api/v1/messages`,
				credential('httpBasicAuth', 'benchBasic'),
				{
					contentType: 'form-urlencoded',
					bodyParameters: {
						parameters: Object.entries({ ...zulipForm, content: '=m{{$json.i}}' }).map(
							([name, value]) => ({ name, value }),
						),
					},
				},
			),
		);
		add(
			'Zulip',
			items,
			zulipNode('Zulip: Message > Send', { resource: 'message', operation: 'send' }),
		);
		add(
			'Zulip',
			items,
			zulipNode('Zulip: Message > Send, content =m{{$json.i}}', {
				resource: 'message',
				operation: 'send',
				content: '=m{{$json.i}}',
			}),
		);
		add(
			'Zulip',
			items,
			zulipNode('Zulip: Scheduled Message > Create', {
				resource: 'scheduledMessage',
				operation: 'create',
				sendAt,
			}),
		);
		add(
			'Zulip',
			items,
			zulipNode('Zulip: Message > Send, direct to 2 emails', {
				resource: 'message',
				operation: 'send',
				messageType: 'direct',
				users: ['iago@example.com', 'hamlet@example.com'],
			}),
		);
		add(
			'Telnyx',
			items,
			httpNode(
				'HTTP Request node: Telnyx POST /messages',
				`${telnyx.url}/v2/messages`,
				credential('httpHeaderAuth', 'benchHeader'),
				{
					specifyBody: 'json',
					jsonBody: JSON.stringify(telnyxJson),
				},
			),
		);
		add(
			'Telnyx',
			items,
			httpNode(
				'HTTP Request node: Telnyx POST /messages, text m{{$json.i}}',
				`${telnyx.url}/v2/messages`,
				credential('httpHeaderAuth', 'benchHeader'),
				{
					specifyBody: 'json',
					jsonBody: `=${JSON.stringify({ ...telnyxJson, text: 'm{{$json.i}}' })}`,
				},
			),
		);
		for (const concurrency of [1, 5, 20])
			add(
				'Telnyx',
				items,
				telnyxNode(`Telnyx: Message > Send, concurrency ${concurrency}`, 'benchTelnyx', {
					options: { concurrency, maxPerSecond: 0 },
				}),
			);
		add(
			'Telnyx',
			items,
			telnyxNode('Telnyx: Message > Send, text =m{{$json.i}}', 'benchTelnyx', {
				text: '=m{{$json.i}}',
				options: { concurrency: 1, maxPerSecond: 0 },
			}),
		);
		add(
			'Telnyx',
			items,
			telnyxNode('Telnyx: Message > Schedule', 'benchTelnyx', {
				operation: 'schedule',
				sendAt,
				options: { concurrency: 1, maxPerSecond: 0 },
			}),
		);
		add(
			'Latency',
			latencyItems,
			httpNode(
				`HTTP Request node: Telnyx answering after ${latencyMs} ms`,
				`${telnyxSlow.url}/v2/messages`,
				credential('httpHeaderAuth', 'benchHeaderSlow'),
				{
					specifyBody: 'json',
					jsonBody: JSON.stringify(telnyxJson),
				},
			),
		);
		for (const concurrency of [1, 5])
			add(
				'Latency',
				latencyItems,
				telnyxNode(
					`Telnyx: Send, concurrency ${concurrency}, ${latencyMs} ms answers`,
					'benchTelnyxSlow',
					{
						options: { concurrency, maxPerSecond: 0 },
					},
				),
			);
		add(
			'Rate',
			rateItems,
			telnyxNode(
				`Telnyx: Send, cap ${ratePerSecond}/s, fake enforces ${ratePerSecond}/s`,
				'benchTelnyxLimited',
				{
					options: { concurrency: 5, maxPerSecond: ratePerSecond },
				},
			),
		);

		const workflow = {
			id: 'benchHttpNodes',
			name: 'bench HTTP nodes',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: wf.nodes,
			connections: wf.connections,
		};
		await importJson(install, 'workflow', [workflow]);
		// The rate-limited fake's bucket starts full when the run starts, not at import.
		telnyxLimited.enforceRateLimit(ratePerSecond);
		const { output, cpu } = await executeToFile(install, workflow.id, settings.cpuProfileDir);
		const execution = output as {
			data: { resultData: { error?: { message?: string }; runData: RunData } };
		};
		const { runData, error } = execution.data.resultData;
		if (error) throw new Error(`the bench workflow failed: ${error.message}`);
		/** n8n's own executionTime of the node, and the n8n process's CPU in that window. */
		const timeOf = (name: string): { ms: number; cpuMs: number } => {
			const task = runData[name]?.[0];
			if (!task || task.error)
				throw new Error(`${name} failed: ${task?.error?.message ?? 'did not run'}`);
			const ms = task.executionTime ?? NaN;
			const start = task.startTime ?? NaN;
			return { ms, cpuMs: cpu.between(start, start + ms) };
		};

		const row = (name: string, count: number, time: { ms: number; cpuMs: number }): RuntimeRow => ({
			case: name,
			items: count,
			msTotal: Math.round(time.ms),
			msPerItem: Number((time.ms / count).toFixed(2)),
			cpuMsPerItem: Number((time.cpuMs / count).toFixed(2)),
		});
		const skipped = { ms: NaN, cpuMs: NaN };
		const raw = {
			zulip: !wanted('Zulip')
				? skipped
				: await rawFetchLoop(install, items, {
						url: `${zulip.url}/api/v1/messages`,
						headers: {
							authorization: `Basic ${Buffer.from(`${zulip.email}:${zulip.apiKey}`).toString('base64')}`,
							'content-type': 'application/x-www-form-urlencoded',
						},
						body: new URLSearchParams(zulipForm).toString(),
					}),
			telnyx: !wanted('Telnyx')
				? skipped
				: await rawFetchLoop(install, items, {
						url: `${telnyx.url}/v2/messages`,
						headers: {
							authorization: `Bearer ${telnyx.apiKey}`,
							'content-type': 'application/json',
						},
						body: JSON.stringify(telnyxJson),
					}),
			slow: !wanted('Latency')
				? skipped
				: await rawFetchLoop(install, latencyItems, {
						url: `${telnyxSlow.url}/v2/messages`,
						headers: {
							authorization: `Bearer ${telnyxSlow.apiKey}`,
							'content-type': 'application/json',
						},
						body: JSON.stringify(telnyxJson),
					}),
		};
		const ratio = (entry: RuntimeRow, base: RuntimeRow) =>
			`${(entry.msPerItem / base.msPerItem).toFixed(2)}x (CPU ${(entry.cpuMsPerItem / base.cpuMsPerItem).toFixed(2)}x)`;
		const tables: RuntimeRow[][] = [];
		for (const [area, rawTime, rawCount] of [
			['Zulip', raw.zulip, items],
			['Telnyx', raw.telnyx, items],
			['Latency', raw.slow, latencyItems],
		] as const) {
			if (!wanted(area)) {
				tables.push([]);
				continue;
			}
			const base = row('baseline: raw fetch loop (sequential)', rawCount, rawTime);
			const areaCases = cases.filter((entry) => entry.area === area);
			const rows = areaCases.map((entry) => row(entry.name, entry.items, timeOf(entry.name)));
			// A row with an expression is compared with the HTTP Request node evaluating one too.
			const withExpression = (entry: RuntimeRow) => entry.case.includes('{{');
			const httpNodeRows = rows.filter((entry) => entry.case.startsWith('HTTP Request node'));
			for (const entry of rows) {
				const ratios = [`${ratio(entry, base)} raw`];
				const httpNodeRow =
					httpNodeRows.find((http) => withExpression(http) === withExpression(entry)) ??
					httpNodeRows[0];
				if (httpNodeRow && !httpNodeRows.includes(entry))
					ratios.push(`${ratio(entry, httpNodeRow)} HTTP node`);
				entry.vs = ratios.join(', ');
			}
			if (area === 'Latency') {
				const [one, five] = rows.filter((entry) => entry.case.startsWith('Telnyx'));
				five.vs += `; ${(one.msTotal / five.msTotal).toFixed(1)}x faster than concurrency 1`;
			}
			tables.push([base, ...rows]);
		}
		const rateCase = cases.find((entry) => entry.area === 'Rate');
		if (!rateCase) return [...tables, []];
		const rateRow = row(rateCase.name, rateItems, timeOf(rateCase.name));
		const idealMs = (rateItems / ratePerSecond) * 1000;
		rateRow.vs = `${(rateRow.msTotal / idealMs).toFixed(3)}x the ideal ${Math.round(idealMs)} ms; ${telnyxLimited.rateLimitedCount} answers 429`;
		tables.push([rateRow]);
		const violations = [zulip, telnyx, telnyxSlow, telnyxLimited].flatMap(
			(fake) => fake.violations,
		);
		if (violations.length > 0)
			console.log(
				`fake model violations (HTTP Request node bodies may differ): ${violations.slice(0, 3).join('; ')}`,
			);
		return tables;
	} finally {
		await Promise.all(
			[zulip, telnyx, telnyxSlow, telnyxLimited].map(async (fake) => await fake.stop()),
		);
	}
}

export const RUNTIME_NOTE = `real n8n ${process.env.N8N_VERSION ?? '2.41.1'}, SQLite, \`n8n execute\` (${join('bench', 'n8nRuntime.ts')})`;
