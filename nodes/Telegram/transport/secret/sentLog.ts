import type { SecretChatState } from './protocol';
import { decodeSecretLayer, type SecretLayerEnvelope } from './tl';

/**
 * The envelope a message with this random_id was sealed in, from the sent log: absent when it
 * was never sent, or when the other side acknowledged it (only its id is kept then).
 */
export function sentEnvelope(
	state: SecretChatState,
	randomId: bigint,
): SecretLayerEnvelope | undefined {
	const entry = state.sentLog.find((sent) => sent.randomId === randomId.toString());
	return entry?.envelope ? decodeSecretLayer(Buffer.from(entry.envelope, 'base64')) : undefined;
}
