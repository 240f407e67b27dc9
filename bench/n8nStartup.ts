// n8n's start with this pack installed vs without it: the real n8n CLI (scripts/start-n8n.sh, as
// `npm start` runs it), time from spawn to /healthz/readiness, runs alternated between the two
// user folders (so load on the shared machine falls on both alike), median of each.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, prepareN8n, type N8nInstall } from '../test/e2e/n8nCli';

const REPO = resolve(__dirname, '..');

/** Milliseconds from spawn until n8n is ready, then stops it. */
async function timeStart(install: N8nInstall, userFolder: string): Promise<number> {
	const port = await freePort();
	const env = {
		...install.env,
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
			if (ready) return performance.now() - started;
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
}

/** `runs` timed starts of each, after one untimed start of each (it creates the database). */
export async function benchN8nStartup(runs: number): Promise<StartupRow[]> {
	const install = await prepareN8n();
	const withoutPack = mkdtempSync(join(tmpdir(), 'n8n-sm-bench-bare-'));
	const folders = { 'n8n without the pack': withoutPack, 'n8n with the pack': install.userFolder };
	const times: Record<string, number[]> = {};
	try {
		for (const folder of Object.values(folders)) await timeStart(install, folder);
		for (let run = 0; run < runs; run++)
			for (const [name, folder] of Object.entries(folders))
				(times[name] ??= []).push(await timeStart(install, folder));
	} finally {
		for (const folder of Object.values(folders)) rmSync(folder, { recursive: true, force: true });
	}
	const base = median(times['n8n without the pack']);
	return Object.entries(times).map(([name, values]) => ({
		case: name,
		runs,
		medianMs: Math.round(median(values)),
		minMs: Math.round(Math.min(...values)),
		vsWithout: `${(median(values) / base).toFixed(3)}x`,
	}));
}
