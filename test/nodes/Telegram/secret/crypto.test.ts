import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { describe, test } from 'node:test';
import {
	SecretPayloadError,
	aesIgeDecrypt,
	aesIgeEncrypt,
	keyFingerprint,
	messageKeyFor,
	openSecretPayload,
	sealSecretPayload,
	secretAesKeyIv,
} from '../../../../nodes/Telegram/transport/secret/crypto';
import { telethonAvailable } from '../../../fakes/secretPeer/pythonPeer';

const PYTHON = '/usr/bin/python3';

/**
 * Telethon's own AES-IGE and MTProto 2.0 KDF, and hashlib, over a batch of cases in one
 * process: an implementation that shares no code with ours.
 */
const ORACLE = `
import base64, hashlib, json, sys
from telethon.crypto import AES
from telethon.network.mtprotostate import MTProtoState
b = base64.b64decode
e = lambda v: base64.b64encode(v).decode()
out = []
for case in json.load(sys.stdin):
    if case['op'] == 'ige':
        key, iv, data = b(case['key']), b(case['iv']), b(case['data'])
        out.append({'encrypted': e(AES.encrypt_ige(data, key, iv)), 'decrypted': e(AES.decrypt_ige(data, key, iv))})
    elif case['op'] == 'kdf':
        key, iv = MTProtoState._calc_key(b(case['chat_key']), b(case['msg_key']), case['x'] == 0)
        out.append({'key': e(key), 'iv': e(iv)})
    elif case['op'] == 'msg_key':
        x, chat_key = case['x'], b(case['chat_key'])
        out.append({'msg_key': e(hashlib.sha256(chat_key[88 + x:88 + x + 32] + b(case['plaintext'])).digest()[8:24])})
    elif case['op'] == 'fingerprint':
        out.append({'fingerprint': str(int.from_bytes(hashlib.sha1(b(case['chat_key'])).digest()[-8:], 'little', signed=True))})
    elif case['op'] == 'open':
        data, chat_key, x = b(case['data']), b(case['chat_key']), case['x']
        msg_key = data[8:24]
        key, iv = MTProtoState._calc_key(chat_key, msg_key, x == 0)
        plain = AES.decrypt_ige(data[24:], key, iv)
        ok = hashlib.sha256(chat_key[88 + x:88 + x + 32] + plain).digest()[8:24] == msg_key
        length = int.from_bytes(plain[:4], 'little')
        out.append({'ok': ok, 'fingerprint': str(int.from_bytes(data[:8], 'little', signed=True)), 'tl': e(plain[4:4 + length]), 'padding': len(plain) - 4 - length})
json.dump(out, sys.stdout)
`;

type OracleCase =
	| { op: 'ige'; key: string; iv: string; data: string }
	| { op: 'kdf'; chat_key: string; msg_key: string; x: 0 | 8 }
	| { op: 'msg_key'; chat_key: string; plaintext: string; x: 0 | 8 }
	| { op: 'fingerprint'; chat_key: string }
	| { op: 'open'; chat_key: string; data: string; x: 0 | 8 };

