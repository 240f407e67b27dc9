import { randomBytes } from 'node:crypto';
import { sha256 } from 'telegram/Helpers';
import { IGE } from 'telegram/crypto/IGE';
import { BinaryReader } from 'telegram/extensions';
import { MTProtoState } from 'telegram/network/MTProtoState';
import { fromLong, longBytes } from './wire';

/**
 * MTProto 2.0 message encryption, server side, built from gramjs's own pieces: the key/iv
 * derivation of MTProtoState (x = 0 for what the client sent, 8 for what the server sends),
 * AES-IGE and SHA-256 from its helpers. MTProtoState's encrypt/decrypt only work client-side.
 */

// Only _calcKey is used: it is pure, so one instance serves every key.
const keyDerivation = new MTProtoState();

export interface ClientEnvelope {
	salt: Buffer;
	sessionId: Buffer;
	msgId: bigint;
	seqNo: number;
	body: Buffer;
}

export class EnvelopeError extends Error {}

/** Decrypts and checks one client packet (auth_key_id | msg_key | encrypted data). */
export async function openClientPacket(authKey: Buffer, packet: Buffer): Promise<ClientEnvelope> {
	if (packet.length < 24 + 32 || (packet.length - 24) % 16 !== 0)
		throw new EnvelopeError('bad encrypted packet length');
	const msgKey = packet.subarray(8, 24);
	const { key, iv } = await keyDerivation._calcKey(authKey, msgKey, true);
	const plain = new IGE(key, iv).decryptIge(packet.subarray(24));
	const expected = (await sha256(Buffer.concat([authKey.subarray(88, 88 + 32), plain]))).subarray(
		8,
		24,
	);
	if (!expected.equals(msgKey)) throw new EnvelopeError('msg_key mismatch');
	const reader = new BinaryReader(plain);
	const salt = reader.read(8);
	const sessionId = reader.read(8);
	const msgId = fromLong(reader.readLong());
	const seqNo = reader.readInt();
	const length = reader.readInt();
	if (length < 0 || length > plain.length - 32) throw new EnvelopeError('bad message length');
	return { salt, sessionId, msgId, seqNo, body: reader.read(length) };
}

/** Encrypts one server message for the client: the inverse of gramjs's decryptMessageData. */
export async function sealServerMessage(
	authKey: Buffer,
	authKeyId: Buffer,
	envelope: { salt: Buffer; sessionId: Buffer; msgId: bigint; seqNo: number; body: Buffer },
): Promise<Buffer> {
	const header = Buffer.alloc(16);
	header.writeBigInt64LE(BigInt.asIntN(64, envelope.msgId), 0);
	header.writeInt32LE(envelope.seqNo, 8);
	header.writeInt32LE(envelope.body.length, 12);
	const data = Buffer.concat([envelope.salt, envelope.sessionId, header, envelope.body]);
	// 12..1024 bytes of padding to a multiple of 16, added before msg_key: IGE's own padding would
	// come after the hash and break it.
	const padding = randomBytes(12 + ((16 - ((data.length + 12) % 16)) % 16));
	const plain = Buffer.concat([data, padding]);
	const msgKey = (await sha256(Buffer.concat([authKey.subarray(96, 96 + 32), plain]))).subarray(
		8,
		24,
	);
	const { key, iv } = await keyDerivation._calcKey(authKey, msgKey, false);
	return Buffer.concat([authKeyId, msgKey, new IGE(key, iv).encryptIge(plain)]);
}

/** An unencrypted message (the DH exchange): auth_key_id 0 | msg_id | length | body. */
export function plainMessage(msgId: bigint, body: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeInt32LE(body.length, 0);
	return Buffer.concat([Buffer.alloc(8), longBytes(msgId), length, body]);
}

/**
 * Server message ids: time-based, strictly increasing across the whole fake (gramjs drops a
 * message whose id it has seen), = 1 mod 4 for answers and 3 mod 4 for messages of our own.
 */
export class ServerMessageIds {
	private last = 0n;

	next(kind: 'answer' | 'notice'): bigint {
		const nowMs = Date.now();
		const seconds = BigInt(Math.floor(nowMs / 1000));
		const fraction = BigInt(Math.floor(((nowMs % 1000) / 1000) * 2 ** 30)) << 2n;
		let id = (seconds << 32n) | fraction;
		if (id <= this.last) id = this.last + 1n;
		const remainder = kind === 'answer' ? 1n : 3n;
		while (id % 4n !== remainder) id += 1n;
		this.last = id;
		return id;
	}
}
