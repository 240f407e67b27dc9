import { readEntities, writeEntities, type SecretEntity } from './entities';
import { readSecretMedia, writeSecretMedia, type SecretMedia } from './media';

/**
 * The end-to-end TL constructors a secret chat needs (layers 73..144), written by hand because
 * gramjs does not bundle the decryptedMessage* types. Numbers are little-endian; bytes and
 * strings use TL's length prefix and pad to 4 bytes. Entities: entities.ts; layer rules: layers.ts.
 */

/** MTProto 2.0's layer: the lowest a chat of ours speaks (layers.ts has the rest). */
export const SECRET_LAYER = 73;

export type SecretAction =
	| { kind: 'notifyLayer'; layer: number }
	| { kind: 'resend'; startSeqNo: number; endSeqNo: number }
	| { kind: 'requestKey'; exchangeId: bigint; gA: Buffer }
	| { kind: 'acceptKey'; exchangeId: bigint; gB: Buffer; keyFingerprint: bigint }
	| { kind: 'commitKey'; exchangeId: bigint; keyFingerprint: bigint }
	| { kind: 'abortKey'; exchangeId: bigint }
	| { kind: 'noop' }
	| { kind: 'setMessageTtl'; ttlSeconds: number }
	| { kind: 'readMessages' | 'deleteMessages' | 'screenshotMessages'; randomIds: bigint[] }
	| { kind: 'flushHistory' }
	/** Any SendMessageAction; decoded only. */
	| { kind: 'typing' }
	/** An action this layer does not know; decoded only. */
	| { kind: 'unsupported'; constructorId: number };

export type SecretMessage =
	| {
			kind: 'message';
			randomId: bigint;
			ttl: number;
			text: string;
			hasMedia: boolean;
			/** A photo, document, video or audio file (its key and iv); other media are only `hasMedia`. */
			media?: SecretMedia;
			replyToRandomId?: bigint;
			groupedId?: bigint;
			entities?: SecretEntity[];
			viaBotName?: string;
			/** Sent without a notification (decryptedMessage's silent flag). */
			silent?: boolean;
			/** A constructor of a layer after 144 that stopped the reading: later fields are missing. */
			unreadConstructor?: number;
	  }
	| { kind: 'service'; randomId: bigint; action: SecretAction };

export interface SecretLayerEnvelope {
	randomBytes: Buffer;
	layer: number;
	inSeqNo: number;
	outSeqNo: number;
	message: SecretMessage;
}

/** Bytes that are not a layer wrapper we can read, or values we cannot write. */
export class SecretTlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretTlError';
	}
}

const ID = {
	layer: 0x1be31789,
	message: 0x91cc4674,
	message46: 0x36b091de,
	service: 0x73164160,
	mediaEmpty: 0x089f5c4a,
	vector: 0x1cb5c415,
	setMessageTtl: 0xa1733aec,
	readMessages: 0x0c4f40be,
	deleteMessages: 0x65614304,
	screenshotMessages: 0x8ac1f475,
	flushHistory: 0x6719e45c,
	resend: 0x511110b0,
	notifyLayer: 0xf3048883,
	typing: 0xccb27641,
	requestKey: 0xf3c9611b,
	acceptKey: 0x6fe1735b,
	abortKey: 0xdd05ec6b,
	commitKey: 0xec2e0b9b,
	noop: 0xa82fdd63,
} as const;

const FLAG_REPLY_TO = 1 << 3;
const FLAG_SILENT = 1 << 5;
const FLAG_ENTITIES = 1 << 7;
const FLAG_MEDIA = 1 << 9;
const FLAG_VIA_BOT = 1 << 11;
const FLAG_GROUPED = 1 << 17;

/** Telegram asks for at least 15 random bytes in every layer wrapper. */
const MIN_RANDOM_BYTES = 15;

// --- writing -----------------------------------------------------------------------------------

export class TlWriter {
	private readonly parts: Buffer[] = [];

	constructorId(id: number): this {
		const part = Buffer.alloc(4);
		part.writeUInt32LE(id >>> 0);
		this.parts.push(part);
		return this;
	}

