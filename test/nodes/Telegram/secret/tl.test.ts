import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
	SECRET_LAYER,
	SecretTlError,
	decodeSecretLayer,
	encodeSecretLayer,
	type SecretAction,
	type SecretLayerEnvelope,
	type SecretMessage,
} from '../../../../nodes/Telegram/transport/secret/tl';

function envelope(
	message: SecretMessage,
	overrides: Partial<SecretLayerEnvelope> = {},
): SecretLayerEnvelope {
	return {
		randomBytes: randomBytes(15),
		layer: SECRET_LAYER,
		inSeqNo: 4,
		outSeqNo: 7,
		message,
		...overrides,
	};
}

/** Little-endian words, as a reader of the TL would see them. */
function words(...values: number[]): Buffer {
	const out = Buffer.alloc(values.length * 4);
	values.forEach((value, index) => out.writeUInt32LE(value >>> 0, index * 4));
	return out;
}

function long(value: bigint): Buffer {
	const out = Buffer.alloc(8);
	out.writeBigInt64LE(value);
	return out;
}

function tlString(text: string): Buffer {
	const bytes = Buffer.from(text, 'utf8');
	assert.ok(bytes.length < 254);
	const used = 1 + bytes.length;
	return Buffer.concat([Buffer.from([bytes.length]), bytes, Buffer.alloc((4 - (used % 4)) % 4)]);
}

/** A layer wrapper head written by hand: 16 random bytes, layer 73, in 2, out 3. */
function wrapperHead(): Buffer {
	return Buffer.concat([
		words(0x1be31789),
		Buffer.from([16]),
		Buffer.alloc(16, 0xab),
		Buffer.alloc(3),
		words(73, 2, 3),
	]);
}

const bold = words(0xbd610bc9, 0, 2);

