import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

/**
 * Sealing at rest: AES-256-GCM under a key derived from the user's storage secret with scrypt.
 * Every blob carries its own random IV; the additional data binds it to the account and chat
 * (or to the store's check value), so a blob copied elsewhere does not open.
 */

/** scrypt's cost settings, kept beside the data so a store made today opens after they change. */
export interface KdfParams {
	N: number;
	r: number;
	p: number;
	salt: Buffer;
}

// N = 2^17, r = 8: 128 MiB and roughly 0.3-0.5 s once per opened store (never per message); the
// secret may be a password someone typed, so guessing it must be expensive for whoever holds the
// files. Key files with a lower N are re-sealed at this cost when opened (storeKey.ts).
const NEW_STORE_KDF = { N: 2 ** 17, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Version tag at the start of every blob: lets a later format be told apart. */
const BLOB_MAGIC = Buffer.from('TSC1', 'latin1');

/** Whether a key file's settings are below today's cost, so it should be re-sealed. */
export function kdfIsWeak(params: KdfParams): boolean {
	return params.N * params.r * params.p < NEW_STORE_KDF.N * NEW_STORE_KDF.r * NEW_STORE_KDF.p;
}

export function newDataKey(): Buffer {
	return randomBytes(KEY_BYTES);
}

export function newKdfParams(): KdfParams {
	return { ...NEW_STORE_KDF, salt: randomBytes(SALT_BYTES) };
}

/** Settings read from a store that we agree to run (a damaged file must not ask for 100 GB). */
export function kdfParamsAreSane(params: KdfParams): boolean {
	const { N, r, p, salt } = params;
	return (
		Number.isInteger(N) &&
		N >= 2 ** 10 &&
		N <= 2 ** 20 &&
		(N & (N - 1)) === 0 &&
		Number.isInteger(r) &&
		r >= 1 &&
		r <= 32 &&
		Number.isInteger(p) &&
		p >= 1 &&
		p <= 16 &&
		salt.length >= SALT_BYTES &&
		salt.length <= 64
	);
}

export function deriveStoreKey(secret: string, params: KdfParams): Promise<Buffer> {
	const { N, r, p, salt } = params;
	return new Promise((resolve, reject) => {
		scrypt(
			Buffer.from(secret, 'utf8'),
			salt,
			KEY_BYTES,
			{ N, r, p, maxmem: 256 * N * r * p },
			(error, key) => (error ? reject(error) : resolve(key)),
		);
	});
}

export function sealBlob(key: Buffer, plaintext: Buffer, binding: string): Buffer {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
	cipher.setAAD(Buffer.from(binding, 'utf8'));
	const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
	return Buffer.concat([BLOB_MAGIC, iv, cipher.getAuthTag(), body]);
}

/** The plaintext, or undefined when the blob is malformed, altered, bound elsewhere or under another key. */
export function openBlob(key: Buffer, blob: Buffer, binding: string): Buffer | undefined {
	const headerBytes = BLOB_MAGIC.length + IV_BYTES + TAG_BYTES;
	if (blob.length < headerBytes || !blob.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC))
		return undefined;
	const iv = blob.subarray(BLOB_MAGIC.length, BLOB_MAGIC.length + IV_BYTES);
	const tag = blob.subarray(BLOB_MAGIC.length + IV_BYTES, headerBytes);
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
		decipher.setAAD(Buffer.from(binding, 'utf8'));
		decipher.setAuthTag(tag);
		return Buffer.concat([decipher.update(blob.subarray(headerBytes)), decipher.final()]);
	} catch {
		return undefined;
	}
}

/** What a chat's blob is bound to. */
export function chatBinding(accountId: string, chatId: number): string {
	return `telegram-secret-chats/1 account=${accountId} chat=${chatId}`;
}

/** What the wrapped data key of a version 2 key file is bound to. */
export function dataKeyBinding(accountId: string): string {
	return `telegram-secret-chats/2 account=${accountId} data-key`;
}

/** What the store's check value is bound to: proves the secret before any chat is touched. */
export function checkBinding(accountId: string): string {
	return `telegram-secret-chats/1 account=${accountId} check`;
}