	int(value: number, field: string): this {
		if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff)
			throw new SecretTlError(`${field} must be a 32-bit integer, got ${value}`);
		const part = Buffer.alloc(4);
		part.writeInt32LE(value);
		this.parts.push(part);
		return this;
	}

	long(value: bigint, field: string): this {
		if (value < -(1n << 63n) || value >= 1n << 63n)
			throw new SecretTlError(`${field} must be a signed 64-bit integer, got ${value}`);
		const part = Buffer.alloc(8);
		part.writeBigInt64LE(value);
		this.parts.push(part);
		return this;
	}

	bytes(value: Buffer): this {
		if (value.length >= 1 << 24)
			throw new SecretTlError(`a TL byte string is limited to 16 MB, got ${value.length} bytes`);
		const header =
			value.length < 254
				? Buffer.from([value.length])
				: Buffer.from([
						254,
						value.length & 0xff,
						(value.length >> 8) & 0xff,
						(value.length >> 16) & 0xff,
					]);
		const used = header.length + value.length;
		this.parts.push(header, value, Buffer.alloc((4 - (used % 4)) % 4));
		return this;
	}

	string(value: string): this {
		return this.bytes(Buffer.from(value, 'utf8'));
	}

	longVector(values: bigint[], field: string): this {
		this.constructorId(ID.vector).int(values.length, field);
		for (const value of values) this.long(value, field);
		return this;
	}

	toBuffer(): Buffer {
		return Buffer.concat(this.parts);
	}
}

function writeAction(writer: TlWriter, action: SecretAction): void {
	switch (action.kind) {
		case 'notifyLayer':
			writer.constructorId(ID.notifyLayer).int(action.layer, 'layer');
			return;
		case 'resend':
			writer
				.constructorId(ID.resend)
				.int(action.startSeqNo, 'startSeqNo')
				.int(action.endSeqNo, 'endSeqNo');
			return;
		case 'requestKey':
			writer.constructorId(ID.requestKey).long(action.exchangeId, 'exchangeId').bytes(action.gA);
			return;
		case 'acceptKey':
			writer
				.constructorId(ID.acceptKey)
				.long(action.exchangeId, 'exchangeId')
				.bytes(action.gB)
				.long(action.keyFingerprint, 'keyFingerprint');
			return;
		case 'commitKey':
			writer
				.constructorId(ID.commitKey)
				.long(action.exchangeId, 'exchangeId')
				.long(action.keyFingerprint, 'keyFingerprint');
			return;
		case 'abortKey':
			writer.constructorId(ID.abortKey).long(action.exchangeId, 'exchangeId');
			return;
		case 'noop':
			writer.constructorId(ID.noop);
			return;
		case 'setMessageTtl':
			writer.constructorId(ID.setMessageTtl).int(action.ttlSeconds, 'ttlSeconds');
			return;
		case 'readMessages':
		case 'deleteMessages':
		case 'screenshotMessages':
			writer.constructorId(ID[action.kind]).longVector(action.randomIds, 'randomIds');
			return;
		case 'flushHistory':
			writer.constructorId(ID.flushHistory);
			return;
		case 'typing':
		case 'unsupported':
			throw new SecretTlError(`the ${action.kind} action is only read, never sent`);
	}
}

function writeMessage(writer: TlWriter, message: SecretMessage, layer: number): void {
	if (message.kind === 'service') {
		writer.constructorId(ID.service).long(message.randomId, 'randomId');
		writeAction(writer, message.action);
		return;
	}
	if (message.hasMedia && !message.media)
		throw new SecretTlError('only files (photos, documents) can be sent as secret media');
	const entities = message.entities?.length ? message.entities : undefined;
	let flags = 0;
	if (message.media) flags |= FLAG_MEDIA;
	if (message.replyToRandomId !== undefined) flags |= FLAG_REPLY_TO;
	if (message.groupedId !== undefined) flags |= FLAG_GROUPED;
	if (entities) flags |= FLAG_ENTITIES;
	if (message.viaBotName !== undefined) flags |= FLAG_VIA_BOT;
	if (message.silent) flags |= FLAG_SILENT;
	writer
		.constructorId(ID.message)
		.int(flags, 'flags')
		.long(message.randomId, 'randomId')
		.int(message.ttl, 'ttl')
		.string(message.text);
	if (message.media) writeSecretMedia(writer, message.media, layer);
	if (entities) writeEntities(writer, entities);
	if (message.viaBotName !== undefined) writer.string(message.viaBotName);
	if (message.replyToRandomId !== undefined)
		writer.long(message.replyToRandomId, 'replyToRandomId');
	if (message.groupedId !== undefined) writer.long(message.groupedId, 'groupedId');
}

