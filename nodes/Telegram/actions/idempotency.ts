import { createHash, randomBytes } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The random_id of one message: the first 8 bytes of SHA-256(execution, node, operation, item,
 * album part) as a signed 64-bit integer. n8n's Retry On Fail re-runs the node with the same
 * execution id, so a retried send carries the same random_id and Telegram refuses it as
 * RANDOM_ID_DUPLICATE instead of sending it twice.
 */
export function deriveRandomId(parts: Array<string | number>): bigint {
	const id = createHash('sha256').update(JSON.stringify(parts)).digest().readBigInt64BE(0);
	// Telegram treats 0 as "no random_id" (RANDOM_ID_EMPTY).
	return id === 0n ? 1n : id;
}

export function messageRandomId(context: IExecuteFunctions, operation: string, itemIndex: number, part = 0): bigint {
	const executionId = context.getExecutionId();
	// Without an execution id nothing can be recognised again, so each attempt is new.
	if (!executionId || executionId === '__UNKNOWN__') return randomBytes(8).readBigInt64BE(0) || 1n;
	const node = context.getNode();
	return deriveRandomId([executionId, node.id ?? node.name, operation, itemIndex, part]);
}
