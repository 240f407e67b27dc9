// n8n's queue mode on this machine, from the cached n8n runtime: a private Postgres and Redis, one
// `n8n start` (main) and `n8n worker`s, all with the pack installed in one shared user folder.
// Used by the queue-mode e2e tests, the queue-mode bench and `npm run sandbox -- --queue`.
// Nothing runs as a system service: Postgres and Redis are started as child processes on free
// ports, with their files in ~/.cache/n8n-nodes-scheduled-messaging/queue-mode/<run>, and removed
// by stop().
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
	appendFileSync,
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REDIS_SERVER, startRedis, type RedisServer } from '../harness/redis';
import { freePort, prepareN8n, startN8n, type N8nInstall, type RunningN8n } from './n8nCli';

const run = promisify(execFile);

/** Where Postgres's programs are: N8N_SM_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin (Debian). */
export function postgresBin(): string | undefined {
	const configured = process.env.N8N_SM_PG_BIN;
	if (configured) return existsSync(join(configured, 'initdb')) ? configured : undefined;
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => existsSync(join(root, name, 'bin/initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length > 0 ? join(root, versions[0], 'bin') : undefined;
}

/**
 * Why queue mode cannot run here (a skip reason), or undefined. Under CI=true both servers are part
 * of the machine (.ci/run installs postgresql and redis-server): a missing one is an error.
 */
export function queueModeMissing(): string | undefined {
	const missing: string[] = [];
	if (!postgresBin())
		missing.push('Postgres (Debian package postgresql: /usr/lib/postgresql/<n>/bin/initdb)');
	if (!existsSync(REDIS_SERVER))
		missing.push(`Redis (Debian package redis-server: ${REDIS_SERVER})`);
	if (missing.length === 0) return undefined;
	const reason = `n8n's queue mode needs a real ${missing.join(' and ')}, not installed here`;
	if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it`);
	return reason;
}

/**
 * What a run started, in its folder's run.json, so that the next run can end what a killed one
 * left behind (pg_ctl starts Postgres as a daemon; a test process killed with SIGKILL runs no
 * clean-up): the owning process, Postgres's data folder, Redis's port. Its n8n processes carry
 * N8N_SM_QUEUE_RUN=<folder> in their environment.
 */
interface RunRecord {
	owner: number;
	postgresFolder?: string;
	redisPort?: number;
}

const RUN_MARK = 'N8N_SM_QUEUE_RUN';

function record(folder: string, update: Partial<RunRecord>) {
	const file = join(folder, 'run.json');
	const current: RunRecord = existsSync(file)
		? (JSON.parse(readFileSync(file, 'utf8')) as RunRecord)
		: { owner: process.pid };
	writeFileSync(file, JSON.stringify({ ...current, ...update }));
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Processes whose environment or command line holds `text` (Linux /proc). */
function processesWith(text: string, where: 'environ' | 'cmdline'): number[] {
	if (!existsSync('/proc')) return [];
	return readdirSync('/proc')
		.filter((name) => /^\d+$/.test(name))
		.filter((pid) => {
			try {
				return readFileSync(`/proc/${pid}/${where}`, 'latin1').replace(/\0/g, ' ').includes(text);
			} catch {
				return false;
			}
		})
		.map(Number);
}

/** Ends the processes and removes the folders of runs whose owner is gone. */
async function cleanStaleRuns(base: string) {
	for (const name of readdirSync(base).filter((entry) => entry.startsWith('run-'))) {
		const folder = join(base, name);
		const file = join(folder, 'run.json');
		if (!existsSync(file)) continue;
		const stale = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
		if (isAlive(stale.owner)) continue;
		const pids = processesWith(`${RUN_MARK}=${folder} `, 'environ');
		if (stale.redisPort)
			pids.push(...processesWith(`redis-server 127.0.0.1:${stale.redisPort}`, 'cmdline'));
		for (const pid of pids) if (pid !== process.pid) process.kill(pid, 'SIGKILL');
		const bin = postgresBin();
		if (stale.postgresFolder && bin && existsSync(join(stale.postgresFolder, 'data')))
			await asPostgresUser(join(bin, 'pg_ctl'), [
				'-D',
				join(stale.postgresFolder, 'data'),
				'-m',
				'immediate',
				'stop',
			]).catch(() => undefined);
		if (stale.postgresFolder) rmSync(stale.postgresFolder, { recursive: true, force: true });
		rmSync(folder, { recursive: true, force: true });
	}
}

/** The folder for this run's Postgres, Redis and logs, inside the n8n cache. */
async function runFolder(): Promise<string> {
	const cache = process.env.N8N_SM_CACHE ?? join(homedir(), '.cache/n8n-nodes-scheduled-messaging');
	const base = join(cache, 'queue-mode');
	mkdirSync(base, { recursive: true });
	await cleanStaleRuns(base);
	const folder = mkdtempSync(join(base, 'run-'));
	record(folder, { owner: process.pid });
	return folder;
}

export interface Postgres {
	/** Its data (data/), socket and log. */
	folder: string;
	host: string;
	port: number;
	database: string;
	user: string;
	/** n8n's settings for this database. */
	env: Record<string, string>;
	/** Rows of a query through psql, each a list of column values. */
	query(sql: string): Promise<string[][]>;
	stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Postgres refuses to run as root. As root, its programs run as the user `postgres` (Debian's
 * package creates it) through runuser; its folder must then be one that user can reach: root's
 * home is usually private (0700), so the data goes to a folder under the system's temp folder.
 */
async function asPostgresUser(file: string, args: string[]): Promise<string> {
	const [command, commandArgs] = isRoot()
		? ['runuser', ['-u', 'postgres', '--', file, ...args]]
		: [file, args];
	try {
		const { stdout } = await run(command, commandArgs, { maxBuffer: 1 << 24 });
		return stdout;
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: string; stderr?: string };
		throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
	}
}

async function postgresCanReach(folder: string): Promise<boolean> {
	if (!isRoot()) return true;
	return await run('runuser', ['-u', 'postgres', '--', 'test', '-w', folder]).then(
		() => true,
		() => false,
	);
}

/** A throw-away Postgres cluster on a free port (trust authentication, 127.0.0.1 only). */
export async function startPostgres(folder: string): Promise<Postgres> {
	const bin = postgresBin();
	if (!bin) throw new Error(queueModeMissing() ?? 'Postgres is not installed');
	let pgFolder = join(folder, 'postgres');
	mkdirSync(pgFolder);
	if (isRoot()) {
		await run('chown', ['postgres:', pgFolder]).catch(() => {
			throw new Error(
				'running as root needs the user "postgres" (Debian package postgresql creates it)',
			);
		});
		if (!(await postgresCanReach(pgFolder))) {
			rmSync(pgFolder, { recursive: true, force: true });
			pgFolder = mkdtempSync(join(tmpdir(), 'n8n-sm-postgres-'));
			chmodSync(pgFolder, 0o700);
			await run('chown', ['postgres:', pgFolder]);
		}
	}
	const data = join(pgFolder, 'data');
	const port = await freePort();
	const user = 'n8n';
	const database = 'n8n';
	await asPostgresUser(join(bin, 'initdb'), [
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		user,
		'-E',
		'UTF8',
		'--locale=C',
		'--no-sync',
	]);
	// fsync off: a test database; nothing in it outlives the run.
	const options = `-p ${port} -k ${pgFolder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
	await asPostgresUser(join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-o',
		options,
		'-l',
		join(pgFolder, 'postgres.log'),
		'-w',
		'-t',
		'120',
		'start',
	]);
	const host = '127.0.0.1';
	const client = (name: string) => join(bin, name);
	await run(client('createdb'), ['-h', host, '-p', String(port), '-U', user, database]);
	return {
		folder: pgFolder,
		host,
		port,
		database,
		user,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: host,
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: '',
		},
		async query(sql: string) {
			const { stdout } = await run(
				client('psql'),
				['-h', host, '-p', String(port), '-U', user, '-d', database, '-At', '-F', '\t', '-c', sql],
				{ maxBuffer: 1 << 26 },
			);
			return stdout
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => line.split('\t'));
		},
		async stop() {
			await asPostgresUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(
				() => undefined,
			);
			rmSync(pgFolder, { recursive: true, force: true });
		},
	};
}

