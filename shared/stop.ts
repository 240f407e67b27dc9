import { sleep } from 'n8n-workflow';
import { settle } from './errors';

/** n8n's Stop button for this execution, where the context has one (not in the editor's lists). */
export function stopSignalOf(context: object): AbortSignal | undefined {
	const { getExecutionCancelSignal } = context as {
		getExecutionCancelSignal?: () => AbortSignal | undefined;
	};
	return typeof getExecutionCancelSignal === 'function'
		? getExecutionCancelSignal.call(context)
		: undefined;
}

/** Thrown instead of starting or finishing anything once the execution was stopped. */
export class ExecutionStoppedError extends Error {
	constructor() {
		super('the execution was stopped, so nothing more was sent');
		this.name = 'ExecutionStoppedError';
	}
}

export function throwIfStopped(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new ExecutionStoppedError();
}

/** Waits `ms`, unless Stop is pressed first: then it ends at once with ExecutionStoppedError. */
export async function waitUnlessStopped(
	ms: number,
	signal: AbortSignal | undefined,
): Promise<void> {
	throwIfStopped(signal);
	const waited = await settle(sleep(ms, signal));
	throwIfStopped(signal);
	if (!waited.ok) throw waited.error;
}