/** decryptedMessageLayer around one message or service message. */
export function encodeSecretLayer(envelope: SecretLayerEnvelope): Buffer {
	if (envelope.randomBytes.length < MIN_RANDOM_BYTES)
		throw new SecretTlError(
			`the layer wrapper needs at least ${MIN_RANDOM_BYTES} random bytes, got ${envelope.randomBytes.length}`,
		);
	const writer = new TlWriter()
		.constructorId(ID.layer)
		.bytes(envelope.randomBytes)
		.int(envelope.layer, 'layer')
		.int(envelope.inSeqNo, 'inSeqNo')
		.int(envelope.outSeqNo, 'outSeqNo');
	writeMessage(writer, envelope.message, envelope.layer);
	return writer.toBuffer();
}

// --- reading -----------------------------------------------------------------------------------

export class TlReader {
	private offset = 0;

	constructor(private readonly data: Buffer) {}

	private take(count: number, what: string): Buffer {
		if (this.offset + count > this.data.length)
			throw new SecretTlError(
				`the decrypted message ends inside ${what} (offset ${this.offset}, ${this.data.length} bytes)`,
			);
		const slice = this.data.subarray(this.offset, this.offset + count);
		this.offset += count;
		return slice;
	}

	constructorId(what: string): number {
		return this.take(4, what).readUInt32LE(0);
	}

	int(what: string): number {
		return this.take(4, what).readInt32LE(0);
	}

	long(what: string): bigint {
		return this.take(8, what).readBigInt64LE(0);
	}

	bytes(what: string): Buffer {
		const first = this.take(1, what)[0];
		let length = first;
		let headerLength = 1;
		if (first === 255) throw new SecretTlError(`${what} has an invalid length byte`);
		if (first === 254) {
			const extra = this.take(3, what);
			length = extra[0] | (extra[1] << 8) | (extra[2] << 16);
			headerLength = 4;
		}
		const value = Buffer.from(this.take(length, what));
		this.take((4 - ((headerLength + length) % 4)) % 4, what);
		return value;
	}

	string(what: string): string {
		return this.bytes(what).toString('utf8');
	}

	/** A vector's constructor and length, checked against the bytes left (minSize bytes an item). */
	vectorLength(what: string, minSize: number): number {
		const id = this.constructorId(what);
		if (id !== ID.vector)
			throw new SecretTlError(`${what} is not a vector (constructor ${hex(id)})`);
		const count = this.int(what);
		if (count < 0 || count * minSize > this.data.length - this.offset)
			throw new SecretTlError(`${what} claims ${count} items, more than the message holds`);
		return count;
	}

	longVector(what: string): bigint[] {
		const id = this.constructorId(what);
		if (id !== ID.vector)
			throw new SecretTlError(`${what} is not a vector (constructor ${hex(id)})`);
		const count = this.int(what);
		if (count < 0 || count * 8 > this.data.length - this.offset)
			throw new SecretTlError(`${what} claims ${count} items, more than the message holds`);
		return Array.from({ length: count }, () => this.long(what));
	}
}

function hex(id: number): string {
	return '0x' + (id >>> 0).toString(16).padStart(8, '0');
}