export interface Worker {
	name: string;
	pid: number;
	/** Everything the worker printed so far. */
	log(): string;
	/** Execution ids this worker started, read from its log ("Worker started execution N"). */
	executions(): string[];
	/** Ends the worker at once (SIGKILL: no shutdown, no lock released), as a crash would. */
	kill(): Promise<void>;
	stop(): Promise<void>;
}

export interface QueueModeOptions {
	/** How many `n8n worker` processes (2). */
	workers?: number;
	/** Each worker's --concurrency (5, n8n's advice). */
	concurrency?: number;
	/**
	 * How long a worker's lock on a job lasts without renewal (QUEUE_WORKER_LOCK_DURATION, ms).
	 * n8n's default is 60 s, with a stalled-job check every 30 s: a crashed worker's execution is
	 * then failed after up to 90 s. Tests shorten both.
	 */
	lockDurationMs?: number;
	/** The main's port (else a free one). */
	mainPort?: number;
	/** More n8n settings for every process. */
	env?: Record<string, string>;
}

/** Postgres, Redis and the n8n settings every process of one queue-mode n8n shares. */
export interface QueueSetup {
	/** prepareN8n's install (pack in the shared user folder), its env switched to queue mode. */
	install: N8nInstall;
	postgres: Postgres;
	redis: RedisServer & { port: number };
	folder: string;
	/**
	 * Starts main and the workers at once. Import credentials and workflows (importJson) before:
	 * the first import migrates the database, which processes starting together must not race to do.
	 */
	start(): Promise<QueueCluster>;
	/** Stops everything started, removes the run's folder. */
	stop(): Promise<void>;
}

export interface QueueCluster {
	main: RunningN8n;
	workers: Worker[];
	/** Starts one more worker (e.g. after one was killed). */
	addWorker(): Promise<Worker>;
}

