import type { SecretChatState } from './protocol';
import { decodeSecretLayer, type SecretLayerEnvelope } from './tl';

/**
 * What the sent log holds for a random_id, looked up once per send: undefined when it was never
 * sent (or left the log); `envelope`, the message as it was sealed, only until the other side
 * acknowledged it (then only its id is kept).
 */
export function sentBefore(
	state: SecretChatState,
	randomId: bigint,
): { acknowledged: boolean; envelope?: SecretLayerEnvelope } | undefined {
	const id = randomId.toString();
	const entry = state.sentLog.find((sent) => sent.randomId === id);
	if (!entry) return undefined;
	if (entry.envelope === undefined) return { acknowledged: true };
	return {
		acknowledged: false,
		envelope: decodeSecretLayer(Buffer.from(entry.envelope, 'base64')),
	};
}
