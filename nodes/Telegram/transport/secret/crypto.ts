import {
	createCipheriv,
	createDecipheriv,
	createHash,
	randomBytes,
	timingSafeEqual,
} from 'node:crypto';

/**
 * The symmetric half of secret chats: MTProto 2.0 as end-to-end encryption. The chat key plays
 * the auth key's part; x is 0 for what the chat's creator sends and 8 for the other side.
 */

const CHAT_KEY_LENGTH = 256;
const BLOCK = 16;
const MIN_PADDING = 12;
const MAX_PADDING = 1024;
/** fingerprint (8) + msg_key (16) */
const HEADER_LENGTH = 24;

export type SecretX = 0 | 8;

/** Why received bytes were refused. Never carries key material. */
export class SecretPayloadError extends Error {
	constructor(
		readonly reason: 'too-short' | 'unknown-fingerprint' | 'msg-key-mismatch' | 'bad-length',
		message: string,
	) {
		super(message);
		this.name = 'SecretPayloadError';
	}
}

function requireLength(value: Buffer, length: number, what: string): void {
	if (value.length !== length)
		throw new RangeError(`${what} must be ${length} bytes, got ${value.length}`);
}

function checkIgeArguments(data: Buffer, key: Buffer, iv: Buffer): void {
	requireLength(key, 32, 'the AES-256 key');
	requireLength(iv, 32, 'the IGE initialization vector');
	if (data.length % BLOCK !== 0)
		throw new RangeError(`AES-IGE data must be a multiple of 16 bytes, got ${data.length}`);
}

function xorBlock(a: Buffer, b: Buffer): Buffer {
	const out = Buffer.alloc(BLOCK);
	for (let index = 0; index < BLOCK; index++) out[index] = a[index] ^ b[index];
	return out;
}

// IGE chains each block with the previous ciphertext before and the previous plaintext after the
// block cipher; node:crypto has no IGE mode. Encryption maps onto one CBC pass: with y_i = E(p_i ^
// c_(i-1)) and c_i = y_i ^ p_(i-1), CBC's chain y_i = E(x_i ^ y_(i-1)) holds for x_i = p_i ^ p_(i-2)
// (p_0 the IV's second half, the CBC IV its first), so the whole message goes to OpenSSL at once.
// Decryption needs each plaintext block before the next one, so ECB does it block by block.

/** AES-256-IGE; the data must already be padded to 16 bytes (nothing is added). */
export function aesIgeEncrypt(data: Buffer, key: Buffer, iv: Buffer): Buffer {
	checkIgeArguments(data, key, iv);
	const previousPlain = iv.subarray(BLOCK, 2 * BLOCK);
	const input = Buffer.from(data);
	for (let index = BLOCK; index < input.length; index++)
		input[index] ^= index < 2 * BLOCK ? previousPlain[index - BLOCK] : data[index - 2 * BLOCK];
	const cipher = createCipheriv('aes-256-cbc', key, iv.subarray(0, BLOCK)).setAutoPadding(false);
	const out = Buffer.concat([cipher.update(input), cipher.final()]);
	for (let index = 0; index < out.length; index++)
		out[index] ^= index < BLOCK ? previousPlain[index] : data[index - BLOCK];
	return out;
}

export function aesIgeDecrypt(data: Buffer, key: Buffer, iv: Buffer): Buffer {
	checkIgeArguments(data, key, iv);
	const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
	const out = Buffer.alloc(data.length);
	let previousCipher = iv.subarray(0, BLOCK);
	let previousPlain = iv.subarray(BLOCK, 2 * BLOCK);
	for (let offset = 0; offset < data.length; offset += BLOCK) {
		const encrypted = data.subarray(offset, offset + BLOCK);
		const plain = xorBlock(decipher.update(xorBlock(encrypted, previousPlain)), previousCipher);
		plain.copy(out, offset);
		previousCipher = encrypted;
		previousPlain = plain;
	}
	return out;
}

function sha256(...parts: Buffer[]): Buffer {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(part);
	return hash.digest();
}

/** msg_key: the middle 128 bits of SHA256(key[88+x, 32 bytes] + the padded plaintext). */
export function messageKeyFor(chatKey: Buffer, paddedPlaintext: Buffer, x: SecretX): Buffer {
	requireLength(chatKey, CHAT_KEY_LENGTH, 'the chat key');
	return sha256(chatKey.subarray(88 + x, 88 + x + 32), paddedPlaintext).subarray(8, 24);
}

