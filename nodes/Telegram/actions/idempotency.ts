import { randomBytes } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { sendIdentity } from '../../../shared/executionMemo';
import { sha256 } from '../../../shared/sha256';

/**
 * The random_id of one message: the first 8 bytes of SHA-256 of its send identity (instance,
 * workflow, execution, node, run index, operation, item, album part) as a signed 64-bit integer.
 * Retry On Fail repeats the node with the same identity, so a retried send carries the same
 * random_id and Telegram does not send it twice; a loop's next pass, or another n8n instance
 * sharing the account, gets new ones.
 */
function deriveRandomId(identity: string): bigint {
	const id = sha256(identity).readBigInt64BE(0);
	// Telegram treats 0 as "no random_id" (RANDOM_ID_EMPTY).
	return id === 0n ? 1n : id;
}

export function messageRandomId(
	context: IExecuteFunctions,
	operation: string,
	itemIndex: number,
	part = 0,
): bigint {
	const identity = sendIdentity(context, operation, itemIndex, part);
	// Without an execution id nothing can be recognised again, so each attempt is new.
	if (identity === undefined) return randomBytes(8).readBigInt64BE(0) || 1n;
	return deriveRandomId(identity);
}
