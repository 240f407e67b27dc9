// What loading the pack costs n8n: in fresh child processes (median of several runs), the time to
// require n8n-workflow (n8n has it loaded before our files), then the credential files (all that
// n8n 2.x requires at start, reading the rest from dist/known and dist/types), then the node files
// (what n8n requires at start without that metadata; each one on its node's first use), then every
// other module of dist/. Wall
// time and CPU time (the machine is shared: CPU is the steadier of the two). It also checks that
// none of this loads `telegram` (only the Telegram transport needs it, on first use).
// Then n8n's start with the pack vs without (bench/n8nStartup.ts); target: at most 5% slower.
// Measured on each Node that runs n8n: n8n 2.x's Node 24 (scripts/ensure-n8n.sh's, where the
// target is judged: that is where n8n 2.x users load the pack; skipped with BENCH_N8N=0 or when
// it cannot be installed) and this machine's Node (n8n 1.x runs on Node 20).
// Settings: BENCH_LOADING_RUNS (7), BENCH_STARTUP_RUNS (5; 0 skips the n8n starts). It fails only
// if a run fails, never on time.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureN8n } from '../test/e2e/n8nCli';
import { benchN8nStartup } from './n8nStartup';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

export interface LoadingSample {
	n8nWorkflow: { wallMs: number; cpuMs: number };
	credentials: { wallMs: number; cpuMs: number; modules: number };
	n8nBlock: { wallMs: number; cpuMs: number; modules: number };
	/** The files (relative to dist/) of our modules that requiring the n8n block loaded. */
	n8nBlockFiles: string[];
	/**
	 * The modules of dist/pack.js (by source path, 'nodes/x/y.ts') whose initialiser ran while
	 * requiring the n8n block: those the bundle loads lazily. Only with `initialisers` (it runs V8's
	 * coverage, which slows loading) on a bundle with readable names (BUNDLE_READABLE=1).
	 */
	initialisers: string[];
	allDist: { wallMs: number; cpuMs: number; modules: number };
	/** Packages (under node_modules) that our modules loaded, e.g. ['luxon']. */
	packages: string[];
	telegramLoaded: boolean;
}

/**
 * The child: plain CommonJS run with `node -e` in the repository, so it loads dist/ as n8n does.
 * It prints one LoadingSample as JSON. Modules of dist/bin are left out: they are the login CLI,
 * which n8n never loads.
 */
export const CHILD = `
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const timed = (work) => {
	const [wall, cpu0, before] = [performance.now(), cpu(), new Set(Object.keys(require.cache))];
	work();
	const added = Object.keys(require.cache).filter((key) => !before.has(key));
	return { wallMs: performance.now() - wall, cpuMs: cpu() - cpu0, added };
};
const root = process.cwd();
const coverage = process.env.LOADING_INITIALISERS === '1' && new (require('node:inspector').Session)();
if (coverage) {
	coverage.connect();
	coverage.post('Profiler.enable');
	coverage.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
}
// esbuild names a lazily loaded module's initialiser after its source file.
let initialisers = [];
const takeInitialisers = () => coverage && coverage.post('Profiler.takePreciseCoverage', (error, coverage) => {
	initialisers = coverage.result.flatMap((script) => script.functions)
		.filter((fn) => fn.ranges[0].count > 0 && fn.functionName.endsWith('.ts'))
		.map((fn) => fn.functionName);
});
const pkg = require(join(root, 'package.json'));
const [credentials, nodes] = [pkg.n8n.credentials, pkg.n8n.nodes].map((files) => files.map((file) => join(root, file)));
const all = readdirSync(join(root, 'dist'), { recursive: true })
	.filter((file) => file.endsWith('.js') && !file.startsWith('bin'))
	.map((file) => join(root, 'dist', file));
const workflow = timed(() => require('n8n-workflow'));
const credentialFiles = timed(() => credentials.forEach((file) => require(file)));
const nodeFiles = timed(() => nodes.forEach((file) => require(file)));
takeInitialisers();
const block = {
	wallMs: credentialFiles.wallMs + nodeFiles.wallMs,
	cpuMs: credentialFiles.cpuMs + nodeFiles.cpuMs,
	added: [...credentialFiles.added, ...nodeFiles.added],
};
const rest = timed(() => all.forEach((file) => require(file)));
const ours = [...block.added, ...rest.added];
const packages = [...new Set(ours.map((key) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(key)?.[1]).filter(Boolean))];
console.log(JSON.stringify({
	n8nWorkflow: { wallMs: workflow.wallMs, cpuMs: workflow.cpuMs },
	credentials: { wallMs: credentialFiles.wallMs, cpuMs: credentialFiles.cpuMs, modules: credentialFiles.added.length },
	n8nBlock: { wallMs: block.wallMs, cpuMs: block.cpuMs, modules: block.added.length },
	n8nBlockFiles: block.added.filter((key) => key.startsWith(join(root, 'dist/'))).map((key) => key.slice(join(root, 'dist/').length)),
	initialisers,
	allDist: { wallMs: block.wallMs + rest.wallMs, cpuMs: block.cpuMs + rest.cpuMs, modules: ours.length },
	packages,
	telegramLoaded: Object.keys(require.cache).some((key) => key.includes('/node_modules/telegram/')),
}));
`;