/** The AES key and IV of one message, from the chat key and its msg_key (MTProto 2.0 KDF). */
export function secretAesKeyIv(
	chatKey: Buffer,
	msgKey: Buffer,
	x: SecretX,
): { key: Buffer; iv: Buffer } {
	requireLength(chatKey, CHAT_KEY_LENGTH, 'the chat key');
	requireLength(msgKey, 16, 'msg_key');
	const a = sha256(msgKey, chatKey.subarray(x, x + 36));
	const b = sha256(chatKey.subarray(40 + x, 40 + x + 36), msgKey);
	return {
		key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
		iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
	};
}

/** The low 64 bits of SHA1(key) read as a signed little-endian long, as Telegram sends it. */
export function keyFingerprint(chatKey: Buffer): bigint {
	requireLength(chatKey, CHAT_KEY_LENGTH, 'the chat key');
	return createHash('sha1').update(chatKey).digest().readBigInt64LE(12);
}

function xFor(fromCreator: boolean): SecretX {
	return fromCreator ? 0 : 8;
}

/** How many padding bytes: 12..1024, so that the plaintext ends on a 16-byte boundary. */
function paddingLength(contentLength: number, random: (n: number) => Buffer): number {
	const smallest = MIN_PADDING + ((BLOCK - ((contentLength + MIN_PADDING) % BLOCK)) % BLOCK);
	const extraBlocks = Math.floor((MAX_PADDING - smallest) / BLOCK);
	return smallest + BLOCK * (random(4).readUInt32LE(0) % (extraBlocks + 1));
}

/** fingerprint(8 LE) + msg_key(16) + AES-IGE(len32LE + tl + 12..1024 random padding, multiple of 16). */
export function sealSecretPayload(args: {
	chatKey: Buffer;
	tl: Buffer;
	fromCreator: boolean;
	random?: (n: number) => Buffer;
}): Buffer {
	const { chatKey, tl } = args;
	const random = args.random ?? randomBytes;
	const x = xFor(args.fromCreator);
	const length = Buffer.alloc(4);
	length.writeUInt32LE(tl.length);
	const padding = random(paddingLength(4 + tl.length, random));
	const plaintext = Buffer.concat([length, tl, padding]);
	const msgKey = messageKeyFor(chatKey, plaintext, x);
	const { key, iv } = secretAesKeyIv(chatKey, msgKey, x);
	const fingerprint = Buffer.alloc(8);
	fingerprint.writeBigInt64LE(keyFingerprint(chatKey));
	return Buffer.concat([fingerprint, msgKey, aesIgeEncrypt(plaintext, key, iv)]);
}

/** Finds the key by fingerprint, verifies msg_key (recomputed over the decrypted plaintext) and the length. */
export function openSecretPayload(args: {
	keys: Array<{ key: Buffer; fingerprint: bigint }>;
	data: Buffer;
	fromCreator: boolean;
}): { tl: Buffer; fingerprint: bigint } {
	const { data } = args;
	const x = xFor(args.fromCreator);
	if (data.length < HEADER_LENGTH + BLOCK)
		throw new SecretPayloadError(
			'too-short',
			`an encrypted message has at least ${HEADER_LENGTH + BLOCK} bytes, this one ${data.length}`,
		);
	if ((data.length - HEADER_LENGTH) % BLOCK !== 0)
		throw new SecretPayloadError(
			'bad-length',
			`the encrypted part is ${data.length - HEADER_LENGTH} bytes, not a multiple of 16`,
		);
	const fingerprint = data.readBigInt64LE(0);
	const chatKey = args.keys.find((candidate) => candidate.fingerprint === fingerprint)?.key;
	if (!chatKey)
		throw new SecretPayloadError(
			'unknown-fingerprint',
			`the message is encrypted with a key this chat does not have (fingerprint ${fingerprint})`,
		);
	const msgKey = data.subarray(8, HEADER_LENGTH);
	const { key, iv } = secretAesKeyIv(chatKey, msgKey, x);
	const plaintext = aesIgeDecrypt(data.subarray(HEADER_LENGTH), key, iv);
	if (!timingSafeEqual(messageKeyFor(chatKey, plaintext, x), msgKey)) {
		throw new SecretPayloadError(
			'msg-key-mismatch',
			'the message failed its integrity check (msg_key does not match): it was altered, or encrypted for the other direction',
		);
	}
	const length = plaintext.readUInt32LE(0);
	const padding = plaintext.length - 4 - length;
	if (length % 4 !== 0 || padding < MIN_PADDING || padding > MAX_PADDING) {
		throw new SecretPayloadError(
			'bad-length',
			`the decrypted message claims ${length} bytes, which leaves ${padding} bytes of padding (allowed: ${MIN_PADDING} to ${MAX_PADDING}) and must be a multiple of 4`,
		);
	}
	return { tl: Buffer.from(plaintext.subarray(4, 4 + length)), fingerprint };
}