describe('secret chats: TL of the layer wrapper', () => {
	test('text messages round-trip, with and without reply and album ids, short and long text', () => {
		const cases: SecretMessage[] = [
			{ kind: 'message', randomId: 1n, ttl: 0, text: '', hasMedia: false },
			{
				kind: 'message',
				randomId: -(2n ** 63n),
				ttl: 30,
				text: 'héllo 👋 secret',
				hasMedia: false,
			},
			{
				kind: 'message',
				randomId: 2n ** 63n - 1n,
				ttl: 0,
				text: 'x'.repeat(253),
				hasMedia: false,
				replyToRandomId: -5n,
			},
			{
				kind: 'message',
				randomId: 42n,
				ttl: 5,
				text: 'y'.repeat(254),
				hasMedia: false,
				groupedId: 77n,
			},
			{
				kind: 'message',
				randomId: 43n,
				ttl: 0,
				text: 'z'.repeat(70_000),
				hasMedia: false,
				replyToRandomId: 9n,
				groupedId: 10n,
			},
		];
		for (const message of cases) {
			const original = envelope(message);
			const bytes = encodeSecretLayer(original);
			assert.equal(bytes.length % 4, 0);
			assert.deepEqual(decodeSecretLayer(bytes), original);
		}
	});

	test('every action that is sent round-trips', () => {
		const actions: SecretAction[] = [
			{ kind: 'notifyLayer', layer: 73 },
			{ kind: 'resend', startSeqNo: 2, endSeqNo: 8 },
			{ kind: 'requestKey', exchangeId: -123456789012345n, gA: randomBytes(256) },
			{ kind: 'acceptKey', exchangeId: 99n, gB: randomBytes(256), keyFingerprint: -1n },
			{ kind: 'commitKey', exchangeId: 99n, keyFingerprint: 2n ** 62n },
			{ kind: 'abortKey', exchangeId: 7n },
			{ kind: 'noop' },
			{ kind: 'setMessageTtl', ttlSeconds: 86400 },
			{ kind: 'readMessages', randomIds: [1n, -2n] },
			{ kind: 'deleteMessages', randomIds: [] },
			{ kind: 'screenshotMessages', randomIds: [3n] },
			{ kind: 'flushHistory' },
		];
		for (const action of actions) {
			const original = envelope(
				{ kind: 'service', randomId: 5n, action },
				{ randomBytes: randomBytes(40) },
			);
			assert.deepEqual(decodeSecretLayer(encodeSecretLayer(original)), original, action.kind);
		}
	});

	test('the bytes are the TL layout: constructor ids, flags, long-form lengths', () => {
		const noop = encodeSecretLayer({
			randomBytes: Buffer.alloc(16, 0xab),
			layer: 73,
			inSeqNo: 2,
			outSeqNo: 3,
			message: { kind: 'service', randomId: 1n, action: { kind: 'noop' } },
		});
		assert.equal(
			noop.toString('hex'),
			Buffer.concat([wrapperHead(), words(0x73164160), long(1n), words(0xa82fdd63)]).toString(
				'hex',
			),
		);
		const reply = encodeSecretLayer({
			randomBytes: Buffer.alloc(16, 0xab),
			layer: 73,
			inSeqNo: 2,
			outSeqNo: 3,
			message: {
				kind: 'message',
				randomId: 9n,
				ttl: 0,
				text: 'hi',
				hasMedia: false,
				replyToRandomId: 8n,
				groupedId: 6n,
			},
		});
		const flags = (1 << 3) | (1 << 17);
		assert.equal(
			reply.toString('hex'),
			Buffer.concat([
				wrapperHead(),
				words(0x91cc4674, flags),
				long(9n),
				words(0),
				tlString('hi'),
				long(8n),
				long(6n),
			]).toString('hex'),
		);
		const longText = encodeSecretLayer(
			envelope(
				{ kind: 'message', randomId: 1n, ttl: 0, text: 'a'.repeat(300), hasMedia: false },
				{ randomBytes: Buffer.alloc(16) },
			),
		);
		const textAt = wrapperHead().length + 4 * 2 + 8 + 4;
		assert.deepEqual([...longText.subarray(textAt, textAt + 4)], [254, 300 & 0xff, 300 >> 8, 0]);
		assert.equal(longText.length, textAt + 4 + 300);
	});

	test('older and richer messages are read: decryptedMessage46, empty media, entities, via bot, real media', () => {
		const head = wrapperHead();
		const legacy = Buffer.concat([
			head,
			words(0x36b091de, 1 << 3),
			long(11n),
			words(0),
			tlString('old'),
			long(10n),
		]);
		assert.deepEqual(decodeSecretLayer(legacy).message, {
			kind: 'message',
			randomId: 11n,
			ttl: 0,
			text: 'old',
			hasMedia: false,
			replyToRandomId: 10n,
		});
		// grouped_id is not a field of the layer-46 constructor: flag 17 there adds nothing.
		const legacyFlag17 = Buffer.concat([
			head,
			words(0x36b091de, 1 << 17),
			long(11n),
			words(0),
			tlString('old'),
		]);
		assert.deepEqual(decodeSecretLayer(legacyFlag17).message, {
			kind: 'message',
			randomId: 11n,
			ttl: 0,
			text: 'old',
			hasMedia: false,
		});

		const flags = (1 << 9) | (1 << 7) | (1 << 11) | (1 << 3) | (1 << 17);
		const rich = Buffer.concat([
			head,
			words(0x91cc4674, flags),
			long(12n),
			words(60),
			tlString('rich'),
			words(0x089f5c4a),
			words(0x1cb5c415, 3),
			bold,
			words(0x76a6d327, 0, 1),
			tlString('https://example.com'),
			words(0x352dca58, 1, 1, 5000),
			tlString('somebot'),
			long(-3n),
			long(4n),
		]);
		assert.deepEqual(decodeSecretLayer(rich).message, {
			kind: 'message',
			randomId: 12n,
			ttl: 60,
			text: 'rich',
			hasMedia: false,
			entities: [
				{ type: 'bold', offset: 0, length: 2 },
				{ type: 'textUrl', offset: 0, length: 1, url: 'https://example.com' },
				{ type: 'mentionName', offset: 1, length: 1, userId: 5000 },
			],
			viaBotName: 'somebot',
			replyToRandomId: -3n,
			groupedId: 4n,
		});

		const geo = Buffer.alloc(16);
		geo.writeDoubleLE(52.5, 0);
		geo.writeDoubleLE(13.4, 8);
		const withMedia = Buffer.concat([
			head,
			words(0x91cc4674, (1 << 9) | (1 << 3)),
			long(13n),
			words(0),
			tlString('caption'),
			words(0x35480a59),
			geo,
			long(1n),
		]);
		assert.deepEqual(decodeSecretLayer(withMedia).message, {
			kind: 'message',
			randomId: 13n,
			ttl: 0,
			text: 'caption',
			hasMedia: true,
		});

		// Entities of layers 101 and 144 are read, and what follows them.
		const layer144 = Buffer.concat([
			head,
			words(0x91cc4674, (1 << 7) | (1 << 3)),
			long(14n),
			words(0),
			tlString('t'),
			words(0x1cb5c415, 3, 0x9c4e7e8b, 0, 1, 0x32ca960f, 0, 1, 0xc8cf05f8, 0, 1),
			long(5368324170671202286n),
			long(1n),
		]);
		assert.deepEqual(decodeSecretLayer(layer144).message, {
			kind: 'message',
			randomId: 14n,
			ttl: 0,
			text: 't',
			hasMedia: false,
			entities: [
				{ type: 'underline', offset: 0, length: 1 },
				{ type: 'spoiler', offset: 0, length: 1 },
				{ type: 'customEmoji', offset: 0, length: 1, documentId: 5368324170671202286n },
			],
			replyToRandomId: 1n,
		});
		// An entity of a layer after 144: its size is unknown, so the text is kept, the rest skipped, and said so.
		const newerEntity = Buffer.concat([
			head,
			words(0x91cc4674, (1 << 7) | (1 << 3)),
			long(15n),
			words(0),
			tlString('t'),
			words(0x1cb5c415, 2, 0xbd610bc9, 0, 1, 0x12345678, 0, 1),
			long(1n),
		]);
		assert.deepEqual(decodeSecretLayer(newerEntity).message, {
			kind: 'message',
			randomId: 15n,
			ttl: 0,
			text: 't',
			hasMedia: false,
			entities: [{ type: 'bold', offset: 0, length: 1 }],
			unreadConstructor: 0x12345678,
		});
	});

	test('typing and unknown actions are read, never written', () => {
		const head = wrapperHead();
		const typing = Buffer.concat([
			head,
			words(0x73164160),
			long(1n),
			words(0xccb27641, 0x16bf744e),
		]);
		assert.deepEqual(decodeSecretLayer(typing).message, {
			kind: 'service',
			randomId: 1n,
			action: { kind: 'typing' },
		});
		const unknown = Buffer.concat([head, words(0x73164160), long(2n), words(0xdeadbeef, 1, 2)]);
		assert.deepEqual(decodeSecretLayer(unknown).message, {
			kind: 'service',
			randomId: 2n,
			action: { kind: 'unsupported', constructorId: 0xdeadbeef },
		});
		for (const action of [
			{ kind: 'typing' },
			{ kind: 'unsupported', constructorId: 1 },
		] as SecretAction[]) {
			assert.throws(
				() => encodeSecretLayer(envelope({ kind: 'service', randomId: 1n, action })),
				SecretTlError,
			);
		}
	});

	test('values that cannot be written are refused', () => {
		const text: SecretMessage = {
			kind: 'message',
			randomId: 1n,
			ttl: 0,
			text: 'a',
			hasMedia: false,
		};
		assert.throws(() => encodeSecretLayer(envelope(text, { randomBytes: randomBytes(14) })), {
			name: 'SecretTlError',
			message: /at least 15 random bytes/,
		});
		assert.throws(() => encodeSecretLayer(envelope({ ...text, hasMedia: true })), {
			name: 'SecretTlError',
			message: /media/,
		});
		assert.throws(() => encodeSecretLayer(envelope({ ...text, randomId: 2n ** 63n })), {
			name: 'SecretTlError',
			message: /randomId must be a signed 64-bit/,
		});
		assert.throws(
			() => encodeSecretLayer(envelope({ ...text, replyToRandomId: -(2n ** 63n) - 1n })),
			{ name: 'SecretTlError', message: /replyToRandomId/ },
		);
		assert.throws(() => encodeSecretLayer(envelope(text, { outSeqNo: 2 ** 31 })), {
			name: 'SecretTlError',
			message: /outSeqNo must be a 32-bit/,
		});
		assert.throws(() => encodeSecretLayer(envelope(text, { layer: 1.5 })), {
			name: 'SecretTlError',
			message: /layer/,
		});
		assert.throws(
			() =>
				encodeSecretLayer(
					envelope({
						kind: 'service',
						randomId: 1n,
						action: { kind: 'readMessages', randomIds: [2n ** 64n] },
					}),
				),
			{ name: 'SecretTlError', message: /randomIds/ },
		);
	});

	test('bytes that are not a readable wrapper are refused with SecretTlError', () => {
		const good = encodeSecretLayer(
			envelope({
				kind: 'message',
				randomId: 1n,
				ttl: 0,
				text: 'hello there',
				hasMedia: false,
				replyToRandomId: 3n,
			}),
		);
		// Cut anywhere: always a SecretTlError, never a RangeError from Buffer.
		for (let length = 0; length < good.length; length++) {
			assert.throws(
				() => decodeSecretLayer(good.subarray(0, length)),
				SecretTlError,
				`cut at ${length}`,
			);
		}
		const service = encodeSecretLayer(
			envelope({
				kind: 'service',
				randomId: 1n,
				action: { kind: 'readMessages', randomIds: [1n, 2n] },
			}),
		);
		for (let length = 0; length < service.length; length++) {
			assert.throws(
				() => decodeSecretLayer(service.subarray(0, length)),
				SecretTlError,
				`service cut at ${length}`,
			);
		}
		assert.throws(() => decodeSecretLayer(Buffer.concat([words(0x91cc4674), good.subarray(4)])), {
			name: 'SecretTlError',
			message: /not a decryptedMessageLayer \(constructor 0x91cc4674\)/,
		});
		const fewRandom = Buffer.concat([
			words(0x1be31789),
			Buffer.from([14]),
			Buffer.alloc(14),
			Buffer.alloc(1),
			words(73, 0, 1, 0x73164160),
			long(1n),
			words(0xa82fdd63),
		]);
		assert.throws(() => decodeSecretLayer(fewRandom), {
			name: 'SecretTlError',
			message: /14 random bytes/,
		});
		const unknownMessage = Buffer.concat([wrapperHead(), words(0x204d3878), long(1n)]);
		assert.throws(() => decodeSecretLayer(unknownMessage), {
			name: 'SecretTlError',
			message: /unknown message constructor 0x204d3878/,
		});
		const hugeVector = Buffer.concat([
			wrapperHead(),
			words(0x73164160),
			long(1n),
			words(0x0c4f40be, 0x1cb5c415, 1_000_000),
		]);
		assert.throws(() => decodeSecretLayer(hugeVector), {
			name: 'SecretTlError',
			message: /1000000 items/,
		});
		const notVector = Buffer.concat([
			wrapperHead(),
			words(0x73164160),
			long(1n),
			words(0x0c4f40be, 0x12345678, 0),
		]);
		assert.throws(() => decodeSecretLayer(notVector), {
			name: 'SecretTlError',
			message: /not a vector/,
		});
	});
});
