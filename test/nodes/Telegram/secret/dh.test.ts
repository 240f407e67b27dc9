import assert from 'node:assert/strict';
import { createDiffieHellmanGroup, generatePrimeSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
	SecretChatParameterError,
	checkDhParameters,
	checkDhPublicValue,
	dhPublicValue,
	dhSharedKey,
	newDhExponent,
} from '../../../../nodes/Telegram/transport/secret/dh';
import { bytesFromBigint, modPow, TELEGRAM_DH_PRIME } from '../../../fakes/telegram/numbers';

/** The prime Telegram's getDhConfig returns (TDLib knows it too), and RFC 3526's 2048-bit group. */
const TELEGRAM_PRIME = bytesFromBigint(TELEGRAM_DH_PRIME, 256);
const MODP14_PRIME = createDiffieHellmanGroup('modp14').getPrime();

const big = (bytes: Buffer) => (bytes.length === 0 ? 0n : BigInt('0x' + bytes.toString('hex')));
const bytes256 = (value: bigint) => Buffer.from(value.toString(16).padStart(512, '0'), 'hex');

/** Euler's criterion: g is a quadratic residue mod p, i.e. generates the subgroup of order (p-1)/2. */
const isQuadraticResidue = (g: number, p: Buffer) =>
	modPow(BigInt(g), (big(p) - 1n) / 2n, big(p)) === 1n;