function askTelethon(cases: OracleCase[]): Array<Record<string, string | number | boolean>> {
	const result = spawnSync(PYTHON, ['-c', ORACLE], {
		input: JSON.stringify(cases),
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	assert.equal(result.status, 0, result.stderr);
	return JSON.parse(result.stdout) as Array<Record<string, string | number | boolean>>;
}

const b64 = (value: Buffer) => value.toString('base64');
const telethon = telethonAvailable();
const skipTelethon = telethon.ok
	? false
	: `needs telethon in ${PYTHON} (${telethon.reason}); install python3-telethon`;

function tamper(data: Buffer, at: number): Buffer {
	const copy = Buffer.from(data);
	copy[at] ^= 0x01;
	return copy;
}

describe('secret chats: crypto', () => {
	test('AES-256-IGE: round trip, no padding added, and chained (a change spreads to every later block)', () => {
		for (const blocks of [0, 1, 2, 7, 64]) {
			const key = randomBytes(32);
			const iv = randomBytes(32);
			const plain = randomBytes(blocks * 16);
			const encrypted = aesIgeEncrypt(plain, key, iv);
			assert.equal(encrypted.length, plain.length);
			assert.deepEqual(aesIgeDecrypt(encrypted, key, iv), plain);
			if (blocks >= 2) {
				const changed = aesIgeEncrypt(tamper(plain, 0), key, iv);
				for (let block = 0; block < blocks; block++)
					assert.notDeepEqual(
						changed.subarray(block * 16, block * 16 + 16),
						encrypted.subarray(block * 16, block * 16 + 16),
					);
			}
		}
	});

	test('AES-IGE refuses wrong sizes', () => {
		assert.throws(() => aesIgeEncrypt(Buffer.alloc(15), randomBytes(32), randomBytes(32)), {
			name: 'RangeError',
			message: /multiple of 16/,
		});
		assert.throws(() => aesIgeDecrypt(Buffer.alloc(16), randomBytes(16), randomBytes(32)), {
			name: 'RangeError',
			message: /AES-256 key must be 32 bytes/,
		});
		assert.throws(() => aesIgeEncrypt(Buffer.alloc(16), randomBytes(32), randomBytes(16)), {
			name: 'RangeError',
			message: /initialization vector must be 32 bytes/,
		});
		assert.throws(() => messageKeyFor(randomBytes(255), Buffer.alloc(16), 0), {
			name: 'RangeError',
			message: /chat key must be 256 bytes/,
		});
		assert.throws(() => secretAesKeyIv(randomBytes(256), randomBytes(15), 8), {
			name: 'RangeError',
			message: /msg_key must be 16 bytes/,
		});
		assert.throws(() => keyFingerprint(randomBytes(128)), RangeError);
	});

	test('fingerprint: the last 8 bytes of SHA1 as a signed little-endian long', () => {
		const key = randomBytes(256);
		const digest = createHash('sha1').update(key).digest();
		assert.equal(
			keyFingerprint(key),
			BigInt.asIntN(64, BigInt('0x' + Buffer.from(digest.subarray(12)).reverse().toString('hex'))),
		);
	});

	test('seal and open: both directions, every payload shape, padding 12..1024 to a 16-byte boundary', () => {
		const chatKey = randomBytes(256);
		const keys = [
			{ key: randomBytes(256), fingerprint: 1n },
			{ key: chatKey, fingerprint: keyFingerprint(chatKey) },
		];
		for (const fromCreator of [true, false]) {
			for (const size of [0, 4, 8, 12, 16, 100, 1000, 5000]) {
				const tl = randomBytes(size);
				const data = sealSecretPayload({ chatKey, tl, fromCreator });
				assert.equal(data.readBigInt64LE(0), keyFingerprint(chatKey));
				const padding = data.length - 24 - 4 - size;
				assert.ok(
					padding >= 12 && padding <= 1024 && (data.length - 24) % 16 === 0,
					`padding ${padding}`,
				);
				assert.deepEqual(openSecretPayload({ keys, data, fromCreator }), {
					tl,
					fingerprint: keyFingerprint(chatKey),
				});
			}
		}
		// The random source picks the padding: all-zero gives the least, all-ones the most that fits.
		const zeros = (n: number) => Buffer.alloc(n);
		const ones = (n: number) => Buffer.alloc(n, 0xff);
		assert.equal(
			sealSecretPayload({ chatKey, tl: Buffer.alloc(16), fromCreator: true, random: zeros }).length,
			24 + 4 + 16 + 12,
		);
		assert.equal(
			sealSecretPayload({ chatKey, tl: Buffer.alloc(20), fromCreator: true, random: zeros }).length,
			24 + 4 + 20 + 24,
		);
		const most = sealSecretPayload({
			chatKey,
			tl: Buffer.alloc(16),
			fromCreator: true,
			random: (n) => (n === 4 ? Buffer.from([63, 0, 0, 0]) : ones(n)),
		});
		assert.equal(most.length - 24 - 4 - 16, 12 + 63 * 16);
		assert.ok(12 + 64 * 16 > 1024);
	});

	test('open refuses tampering, the wrong direction, unknown keys and bad lengths', () => {
		const chatKey = randomBytes(256);
		const keys = [{ key: chatKey, fingerprint: keyFingerprint(chatKey) }];
		const data = sealSecretPayload({ chatKey, tl: randomBytes(64), fromCreator: true });
		const reason = (candidate: Buffer, fromCreator = true) => {
			try {
				openSecretPayload({ keys, data: candidate, fromCreator });
			} catch (error) {
				assert.ok(error instanceof SecretPayloadError, String(error));
				return error.reason;
			}
			return 'opened';
		};
		assert.equal(reason(data), 'opened');
		assert.equal(reason(data, false), 'msg-key-mismatch');
		for (const at of [8, 23, 24, 40, data.length - 1])
			assert.equal(reason(tamper(data, at)), 'msg-key-mismatch', `byte ${at}`);
		for (const at of [0, 7])
			assert.equal(reason(tamper(data, at)), 'unknown-fingerprint', `byte ${at}`);
		assert.equal(reason(data.subarray(0, 39)), 'too-short');
		assert.equal(reason(data.subarray(0, data.length - 1)), 'bad-length');
		assert.equal(reason(Buffer.concat([data, Buffer.alloc(16)])), 'msg-key-mismatch');
		assert.throws(() => openSecretPayload({ keys: [], data, fromCreator: true }), {
			name: 'SecretPayloadError',
			message: /key this chat does not have/,
		});
	});

	test('open refuses a length prefix that does not fit, even under a valid msg_key', () => {
		const chatKey = randomBytes(256);
		const keys = [{ key: chatKey, fingerprint: keyFingerprint(chatKey) }];
		// Sealed by hand so that msg_key is right but the plaintext lies about its length.
		const sealRaw = (plaintext: Buffer) => {
			const msgKey = messageKeyFor(chatKey, plaintext, 8);
			const { key, iv } = secretAesKeyIv(chatKey, msgKey, 8);
			const fingerprint = Buffer.alloc(8);
			fingerprint.writeBigInt64LE(keys[0].fingerprint);
			return Buffer.concat([fingerprint, msgKey, aesIgeEncrypt(plaintext, key, iv)]);
		};
		const withLength = (length: number, total: number) => {
			const plaintext = randomBytes(total);
			plaintext.writeUInt32LE(length, 0);
			return sealRaw(plaintext);
		};
		assert.deepEqual(
			openSecretPayload({ keys, data: withLength(20, 48), fromCreator: false }).tl.length,
			20,
		);
		for (const [length, total] of [
			[21, 48],
			[36, 48],
			[0xffffffff, 48],
			[0, 2048],
			[8, 1040],
		]) {
			assert.throws(
				() => openSecretPayload({ keys, data: withLength(length, total), fromCreator: false }),
				{ name: 'SecretPayloadError', reason: 'bad-length' } as object,
				`${length}/${total}`,
			);
		}
		assert.equal(
			openSecretPayload({ keys, data: withLength(12, 1040), fromCreator: false }).tl.length,
			12,
		);
	});

	test(
		'AES-IGE and the key/iv derivation match telethon on random inputs',
		{ skip: skipTelethon },
		() => {
			const cases: OracleCase[] = [];
			const expected: Array<Record<string, string>> = [];
			for (let index = 0; index < 50; index++) {
				const key = randomBytes(32);
				const iv = randomBytes(32);
				const data = randomBytes(16 * randomInt(1, 70));
				cases.push({ op: 'ige', key: b64(key), iv: b64(iv), data: b64(data) });
				expected.push({
					encrypted: b64(aesIgeEncrypt(data, key, iv)),
					decrypted: b64(aesIgeDecrypt(data, key, iv)),
				});
			}
			for (let index = 0; index < 50; index++) {
				const chatKey = randomBytes(256);
				const msgKey = randomBytes(16);
				const x = index % 2 === 0 ? 0 : 8;
				cases.push({ op: 'kdf', chat_key: b64(chatKey), msg_key: b64(msgKey), x });
				const derived = secretAesKeyIv(chatKey, msgKey, x);
				expected.push({ key: b64(derived.key), iv: b64(derived.iv) });
				const plaintext = randomBytes(16 * randomInt(1, 40));
				cases.push({ op: 'msg_key', chat_key: b64(chatKey), plaintext: b64(plaintext), x });
				expected.push({ msg_key: b64(messageKeyFor(chatKey, plaintext, x)) });
				cases.push({ op: 'fingerprint', chat_key: b64(chatKey) });
				expected.push({ fingerprint: keyFingerprint(chatKey).toString() });
			}
			assert.deepEqual(askTelethon(cases), expected);
		},
	);

	test('what seal writes, telethon opens, in both directions', { skip: skipTelethon }, () => {
		const cases: OracleCase[] = [];
		const expected: Array<Record<string, string | number | boolean>> = [];
		for (let index = 0; index < 50; index++) {
			const chatKey = randomBytes(256);
			const tl = randomBytes(4 * randomInt(0, 300));
			const fromCreator = index % 2 === 0;
			const data = sealSecretPayload({ chatKey, tl, fromCreator });
			cases.push({ op: 'open', chat_key: b64(chatKey), data: b64(data), x: fromCreator ? 0 : 8 });
			expected.push({
				ok: true,
				fingerprint: keyFingerprint(chatKey).toString(),
				tl: b64(tl),
				padding: data.length - 24 - 4 - tl.length,
			});
		}
		assert.deepEqual(askTelethon(cases), expected);
	});
});
