import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');

export interface N8nInstall {
	node: string;
	bin: string;
	userFolder: string;
	env: NodeJS.ProcessEnv;
	/** n8n's major version: 2 by default, 1 for the compatibility row (N8N_VERSION=1.123.81). */
	major: number;
}

/** The n8n version scripts/ensure-n8n.sh installs (override with N8N_VERSION). */
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.41.1';

/** The n8n of the shared cache (installed by scripts/ensure-n8n.sh on first use): its Node and CLI. */
export async function ensureN8n(): Promise<{ N8N_NODE: string; N8N_BIN: string }> {
	const { stdout } = await run('bash', [join(REPO, 'scripts/ensure-n8n.sh')], {
		env: { ...process.env, N8N_VERSION },
		maxBuffer: 1 << 24,
		timeout: 40 * 60_000,
	});
	return Object.fromEntries(
		stdout
			.trim()
			.split('\n')
			.map((line) => {
				const [key, value] = line.split('=');
				return [key, value.replace(/^'|'$/g, '')];
			}),
	) as { N8N_NODE: string; N8N_BIN: string };
}

/** A real n8n (from the shared cache) with this pack installed in a fresh user folder. */
export async function prepareN8n(): Promise<N8nInstall> {
	const paths = await ensureN8n();
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-sm-e2e-'));
	await run('bash', [join(REPO, 'scripts/install-pack.sh'), join(userFolder, '.n8n/nodes')], {
		cwd: REPO,
		maxBuffer: 1 << 24,
	});
	const major = Number(N8N_VERSION.split('.')[0]);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		N8N_VERSION,
		// n8n 1.x's vm expression engine needs an isolated-vm that does not build on Node 20.
		...(major < 2 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-test-encryption-key',
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
	};
	return { node: paths.N8N_NODE, bin: paths.N8N_BIN, userFolder, env, major };
}

/** A port nobody listens on now: every n8n process opens a task broker and a server port. */
export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolvePort(port));
		});
	});
}

export async function n8n(install: N8nInstall, args: string[]): Promise<string> {
	const env = {
		...install.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_PORT: String(await freePort()),
	};
	const result = await run(install.node, [install.bin, ...args], {
		env,
		maxBuffer: 1 << 26,
		timeout: 30 * 60_000,
	}).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
		throw new Error(
			`n8n ${args.join(' ')} failed (exit ${error.code}):\n${error.stdout ?? ''}\n${error.stderr ?? ''}`,
		);
	});
	return result.stdout;
}

export async function importJson(
	install: N8nInstall,
	kind: 'credentials' | 'workflow',
	data: unknown,
): Promise<void> {
	const file = join(install.userFolder, `${kind}-${Date.now()}.json`);
	writeFileSync(file, JSON.stringify(data));
	await n8n(install, [`import:${kind}`, `--input=${file}`]);
}

/** `n8n execute --id --rawOutput` prints logs, then the run data as JSON: return that JSON. */
export async function executeWorkflow(
	install: N8nInstall,
	id: string,
): Promise<Record<string, unknown>> {
	const output = await n8n(install, ['execute', `--id=${id}`, '--rawOutput']);
	// Log lines may come before and after the run data; the JSON is the outermost braces.
	const start = output.indexOf('{');
	const end = output.lastIndexOf('}');
	if (start < 0 || end < start) throw new Error(`n8n printed no JSON:\n${output}`);
	return JSON.parse(output.slice(start, end + 1)) as Record<string, unknown>;
}

export interface RunningN8n {
	baseUrl: string;
	stop(): Promise<void>;
}

/**
 * `n8n start` in the background, through scripts/start-n8n.sh as `npm start` does (the pack is
 * already in the user folder) on `port` (else a free one); resolves once /healthz/readiness answers. The script and n8n run in
 * their own process group, which stop() ends as a whole.
 */
