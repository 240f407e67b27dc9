import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { TelnyxFakeMessage } from '../../fakes/telnyx/server';

/** A fresh Ed25519 key pair; the public key as Mission Control shows it (base64 of the raw 32 bytes). */
export interface SigningKey {
	publicKeyBase64: string;
	privateKey: KeyObject;
}

export function newSigningKey(): SigningKey {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const x = String(publicKey.export({ format: 'jwk' }).x);
	return { publicKeyBase64: Buffer.from(x, 'base64url').toString('base64'), privateKey };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Telnyx's signature: base64 Ed25519 over `${timestamp}|${raw body}`. */
export function signature(body: string, key: SigningKey, timestamp: number | string): string {
	return sign(null, Buffer.from(`${timestamp}|${body}`, 'utf8'), key.privateKey).toString('base64');
}

export function signedHeaders(
	body: string,
	key: SigningKey,
	timestamp: number = nowSeconds(),
): Record<string, string> {
	return {
		'content-type': 'application/json',
		'telnyx-signature-ed25519': signature(body, key, timestamp),
		'telnyx-timestamp': String(timestamp),
	};
}

export type MessageEventType = 'message.sent' | 'message.finalized' | 'message.received';

/**
 * A webhook body as Telnyx sends it (OutboundMessageEvent / InboundMessageEvent), around a
 * message the fake really holds. Indented and with non-ASCII text, so that only a check of the
 * raw bytes (not of re-serialized JSON) can pass.
 */
export function messageEvent(
	eventType: MessageEventType,
	payload: TelnyxFakeMessage | Record<string, unknown>,
	deliveredTo = 'https://example.com/hook',
): string {
	const event = {
		data: {
			event_type: eventType,
			id: randomUUID(),
			occurred_at: new Date().toISOString(),
			payload,
			record_type: 'event',
		},
		meta: { attempt: 1, delivered_to: deliveredTo },
	};
	return JSON.stringify(event, null, 2);
}
