// n8n's start with this pack installed vs without it: the real n8n CLI (scripts/start-n8n.sh, as
// `npm start` runs it), time from spawn to /healthz/readiness, runs alternated between the two
// user folders (so load on the shared machine falls on both alike), median of each. A probe
// preloaded into n8n (NODE_OPTIONS=--require) counts the pack's modules n8n loads before it is
// ready and the CPU time spent in them: start time is mostly n8n's own (and noisy), the probe says
// what the pack adds (BENCH_STARTUP_PROBE_DIR=<dir> keeps the probe's files there, one per start).
// n8n's own CPU time until ready is read from /proc: steadier than wall time on a shared machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, prepareN8n, type N8nInstall } from '../test/e2e/n8nCli';

const REPO = resolve(__dirname, '..');

/**
 * Preloaded into n8n: each require of one of the pack's files from outside the pack (n8n loading
 * a node or credential file) is timed with what it loads in turn; one JSON line per such require
 * (CPU ms, and the pack's modules in require.cache after it) goes to SM_LOAD_PROBE_FILE.
 */
const PROBE = `
const Module = require('node:module');
const { appendFileSync } = require('node:fs');
const out = process.env.SM_LOAD_PROBE_FILE;
const marker = '/node_modules/n8n-nodes-scheduled-messaging/';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const load = Module._load;
let inPack = false;
Module._load = function (request, parent) {
	if (inPack || !String(request).includes(marker)) return load.apply(this, arguments);
	inPack = true;
	const started = cpu();
	try {
		return load.apply(this, arguments);
	} finally {
		inPack = false;
		const cpuMs = cpu() - started;
		const modules = Object.keys(require.cache).filter((key) => key.includes(marker)).length;
		appendFileSync(out, JSON.stringify({ request, cpuMs, modules }) + '\\n');
	}
};
`;

/** What the probe saw in one start: the pack's modules loaded and the CPU time spent loading them. */
interface PackLoad {
	modules: number;
	cpuMs: number;
}

function readProbe(file: string): PackLoad {
	if (!existsSync(file)) return { modules: 0, cpuMs: 0 };
	const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
	const entries = lines.map((line) => JSON.parse(line) as { cpuMs: number; modules: number });
	return {
		modules: Math.max(0, ...entries.map((entry) => entry.modules)),
		cpuMs: entries.reduce((sum, entry) => sum + entry.cpuMs, 0),
	};
}

/**
 * CPU time (user + system) a process has used so far, from Linux's /proc (clock ticks of 10 ms);
 * NaN elsewhere. Steadier than wall time on a shared machine: it does not count waiting for a core.
 */
function processCpuMs(pid: number): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return Number.NaN;
	}
}

interface Start {
	ms: number;
	/** n8n's CPU time until ready (start-n8n.sh execs n8n: same process). */
	cpuMs: number;
	pack: PackLoad;
}

/** Milliseconds from spawn until n8n is ready (then stops it), its CPU time, what the probe saw. */
async function timeStart(install: N8nInstall, userFolder: string, probe: string): Promise<Start> {
	const port = await freePort();
	const probeFile = join(
		process.env.BENCH_STARTUP_PROBE_DIR ?? userFolder,
		`load-probe-${port}.jsonl`,
	);
	const env = {
		...install.env,
		NODE_OPTIONS: `${install.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
		SM_LOAD_PROBE_FILE: probeFile,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_SM_PACK_INSTALLED: '1',
	};
	const started = performance.now();
	const child = spawn('bash', [join(REPO, 'scripts/start-n8n.sh')], {
		env,
		detached: true,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let log = '';
	child.stderr.on('data', (chunk) => (log += chunk));
	const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
	try {
		for (;;) {
			if (child.exitCode !== null) throw new Error(`n8n exited (${child.exitCode}):\n${log}`);
			const ready = await fetch(`http://127.0.0.1:${port}/healthz/readiness`).then(
				(response) => response.ok,
				() => false,
			);
			if (ready)
				return {
					ms: performance.now() - started,
					cpuMs: processCpuMs(child.pid!),
					pack: readProbe(probeFile),
				};
			await new Promise((resolveWait) => setTimeout(resolveWait, 50));
		}
	} finally {
		if (child.exitCode === null && child.signalCode === null) {
			process.kill(-child.pid!, 'SIGTERM');
			await exited;
		}
	}
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export interface StartupRow {
	case: string;
	runs: number;
	medianMs: number;
	minMs: number;
	vsWithout: string;
	/** n8n's CPU time until ready (median), and vs without the pack. */
	cpuMs: number;
	cpuVsWithout: string;
	/** The pack's modules n8n had loaded when ready (most of any run). */
	packModules: number;
	/** CPU time n8n spent loading them (median of the runs). */
	packCpuMs: number;
}

/** `runs` timed starts of each, after one untimed start of each (it creates the database). */
export async function benchN8nStartup(runs: number): Promise<StartupRow[]> {
	const install = await prepareN8n();
	const withoutPack = mkdtempSync(join(tmpdir(), 'n8n-sm-bench-bare-'));
	const probeFolder = mkdtempSync(join(tmpdir(), 'n8n-sm-bench-probe-'));
	const probe = join(probeFolder, 'load-probe.cjs');
	writeFileSync(probe, PROBE);
	const folders = { 'n8n without the pack': withoutPack, 'n8n with the pack': install.userFolder };
	const starts: Record<string, Start[]> = {};
	try {
		for (const folder of Object.values(folders)) await timeStart(install, folder, probe);
		for (let run = 0; run < runs; run++)
			for (const [name, folder] of Object.entries(folders))
				(starts[name] ??= []).push(await timeStart(install, folder, probe));
	} finally {
		for (const folder of [
			...Object.values(folders),
			...(process.env.BENCH_STARTUP_PROBE_DIR ? [] : [probeFolder]),
		])
			rmSync(folder, { recursive: true, force: true });
	}
	const base = median(starts['n8n without the pack'].map((start) => start.ms));
	const baseCpu = median(starts['n8n without the pack'].map((start) => start.cpuMs));
	return Object.entries(starts).map(([name, values]) => {
		const times = values.map((start) => start.ms);
		return {
			case: name,
			runs,
			medianMs: Math.round(median(times)),
			minMs: Math.round(Math.min(...times)),
			vsWithout: `${(median(times) / base).toFixed(3)}x`,
			cpuMs: median(values.map((start) => start.cpuMs)),
			cpuVsWithout: `${(median(values.map((start) => start.cpuMs)) / baseCpu).toFixed(3)}x`,
			packModules: Math.max(...values.map((start) => start.pack.modules)),
			packCpuMs: Number(median(values.map((start) => start.pack.cpuMs)).toFixed(1)),
		};
	});
}