export async function startN8n(install: N8nInstall, port?: number): Promise<RunningN8n> {
	port ??= await freePort();
	const env = {
		...install.env,
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_SM_PACK_INSTALLED: '1',
	};
	const child = spawn('bash', [join(REPO, 'scripts/start-n8n.sh')], {
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	child.stdout.on('data', (chunk) => (log += chunk));
	child.stderr.on('data', (chunk) => (log += chunk));
	// N8N_SM_E2E_LOG=<file>: n8n's own log, appended there, for reading after a failure.
	const logFile = process.env.N8N_SM_E2E_LOG;
	if (logFile) {
		child.stdout.on('data', (chunk) => appendFileSync(logFile, chunk));
		child.stderr.on('data', (chunk) => appendFileSync(logFile, chunk));
	}
	const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
	const baseUrl = `http://127.0.0.1:${port}`;
	// No deadline (a loaded machine may take minutes): n8n either answers or its script exits.
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`scripts/start-n8n.sh exited (${child.exitCode}):\n${log}`);
		const healthy = await fetch(`${baseUrl}/healthz/readiness`).then(
			(response) => response.ok,
			() => false,
		);
		if (healthy) break;
		await new Promise((resolveWait) => setTimeout(resolveWait, 500));
	}
	return {
		baseUrl,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			process.kill(-child.pid!, 'SIGTERM');
			await exited;
		},
	};
}

/** Makes an imported workflow's triggers live: `publish` in n8n 2.x, `update --active` in 1.x. */
export async function activateWorkflow(install: N8nInstall, id: string): Promise<void> {
	await n8n(
		install,
		install.major >= 2
			? ['publish:workflow', `--id=${id}`]
			: ['update:workflow', `--id=${id}`, '--active=true'],
	);
}

/**
 * `executeWorkflow` that survives n8n's crash at exit: n8n 2.41.1's `execute` on Node 24 often dies
 * with SIGSEGV after printing a finished execution, with or without this pack, whenever an
 * expression was evaluated (gdb: isolated-vm's thread pool is destroyed by exit handlers while
 * one of its isolate threads still allocates). The execution ran and was stored, so the run data
 * it printed in full is returned; every other failure, and a crash before that, still throws.
 */
export async function executeWorkflowDespiteExitCrash(
	install: N8nInstall,
	id: string,
): Promise<Record<string, unknown>> {
	const args = ['execute', `--id=${id}`, '--rawOutput'];
	const env = {
		...install.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_PORT: String(await freePort()),
	};
	const printed = (stdout: string): Record<string, unknown> | undefined => {
		const start = stdout.indexOf('{');
		const end = stdout.lastIndexOf('}');
		if (start < 0 || end < start) return undefined;
		try {
			return JSON.parse(stdout.slice(start, end + 1)) as Record<string, unknown>;
		} catch {
			return undefined;
		}
	};
	return await run(install.node, [install.bin, ...args], { env, maxBuffer: 1 << 26 }).then(
		({ stdout }) => {
			const execution = printed(stdout);
			if (!execution) throw new Error(`n8n printed no JSON:\n${stdout}`);
			return execution;
		},
		(error: { code?: number | null; signal?: string | null; stdout?: string; stderr?: string }) => {
			const execution = error.signal === 'SIGSEGV' ? printed(error.stdout ?? '') : undefined;
			if (execution?.finished === true) return execution;
			throw new Error(
				`n8n ${args.join(' ')} failed (exit ${error.code}, signal ${error.signal}):\n${error.stdout ?? ''}\n${error.stderr ?? ''}`,
			);
		},
	);
}

/**
 * POSTs to a production webhook, retrying while n8n says it is not registered yet: n8n answers
 * readiness before it has activated the published workflows, and on a loaded machine that can
 * take minutes. The 10-minute guard only keeps a workflow that never activates from hanging CI.
 */
export async function postToWebhook(
	baseUrl: string,
	path: string,
	init: RequestInit,
): Promise<Response> {
	const guard = Date.now() + 600_000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook/${path}`, { method: 'POST', ...init });
		if (response.status !== 404 || Date.now() > guard) return response;
		const text = await response.clone().text();
		if (!text.includes('is not registered')) return response;
		await new Promise((wait) => setTimeout(wait, 250));
	}
}
