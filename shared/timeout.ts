/** Thrown by withTimeout when the promise did not settle in time. */
export class TimeoutSignal extends Error {
	constructor(readonly ms: number) {
		super(`no answer within ${Math.round(ms / 1000)} s`);
		this.name = 'TimeoutSignal';
	}
}

/**
 * Settles like `promise`, or rejects with TimeoutSignal after `ms`. The timer is cleared as soon
 * as the promise settles, so it never keeps the process alive on its own.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const expired = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new TimeoutSignal(ms)), ms);
	});
	try {
		return await Promise.race([promise, expired]);
	} finally {
		clearTimeout(timer);
	}
}
