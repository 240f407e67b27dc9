// A private redis-server for tests of Redis-backed stores (Telegram secret chats, Telnyx Trigger).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
	const address = server.address();
	await new Promise((resolveClose) => server.close(resolveClose));
	if (!address || typeof address === 'string') throw new Error('no port');
	return address.port;
}

export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Why Redis tests cannot run here (a skip reason), or undefined. Under CI=true the server is
 * part of the machine (.ci/run installs it): missing, it is an error, not a skip.
 */
export function redisMissing(): string | undefined {
	if (existsSync(REDIS_SERVER)) return undefined;
	const reason = `${REDIS_SERVER} is not installed (Debian package redis-server); the Redis store tests need a real server`;
	if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it`);
	return reason;
}

export interface RedisServer {
	url: string;
	stop(): Promise<void>;
}

/** A throw-away redis-server on a free port, nothing saved to disk. */
export async function startRedis(): Promise<RedisServer> {
	const port = await freePort();
	const child = spawn(
		REDIS_SERVER,
		['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--port', String(port)],
		{ stdio: 'ignore' },
	);
	const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
	for (let attempt = 0; ; attempt++) {
		if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
		if (await answersPing(port)) break;
		if (attempt > 500) throw new Error('redis-server did not start');
		await new Promise((resolveWait) => setTimeout(resolveWait, 20));
	}
	return {
		url: `redis://127.0.0.1:${port}`,
		async stop() {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		},
	};
}

function answersPing(port: number): Promise<boolean> {
	return new Promise((resolvePing) => {
		const socket = new Socket();
		socket.once('error', () => resolvePing(false));
		socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolvePing(data.toString().startsWith('+PONG'));
		});
	});
}
