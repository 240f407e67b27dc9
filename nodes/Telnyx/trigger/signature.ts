import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** Telnyx's replay window: events signed more than this far from now are refused. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function strictBase64(value: string): Buffer | undefined {
	return value !== '' && STRICT_BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/** The account's public key as Mission Control shows it (base64 of the raw 32-byte Ed25519 key). */
export function parsePublicKey(base64: string): KeyObject | undefined {
	const raw = strictBase64(base64.trim());
	if (raw?.length !== 32) return undefined;
	try {
		return createPublicKey({
			key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
			format: 'jwk',
		});
	} catch {
		return undefined;
	}
}

export interface SignedRequest {
	rawBody: Buffer;
	signature: string | undefined;
	timestamp: string | undefined;
}

export type Verdict = { valid: true } | { valid: false; reason: string };

/**
 * Checks `telnyx-signature-ed25519` (base64 Ed25519 signature of `timestamp|raw body`) and that
 * `telnyx-timestamp` (Unix seconds) is within MAX_CLOCK_SKEW_SECONDS of `nowSeconds`.
 */
export function verifyTelnyxSignature(
	request: SignedRequest,
	publicKey: KeyObject,
	nowSeconds: number,
): Verdict {
	const { signature, timestamp } = request;
	if (!signature) return { valid: false, reason: 'the telnyx-signature-ed25519 header is missing' };
	if (!timestamp) return { valid: false, reason: 'the telnyx-timestamp header is missing' };
	if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(Number(timestamp))) {
		return { valid: false, reason: 'telnyx-timestamp is not a Unix time in seconds' };
	}
	const skew = nowSeconds - Number(timestamp);
	if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
		return {
			valid: false,
			reason: `telnyx-timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (more than ${MAX_CLOCK_SKEW_SECONDS} s)`,
		};
	}
	const signatureBytes = strictBase64(signature);
	if (signatureBytes?.length !== 64)
		return { valid: false, reason: 'telnyx-signature-ed25519 is not a base64 Ed25519 signature' };
	const signed = Buffer.concat([Buffer.from(`${timestamp}|`, 'utf8'), request.rawBody]);
	return verify(null, signed, publicKey, signatureBytes)
		? { valid: true }
		: { valid: false, reason: 'the signature does not match the body' };
}