/** Appends a process's output to N8N_SM_E2E_LOG, when set (read it after a failure). */
function keepLog(child: ChildProcess, name: string, into: { text: string }) {
	const logFile = process.env.N8N_SM_E2E_LOG;
	const take = (chunk: Buffer) => {
		into.text += chunk.toString();
		if (logFile)
			appendFileSync(logFile, `${new Date().toISOString()} [${name}] ${chunk.toString()}`);
	};
	child.stdout?.on('data', take);
	child.stderr?.on('data', take);
}

async function startWorker(
	install: N8nInstall,
	name: string,
	concurrency: number,
): Promise<Worker> {
	const env = {
		...install.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
	};
	const child = spawn(install.node, [install.bin, 'worker', `--concurrency=${concurrency}`], {
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = { text: '' };
	keepLog(child, name, output);
	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	// No deadline (a loaded machine may take minutes): the worker either says it is ready or exits.
	while (!output.text.includes('n8n worker is now ready')) {
		if (child.exitCode !== null || child.signalCode !== null)
			throw new Error(
				`n8n worker ${name} exited (${child.exitCode ?? child.signalCode}):\n${output.text}`,
			);
		await new Promise((wait) => setTimeout(wait, 200));
	}
	const alive = () => child.exitCode === null && child.signalCode === null;
	return {
		name,
		pid: child.pid!,
		log: () => output.text,
		executions: () =>
			[...output.text.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]),
		async kill() {
			if (alive()) process.kill(child.pid!, 'SIGKILL');
			await exited;
		},
		async stop() {
			if (alive()) process.kill(-child.pid!, 'SIGTERM');
			await exited;
		},
	};
}

/**
 * Postgres, Redis and a user folder with the pack, set up for queue mode. Import credentials and
 * workflows with `importJson(setup.install, ...)` (and publish them), then `start()`.
 */
export async function prepareQueueMode(options: QueueModeOptions = {}): Promise<QueueSetup> {
	const reason = queueModeMissing();
	if (reason) throw new Error(reason);
	const folder = await runFolder();
	const started: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
		rmSync(folder, { recursive: true, force: true });
	};
	try {
		const postgres = await startPostgres(folder);
		started.push(() => postgres.stop());
		record(folder, { postgresFolder: postgres.folder });
		const redisServer = await startRedis();
		started.push(() => redisServer.stop());
		const redis = { ...redisServer, port: Number(new URL(redisServer.url).port) };
		record(folder, { redisPort: redis.port });
		const base = await prepareN8n();
		started.push(async () => rmSync(base.userFolder, { recursive: true, force: true }));
		const lockDurationMs = options.lockDurationMs ?? 60_000;
		const install: N8nInstall = {
			...base,
			env: {
				...base.env,
				...postgres.env,
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				QUEUE_WORKER_LOCK_DURATION: String(lockDurationMs),
				QUEUE_WORKER_LOCK_RENEW_TIME: String(Math.max(1000, Math.floor(lockDurationMs / 6))),
				QUEUE_WORKER_STALLED_INTERVAL: String(Math.max(1000, Math.floor(lockDurationMs / 2))),
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
				N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
				// Info lines say when a worker is ready and which executions it started.
				N8N_LOG_LEVEL: 'info',
				[RUN_MARK]: folder,
				...options.env,
			},
		};
		const setup: QueueSetup = {
			install,
			postgres,
			redis,
			folder,
			async start() {
				const workers: Worker[] = [];
				let named = 0;
				const addWorker = async () => {
					const worker = await startWorker(install, `worker${++named}`, options.concurrency ?? 5);
					started.push(() => worker.stop());
					workers.push(worker);
					return worker;
				};
				// Main and workers boot at once (on a busy machine that is much quicker than one
				// after the other); the database must be migrated already, which the imports do.
				const [main, ...rest] = await Promise.allSettled([
					startN8n(install, options.mainPort),
					...Array.from({ length: options.workers ?? 2 }, addWorker),
				]);
				if (main.status === 'fulfilled') started.push(() => main.value.stop());
				const failure = [main, ...rest].find((result) => result.status === 'rejected');
				if (failure) throw (failure as PromiseRejectedResult).reason;
				workers.sort((a, b) => a.name.localeCompare(b.name));
				return { main: (main as PromiseFulfilledResult<RunningN8n>).value, workers, addWorker };
			},
			stop: stopAll,
		};
		return setup;
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** n8n's executions as its database has them: id, status, and whether the run finished. */
export async function executionsOf(
	postgres: Postgres,
	workflowId: string,
): Promise<Array<{ id: string; status: string; finished: boolean }>> {
	const rows = await postgres.query(
		`SELECT id, status, finished FROM execution_entity WHERE "workflowId" = '${workflowId.replace(/'/g, "''")}' ORDER BY id`,
	);
	return rows.map(([id, status, finished]) => ({ id, status, finished: finished === 't' }));
}

/** The stored run data of one execution (n8n's flatted JSON text), for searching error messages. */
export async function executionDataText(postgres: Postgres, executionId: string): Promise<string> {
	const rows = await postgres.query(
		`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
	);
	return rows.map((row) => row.join('\t')).join('\n');
}
