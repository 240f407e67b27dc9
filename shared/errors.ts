import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** A refusal of one parameter's value: the message names the field, the description says the fix. */
export function fieldError(
	node: INode,
	field: string,
	problem: string,
	fix: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, `'${field}' ${problem}`, { description: fix, itemIndex });
}

export interface ProviderFailure {
	provider: string;
	/** What happened, in the provider's words where it gave any. */
	message: string;
	/** What the user can do about it. */
	description?: string;
	httpCode?: string;
	itemIndex?: number;
	/** Anything else worth keeping for the execution log (never credential values). */
	details?: JsonObject;
}

export function providerError(node: INode, failure: ProviderFailure): NodeApiError {
	const message = `${failure.provider}: ${failure.message}`;
	const response: JsonObject = { message: failure.message, ...(failure.details ?? {}) };
	if (failure.httpCode) response.httpCode = failure.httpCode;
	const error = new NodeApiError(node, response, {
		message,
		description: failure.description,
		httpCode: failure.httpCode,
		itemIndex: failure.itemIndex,
	});
	// NodeApiError swaps messages that mention a network code (ECONNRESET...) for a generic one;
	// ours say what happened to the message, which matters more.
	error.message = message;
	return error;
}

export function isNodeError(error: unknown): error is NodeApiError | NodeOperationError {
	return error instanceof NodeApiError || error instanceof NodeOperationError;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise's outcome as a value, for code that must decide what to do with a failure. */
export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	return await promise.then(
		(value): Settled<T> => ({ ok: true, value }),
		(error: unknown): Settled<T> => ({ ok: false, error }),
	);
}

/** A synchronous call's outcome as a value: the twin of settle, for checks and parsers that throw. */
export function attempt<T>(run: () => T): { ok: true; value: T } | { ok: false; error: Error } {
	try {
		return { ok: true, value: run() };
	} catch (error) {
		return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
	}
}