describe('secret chats: Diffie-Hellman', () => {
	test('each g in 2..7 is accepted exactly when it is a quadratic residue of the safe prime', () => {
		for (const p of [TELEGRAM_PRIME, MODP14_PRIME]) {
			for (const g of [2, 3, 4, 5, 6, 7]) {
				if (isQuadraticResidue(g, p))
					assert.doesNotThrow(() => checkDhParameters({ p, g }), `g=${g}`);
				else
					assert.throws(
						() => checkDhParameters({ p, g }),
						{
							name: 'SecretChatParameterError',
							message: new RegExp(`generator ${g}, which does not fit`),
						},
						`g=${g}`,
					);
			}
		}
	});

	test("the residue rules agree with Euler's criterion on primes chosen to make each rule pass and fail", () => {
		// Safe primes are 3 mod 4; any prime that is 3 mod 4 obeys the same rules, and these are
		// quick to make. Residues mod 8, 3, 5, 7 chosen so that every g other than 4 meets both outcomes.
		const wanted = [
			{ mod8: 7, mod3: 2, mod5: 1, mod7: 3 },
			{ mod8: 3, mod3: 1, mod5: 2, mod7: 1 },
			{ mod8: 7, mod3: 1, mod5: 4, mod7: 5 },
		];
		const seen = new Map<number, Set<boolean>>();
		for (const residues of wanted) {
			const rem = Array.from({ length: 840 }, (_unused, r) => r).find(
				(r) =>
					r % 8 === residues.mod8 &&
					r % 3 === residues.mod3 &&
					r % 5 === residues.mod5 &&
					r % 7 === residues.mod7,
			);
			assert.ok(rem !== undefined);
			const p = bytes256(generatePrimeSync(2048, { add: 840n, rem: BigInt(rem), bigint: true }));
			assert.equal(p[0] & 0x80, 0x80);
			for (const g of [2, 3, 4, 5, 6, 7]) {
				const residue = isQuadraticResidue(g, p);
				seen.set(g, (seen.get(g) ?? new Set()).add(residue));
				// Past the residue rule, these primes fail the safe-prime test instead.
				const expected = residue
					? /not a safe prime/
					: new RegExp(`generator ${g}, which does not fit`);
				assert.throws(
					() => checkDhParameters({ p, g }),
					{ name: 'SecretChatParameterError', message: expected },
					`g=${g}, p mod 840 = ${rem}`,
				);
			}
		}
		for (const g of [2, 3, 5, 6, 7]) assert.equal(seen.get(g)?.size, 2, `g=${g}`);
	});

	test('a prime that is not 2048 bits, a g outside 2..7, a prime that is not safe, a composite', () => {
		const notSize = /not 2048 bits long/;
		assert.throws(() => checkDhParameters({ p: TELEGRAM_PRIME.subarray(1), g: 3 }), {
			name: 'SecretChatParameterError',
			message: notSize,
		});
		assert.throws(
			() => checkDhParameters({ p: Buffer.concat([Buffer.from([1]), TELEGRAM_PRIME]), g: 3 }),
			{ message: notSize },
		);
		const topBitClear = Buffer.from(TELEGRAM_PRIME);
		topBitClear[0] &= 0x7f;
		assert.throws(() => checkDhParameters({ p: topBitClear, g: 3 }), { message: notSize });
		for (const g of [0, 1, 8, 2.5, Number.NaN])
			assert.throws(
				() => checkDhParameters({ p: TELEGRAM_PRIME, g }),
				{ name: 'SecretChatParameterError', message: /outside 2\.\.7/ },
				String(g),
			);
		// g = 4 passes every residue test, so these reach the primality check.
		const plainPrime = generatePrimeSync(2048);
		const unsafe = Buffer.from(plainPrime);
		assert.throws(() => checkDhParameters({ p: unsafe, g: 4 }), {
			name: 'SecretChatParameterError',
			message: /not a safe prime/,
		});
		const composite = bytes256(big(TELEGRAM_PRIME) + 2n);
		assert.throws(() => checkDhParameters({ p: composite, g: 4 }), { message: /not a safe prime/ });
		const even = bytes256(big(TELEGRAM_PRIME) + 1n);
		assert.throws(() => checkDhParameters({ p: even, g: 4 }), { message: /not a safe prime/ });
		// The message tells the user what happened and what to do.
		assert.throws(
			() => checkDhParameters({ p: composite, g: 4 }),
			(error: unknown) =>
				error instanceof SecretChatParameterError &&
				/not started/.test(error.message) &&
				/another network/.test(error.message),
		);
	});

	test('public values must lie between 2^1984 and p - 2^1984', () => {
		const p = big(TELEGRAM_PRIME);
		const margin = 1n << 1984n;
		for (const value of [0n, 1n, 2n, margin - 1n, margin, p - margin, p - 2n, p - 1n, p, p + 5n]) {
			assert.throws(
				() => checkDhPublicValue(bytes256(value), TELEGRAM_PRIME, 'g_b'),
				{ name: 'SecretChatParameterError', message: /g_b/ },
				value.toString(16),
			);
		}
		for (const value of [margin + 1n, p / 2n, p - margin - 1n])
			assert.doesNotThrow(() => checkDhPublicValue(bytes256(value), TELEGRAM_PRIME, 'g_a'));
		// Leading zero bytes may be dropped; more than 256 bytes never.
		assert.doesNotThrow(() =>
			checkDhPublicValue(bytes256(margin + 1n).subarray(7), TELEGRAM_PRIME, 'g_a'),
		);
		assert.throws(
			() =>
				checkDhPublicValue(
					Buffer.concat([Buffer.alloc(1), bytes256(p / 2n)]),
					TELEGRAM_PRIME,
					'g_a',
				),
			{ message: /g_a of 257 bytes/ },
		);
		assert.throws(() => checkDhPublicValue(Buffer.alloc(0), TELEGRAM_PRIME, 'g_a'), {
			message: /g_a outside/,
		});
	});

	test('g^a and the shared key agree with big-integer arithmetic and with each other, 256 bytes each', () => {
		const params = { p: TELEGRAM_PRIME, g: 3 };
		const p = big(TELEGRAM_PRIME);
		for (let round = 0; round < 3; round++) {
			const a = newDhExponent(randomBytes(256));
			const b = newDhExponent(randomBytes(256));
			const gA = dhPublicValue(params, a);
			const gB = dhPublicValue(params, b);
			assert.equal(gA.length, 256);
			assert.equal(big(gA), modPow(3n, big(a), p));
			checkDhPublicValue(gA, TELEGRAM_PRIME, 'g_a');
			const key = dhSharedKey(params, a, gB);
			assert.equal(key.length, 256);
			assert.deepEqual(key, dhSharedKey(params, b, gA));
			assert.equal(big(key), modPow(big(gB), big(a), p));
		}
		// Small results keep their leading zeros.
		const one = Buffer.from([1]);
		assert.deepEqual(dhPublicValue(params, one), bytes256(3n));
		assert.deepEqual(dhSharedKey(params, one, Buffer.from([7])), bytes256(7n));
		assert.throws(() => dhPublicValue(params, Buffer.alloc(257, 1)), RangeError);
	});

	test('a new exponent is 256 bytes and differs every time, whatever the server sends', () => {
		const zero = Buffer.alloc(256);
		const seen = new Set(
			[zero, Buffer.alloc(0), randomBytes(256), randomBytes(300)].map((serverRandom) =>
				newDhExponent(serverRandom).toString('hex'),
			),
		);
		assert.equal(seen.size, 4);
		for (const exponent of seen) assert.equal(exponent.length, 512);
		assert.ok(!seen.has(zero.toString('hex')));
	});
});
