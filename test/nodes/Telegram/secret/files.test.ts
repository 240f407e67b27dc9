import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
	SecretFileError,
	decryptSecretFile,
	encryptSecretFile,
	fileKeyFingerprint,
} from '../../../../nodes/Telegram/transport/secret/files';
import type { SecretMedia } from '../../../../nodes/Telegram/transport/secret/media';
import {
	decodeSecretLayer,
	encodeSecretLayer,
} from '../../../../nodes/Telegram/transport/secret/tl';
import { imageSizeOf } from '../../../../nodes/Telegram/actions/secretChat/imageSize';

/** File crypto and the media constructors; the end-to-end proof is secretFiles.test.ts (Python peer). */

describe('secret chat files', () => {
	test('the file key fingerprint is md5(key + iv): bytes 0..4 XOR bytes 4..8, a signed int (values from Python hashlib)', () => {
		const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
		const iv = Buffer.from(Array.from({ length: 32 }, (_, i) => 32 + i));
		assert.equal(fileKeyFingerprint(key, iv), -217561997);
		assert.equal(fileKeyFingerprint(Buffer.alloc(32, 0xff), Buffer.alloc(32, 0xff)), -886069009);
	});

	test('encrypts to whole blocks with a fresh key each time and decrypts back to the exact size', () => {
		for (const size of [1, 15, 16, 17, 1000]) {
			const plain = randomBytes(size);
			const sealed = encryptSecretFile(plain);
			assert.equal(sealed.encrypted.length, Math.ceil(size / 16) * 16);
			assert.equal(sealed.fingerprint, fileKeyFingerprint(sealed.key, sealed.iv));
			const media = { key: sealed.key, iv: sealed.iv, size };
			assert.deepEqual(decryptSecretFile(sealed.encrypted, media, sealed.fingerprint), plain);
		}
		const one = encryptSecretFile(Buffer.from('same'));
		const two = encryptSecretFile(Buffer.from('same'));
		assert.notDeepEqual(one.key, two.key);
		assert.notDeepEqual(one.encrypted, two.encrypted);
		// A retry passes the first attempt's key and iv: the same ciphertext up to the random padding block.
		const again = encryptSecretFile(Buffer.alloc(32, 7), { key: one.key, iv: one.iv });
		const first = encryptSecretFile(Buffer.alloc(32, 7), { key: one.key, iv: one.iv });
		assert.deepEqual(again.encrypted, first.encrypted);
	});

	test('refuses a fingerprint that does not match the key, and a size that does not match the file', () => {
		const plain = randomBytes(100);
		const sealed = encryptSecretFile(plain);
		const media = { key: sealed.key, iv: sealed.iv, size: 100 };
		assert.throws(
			() => decryptSecretFile(sealed.encrypted, media, sealed.fingerprint ^ 1),
			(error: Error) => error instanceof SecretFileError && /fingerprint/.test(error.message),
		);
		assert.throws(
			() => decryptSecretFile(sealed.encrypted, { ...media, size: 80 }, sealed.fingerprint),
			/112 encrypted bytes, but the message says 80 bytes/,
		);
		let message = '';
		try {
			decryptSecretFile(sealed.encrypted, media, sealed.fingerprint ^ 1);
		} catch (error) {
			message = (error as Error).message;
		}
		assert.ok(!message.includes(sealed.key.toString('hex')), 'no key material in the error');
		assert.ok(!message.includes(sealed.key.toString('base64')), 'no key material in the error');
	});

	test('a photo and a document survive the layer wrapper: key, iv, size, type, name, dimensions, caption', () => {
		const photo: SecretMedia = {
			type: 'photo',
			size: 1234,
			key: randomBytes(32),
			iv: randomBytes(32),
			caption: '',
			mimeType: 'image/jpeg',
			width: 640,
			height: 480,
		};
		const document: SecretMedia = {
			type: 'document',
			size: 99,
			key: randomBytes(32),
			iv: randomBytes(32),
			caption: 'a caption',
			mimeType: 'application/pdf',
			fileName: 'report.pdf',
		};
		for (const media of [photo, document]) {
			const envelope = {
				randomBytes: randomBytes(16),
				layer: 73,
				inSeqNo: 0,
				outSeqNo: 1,
				message: {
					kind: 'message' as const,
					randomId: 5n,
					ttl: 0,
					text: 'with a file',
					hasMedia: true,
					media,
					replyToRandomId: 4n,
				},
			};
			const decoded = decodeSecretLayer(encodeSecretLayer(envelope));
			assert.deepEqual(decoded.message, envelope.message);
		}
	});

	test('reads the size of a PNG and a baseline JPEG; anything else has none', () => {
		const png = Buffer.alloc(33);
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
		png.writeUInt32BE(13, 8);
		png.write('IHDR', 12, 'latin1');
		png.writeUInt32BE(1920, 16);
		png.writeUInt32BE(1080, 20);
		assert.deepEqual(imageSizeOf(png), { width: 1920, height: 1080 });
		// SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 200.
		const jpeg = Buffer.concat([
			Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
			Buffer.alloc(14),
			Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x00, 0xc8, 0x03]),
			Buffer.alloc(9),
		]);
		assert.deepEqual(imageSizeOf(jpeg), { width: 200, height: 300 });
		assert.equal(imageSizeOf(Buffer.from('GIF89a......')), undefined);
		assert.equal(imageSizeOf(Buffer.from([0xff, 0xd8])), undefined);
	});
});
