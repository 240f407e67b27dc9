import { createHash, randomBytes } from 'node:crypto';
import type { Api } from 'telegram';
import type { SrpChallenge } from '../authKeys';
import {
	bigintFromBytes,
	bytesFromBigint,
	isSafeDhValue,
	modPow,
	randomBigint,
	TELEGRAM_DH_G,
	TELEGRAM_DH_PRIME,
} from '../numbers';
import { fromLong } from '../wire';

/**
 * The server half of Telegram's SRP 2FA check (https://core.telegram.org/api/srp), so that
 * gramjs's computeCheck meets a real verification: B = k*v + g^b; the client proves it knows the
 * password with M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K), K = H((A * v^u)^b).
 */

const p = TELEGRAM_DH_PRIME;
const g = BigInt(TELEGRAM_DH_G);

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const pad = (value: bigint) => bytesFromBigint(value, 256);

function multiplier(): bigint {
	return bigintFromBytes(sha256(pad(p), pad(g)));
}

export function newSrpChallenge(verifier: bigint, userId: bigint): SrpChallenge {
	for (;;) {
		const b = randomBigint(256);
		const gB = modPow(g, b, p);
		// gramjs refuses a B whose g^b part is too close to 0 or p.
		if (!isSafeDhValue(gB)) continue;
		const B = (multiplier() * verifier + gB) % p;
		return { srpId: bigintFromBytes(randomBytes(8)) & 0x7fffffffffffffffn, b, B: pad(B), userId };
	}
}

export function isSrpAnswerValid(
	challenge: SrpChallenge,
	verifier: bigint,
	algo: Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow,
	answer: Api.InputCheckPasswordSRP,
): boolean {
	if (fromLong(answer.srpId) !== challenge.srpId) return false;
	const A = bigintFromBytes(answer.A);
	if (A <= 1n || A >= p - 1n) return false;
	const u = bigintFromBytes(sha256(pad(A), challenge.B));
	const S = modPow((A * modPow(verifier, u, p)) % p, challenge.b, p);
	const K = sha256(pad(S));
	const hashP = sha256(pad(p));
	const hashG = sha256(pad(g));
	const xorPG = Buffer.from(hashP.map((byte, i) => byte ^ hashG[i]));
	const M1 = sha256(xorPG, sha256(algo.salt1), sha256(algo.salt2), pad(A), challenge.B, K);
	return M1.equals(answer.M1);
}
