import { generateKeyPair, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The fake's RSA key for the DH exchange. One pair per test process (generating one takes a
 * few hundred ms); clients trust it through trust-fake-rsa.cjs.
 */

export interface FakeRsaKey {
	privateKey: KeyObject;
	publicKeyPem: string;
	/** Telegram-style fingerprint as gramjs keys it: a signed 64-bit integer in decimal. */
	fingerprint: string;
}

interface TrustModule {
	trustFakeRsaKey(publicKeyPem: string): string;
	fakeRsaKeyOf(publicKeyPem: string): { fingerprint: string; n: bigint; e: number };
}

/** Path of the preload for `node --require`, reading TELEGRAM_FAKE_RSA_PUBLIC_PEM. */
export const TRUST_FAKE_RSA_PRELOAD = path.join(__dirname, 'trust-fake-rsa.cjs');

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload shared with child processes
const trustModule = require(TRUST_FAKE_RSA_PRELOAD) as TrustModule;

let keyPromise: Promise<FakeRsaKey> | undefined;

export function fakeRsaKey(): Promise<FakeRsaKey> {
	keyPromise ??= promisify(generateKeyPair)('rsa', {
		modulusLength: 2048,
		publicExponent: 65537,
	}).then(({ privateKey, publicKey }) => {
		const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
		return {
			privateKey,
			publicKeyPem,
			fingerprint: trustModule.fakeRsaKeyOf(publicKeyPem).fingerprint,
		};
	});
	return keyPromise;
}

/** Makes this process's gramjs accept the key (for a client in the test process itself). */
export function trustFakeRsaKeyInThisProcess(publicKeyPem: string): void {
	trustModule.trustFakeRsaKey(publicKeyPem);
}