function readMessage(reader: TlReader, constructorId: number): SecretMessage {
	const flags = reader.int('flags');
	const randomId = reader.long('random_id');
	const ttl = reader.int('ttl');
	const text = reader.string('message');
	const message: SecretMessage = { kind: 'message', randomId, ttl, text, hasMedia: false };
	if (flags & FLAG_MEDIA) {
		// Media with an empty constructor is no media; media we do not parse leave the fields after them unread.
		const mediaId = reader.constructorId('media');
		if (mediaId !== ID.mediaEmpty) {
			message.hasMedia = true;
			const media = readSecretMedia(reader, mediaId);
			if (!media) return message;
			message.media = media;
		}
	}
	if (flags & FLAG_SILENT) message.silent = true;
	if (flags & FLAG_ENTITIES) {
		const read = readEntities(reader);
		message.entities = read.entities;
		if (read.unknownConstructor !== undefined) {
			message.unreadConstructor = read.unknownConstructor;
			return message;
		}
	}
	if (flags & FLAG_VIA_BOT) message.viaBotName = reader.string('via_bot_name');
	if (flags & FLAG_REPLY_TO) message.replyToRandomId = reader.long('reply_to_random_id');
	if (constructorId === ID.message && flags & FLAG_GROUPED)
		message.groupedId = reader.long('grouped_id');
	return message;
}

function readAction(reader: TlReader): SecretAction {
	const id = reader.constructorId('action');
	switch (id) {
		case ID.notifyLayer:
			return { kind: 'notifyLayer', layer: reader.int('layer') };
		case ID.resend:
			return {
				kind: 'resend',
				startSeqNo: reader.int('start_seq_no'),
				endSeqNo: reader.int('end_seq_no'),
			};
		case ID.requestKey:
			return {
				kind: 'requestKey',
				exchangeId: reader.long('exchange_id'),
				gA: reader.bytes('g_a'),
			};
		case ID.acceptKey:
			return {
				kind: 'acceptKey',
				exchangeId: reader.long('exchange_id'),
				gB: reader.bytes('g_b'),
				keyFingerprint: reader.long('key_fingerprint'),
			};
		case ID.commitKey:
			return {
				kind: 'commitKey',
				exchangeId: reader.long('exchange_id'),
				keyFingerprint: reader.long('key_fingerprint'),
			};
		case ID.abortKey:
			return { kind: 'abortKey', exchangeId: reader.long('exchange_id') };
		case ID.noop:
			return { kind: 'noop' };
		case ID.setMessageTtl:
			return { kind: 'setMessageTtl', ttlSeconds: reader.int('ttl_seconds') };
		case ID.readMessages:
			return { kind: 'readMessages', randomIds: reader.longVector('random_ids') };
		case ID.deleteMessages:
			return { kind: 'deleteMessages', randomIds: reader.longVector('random_ids') };
		case ID.screenshotMessages:
			return { kind: 'screenshotMessages', randomIds: reader.longVector('random_ids') };
		case ID.flushHistory:
			return { kind: 'flushHistory' };
		case ID.typing:
			reader.constructorId('typing action');
			return { kind: 'typing' };
		default:
			return { kind: 'unsupported', constructorId: id };
	}
}

/** Reads a decryptedMessageLayer; throws SecretTlError for anything else or when it is cut short. */
export function decodeSecretLayer(bytes: Buffer): SecretLayerEnvelope {
	const reader = new TlReader(bytes);
	const wrapper = reader.constructorId('the layer wrapper');
	if (wrapper !== ID.layer)
		throw new SecretTlError(
			`the decrypted message is not a decryptedMessageLayer (constructor ${hex(wrapper)})`,
		);
	const randomBytes = reader.bytes('random_bytes');
	if (randomBytes.length < MIN_RANDOM_BYTES)
		throw new SecretTlError(
			`the layer wrapper has ${randomBytes.length} random bytes, fewer than ${MIN_RANDOM_BYTES}`,
		);
	const layer = reader.int('layer');
	const inSeqNo = reader.int('in_seq_no');
	const outSeqNo = reader.int('out_seq_no');
	const messageId = reader.constructorId('the message');
	let message: SecretMessage;
	if (messageId === ID.message || messageId === ID.message46)
		message = readMessage(reader, messageId);
	else if (messageId === ID.service)
		message = { kind: 'service', randomId: reader.long('random_id'), action: readAction(reader) };
	else
		throw new SecretTlError(
			`the layer wrapper holds an unknown message constructor ${hex(messageId)}`,
		);
	return { randomBytes, layer, inSeqNo, outSeqNo, message };
}
