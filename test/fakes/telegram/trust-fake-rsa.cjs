'use strict';
/**
 * Makes gramjs trust the fake Telegram's RSA key, which it needs to create an auth key by DH
 * (gramjs only accepts the server keys in telegram/crypto/RSA `_serverKeys`).
 *
 * In another process (the login CLI under test):
 *   TELEGRAM_FAKE_RSA_PUBLIC_PEM="$(...)" node --require ./test/fakes/telegram/trust-fake-rsa.cjs cli.js
 * In the test process: require it and call trustFakeRsaKey(pem).
 *
 * gramjs is resolved from the working directory first, so the key lands in the same module
 * instance the program under test uses.
 */
const crypto = require('node:crypto');
const path = require('node:path');

function requireGramjs(modulePath) {
	return require(require.resolve(modulePath, { paths: [process.cwd(), __dirname] }));
}

/** Telegram's fingerprint: the low 64 bits of SHA1(TL bytes n + TL bytes e), as a signed long. */
function fakeRsaKeyOf(publicKeyPem) {
	const jwk = crypto.createPublicKey(publicKeyPem).export({ format: 'jwk' });
	const n = Buffer.from(jwk.n, 'base64url');
	const e = Buffer.from(jwk.e, 'base64url');
	const { serializeBytes } = requireGramjs('telegram/tl/generationHelpers');
	const digest = crypto
		.createHash('sha1')
		.update(Buffer.concat([serializeBytes(n), serializeBytes(e)]))
		.digest();
	return {
		fingerprint: digest.subarray(12, 20).readBigInt64LE(0).toString(),
		n: BigInt('0x' + n.toString('hex')),
		e: Number(BigInt('0x' + e.toString('hex'))),
	};
}

/** Registers the key in gramjs's table and returns its fingerprint (decimal string). */
function trustFakeRsaKey(publicKeyPem) {
	const { _serverKeys } = requireGramjs('telegram/crypto/RSA');
	// The big-integer copy gramjs itself loads, so its modExp accepts our n.
	const gramjsDir = path.dirname(
		require.resolve('telegram', { paths: [process.cwd(), __dirname] }),
	);
	const bigInt = require(require.resolve('big-integer', { paths: [gramjsDir] }));
	const key = fakeRsaKeyOf(publicKeyPem);
	_serverKeys.set(key.fingerprint, { n: bigInt(key.n.toString()), e: key.e });
	return key.fingerprint;
}

if (process.env.TELEGRAM_FAKE_RSA_PUBLIC_PEM)
	trustFakeRsaKey(process.env.TELEGRAM_FAKE_RSA_PUBLIC_PEM);

module.exports = { trustFakeRsaKey, fakeRsaKeyOf };
