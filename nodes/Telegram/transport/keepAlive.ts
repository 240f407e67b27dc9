import { randomBytes } from 'node:crypto';
import { withTimeout } from '../../../shared/timeout';
import type { TelegramSession } from './pool';

/**
 * A listening trigger's own keep-alive. gramjs's ping loop is off (connect.ts: it would keep
 * every process alive), so without this a connection that goes silent (a NAT or proxy that
 * forgot it; no FIN, no RST) looks open forever and nothing more arrives. Telegram's
 * ping_delay_disconnect both checks the path and asks the server to close the connection when
 * the pings stop.
 */

export interface KeepAliveTimings {
	/** How often a listening connection is pinged. */
	pingEveryMs: number;
	/** A ping not answered within this is a dead connection. */
	pingTimeoutMs: number;
	/** The first wait before connecting again; doubled after each failed attempt. */
	reconnectFirstDelayMs: number;
	reconnectMaxDelayMs: number;
	/** Failed reconnects in a row after which the outage is reported (once; retries go on). */
	outageAfterFailures: number;
}

export const DEFAULT_KEEP_ALIVE: Readonly<KeepAliveTimings> = {
	pingEveryMs: 30_000,
	pingTimeoutMs: 10_000,
	reconnectFirstDelayMs: 1_000,
	reconnectMaxDelayMs: 60_000,
	outageAfterFailures: 5,
};

/** The timings in use; tests shorten them with configureKeepAlive. */
export const keepAliveTimings: KeepAliveTimings = { ...DEFAULT_KEEP_ALIVE };

/** Changes the timings for triggers started from now on (tests); no argument restores the defaults. */
export function configureKeepAlive(changes?: Partial<KeepAliveTimings>): void {
	Object.assign(keepAliveTimings, DEFAULT_KEEP_ALIVE, changes ?? {});
}

/** Telegram closes the connection itself when no ping follows within this many seconds. */
function disconnectDelaySeconds(timings: KeepAliveTimings): number {
	return Math.ceil((2 * timings.pingEveryMs + timings.pingTimeoutMs) / 1000);
}

/** The wait before reconnect attempt `failures + 1`. */
export function reconnectDelayMs(failures: number, timings: KeepAliveTimings): number {
	return Math.min(
		timings.reconnectMaxDelayMs,
		timings.reconnectFirstDelayMs * 2 ** Math.min(failures, 20),
	);
}

/**
 * Waits `ms` unless `cancelled` settles first (then the timer is cleared). The timer keeps the
 * process alive: a trigger between reconnect attempts is still at work until it is closed.
 */
export async function pause(ms: number, cancelled: Promise<unknown>): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([
		new Promise<void>((resolve) => {
			timer = setTimeout(resolve, ms);
		}),
		cancelled,
	]);
	clearTimeout(timer);
}

export interface ConnectionWatch {
	/** Resolves with the reason once a ping goes unanswered (never, if stopped first). */
	dead: Promise<string>;
	stop(): void;
}

/** Pings the session's connection every `pingEveryMs` until a ping fails or stop() is called. */
export function watchConnection(
	session: TelegramSession,
	timings: KeepAliveTimings = keepAliveTimings,
): ConnectionWatch {
	let stop!: () => void;
	const stopped = new Promise<void>((resolve) => (stop = resolve));
	let active = true;
	void stopped.then(() => (active = false));
	const dead = (async (): Promise<string> => {
		for (;;) {
			await pause(timings.pingEveryMs, stopped);
			if (!active) return await new Promise<never>(() => undefined);
			const { Api, readBigIntFromBuffer } = session.gram;
			const ping = new Api.PingDelayDisconnect({
				pingId: readBigIntFromBuffer(randomBytes(8), true, true),
				disconnectDelay: disconnectDelaySeconds(timings),
			});
			const answered = await withTimeout(session.client.invoke(ping), timings.pingTimeoutMs).then(
				() => undefined,
				(error: unknown) => (error as Error)?.message ?? String(error),
			);
			if (!active) return await new Promise<never>(() => undefined);
			if (answered !== undefined) return `a keep-alive ping failed (${answered})`;
		}
	})();
	return { dead, stop };
}