/** One fresh process that requires the pack as n8n does. */
export async function sampleLoading(
	options: { initialisers?: boolean; root?: string; node?: string } = {},
): Promise<LoadingSample> {
	const env = { ...process.env, LOADING_INITIALISERS: options.initialisers ? '1' : '0' };
	const cwd = options.root ?? ROOT;
	const { stdout } = await run(options.node ?? process.execPath, ['-e', CHILD], { cwd, env });
	return JSON.parse(stdout) as LoadingSample;
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value: number) => Number(value.toFixed(1));

function printLoading(runtime: string, samples: LoadingSample[]): void {
	const row = (
		name: string,
		pick: (sample: LoadingSample) => { wallMs: number; cpuMs: number },
	) => {
		const wallMs = median(samples.map((sample) => pick(sample).wallMs));
		const cpuMs = median(samples.map((sample) => pick(sample).cpuMs));
		return { wallMs, cpuMs };
	};
	const workflow = row('n8n-workflow', (sample) => sample.n8nWorkflow);
	const credentials = row('credentials', (sample) => sample.credentials);
	const block = row('n8n block', (sample) => sample.n8nBlock);
	const all = row('all dist', (sample) => sample.allDist);
	const [first] = samples;
	console.log(
		`Loading the pack (fresh processes, median of ${samples.length}, ${runtime}; after n8n-workflow, which n8n has loaded already). Target: all of dist/ in at most 30 ms.`,
	);
	console.table([
		{
			case: 'require n8n-workflow',
			modules: '-',
			wallMs: ms(workflow.wallMs),
			cpuMs: ms(workflow.cpuMs),
			vsWorkflow: '1.00x',
		},
		...[
			[
				'require the credential files (all n8n 2.x loads at start, with dist/known)',
				credentials,
				first.credentials.modules,
			],
			[
				'require the n8n block (+ node files: n8n without dist/known; a node on first use)',
				block,
				first.n8nBlock.modules,
			],
			['require every dist module (bin/ excepted)', all, first.allDist.modules],
		].map(([name, times, modules]) => {
			const { wallMs, cpuMs } = times as typeof block;
			return {
				case: name as string,
				modules: String(modules),
				wallMs: ms(wallMs),
				cpuMs: ms(cpuMs),
				vsWorkflow: `${(cpuMs / workflow.cpuMs).toFixed(2)}x (CPU)`,
			};
		}),
	]);
}

/** The Nodes that run n8n here: n8n 2.x's (installed by scripts/ensure-n8n.sh) and this one. */
async function runtimes(): Promise<Array<{ name: string; node: string }>> {
	const own = { name: `Node ${process.version} (this machine's: n8n 1.x)`, node: process.execPath };
	if (process.env.BENCH_N8N === '0') return [own];
	try {
		const node = (await ensureN8n()).N8N_NODE;
		const { stdout: version } = await run(node, ['--version']);
		return [{ name: `Node ${version.trim()} (n8n 2.x's: the target's)`, node }, own];
	} catch (error) {
		console.log(
			`n8n 2.x's Node is not installed (${(error as Error).message}): loading on this Node only`,
		);
		return [own];
	}
}

export async function benchLoading(): Promise<void> {
	const runs = Number(process.env.BENCH_LOADING_RUNS ?? 7);
	const nodes = await runtimes();
	const samples: LoadingSample[][] = nodes.map(() => []);
	// Runtimes take turns, so a busy moment on a shared machine does not land on one only.
	for (let index = 0; index < runs; index++)
		for (const [at, { node }] of nodes.entries()) samples[at].push(await sampleLoading({ node }));
	for (const [at, { name }] of nodes.entries()) printLoading(name, samples[at]);
	const telegram = samples.flat().some((sample) => sample.telegramLoaded);
	console.log(
		`${telegram ? 'FAIL' : 'ok'}: telegram ${telegram ? 'IS' : 'is not'} loaded by requiring dist/; packages our modules loaded: ${samples[0][0].packages.join(', ') || 'none'}`,
	);

	const startupRuns = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
	if (startupRuns <= 0) return;
	console.log(
		`n8n start (scripts/start-n8n.sh to /healthz/readiness), with vs without the pack, ${startupRuns} alternated runs each. Target: at most 1.05x.`,
	);
	console.table(await benchN8nStartup(startupRuns));
}
