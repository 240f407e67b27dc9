import { randomBytes } from 'node:crypto';

/** Big-number helpers on native bigint, and the 2048-bit safe prime Telegram uses for DH and 2FA. */

export const TELEGRAM_DH_PRIME = BigInt(
	'0xc71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db' +
		'fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64' +
		'2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41' +
		'0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4' +
		'e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf' +
		'6f4fadf034b10403119cd8e3b92fcc5b',
);
export const TELEGRAM_DH_G = 3;

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
	let result = 1n;
	base %= modulus;
	while (exponent > 0n) {
		if (exponent & 1n) result = (result * base) % modulus;
		base = (base * base) % modulus;
		exponent >>= 1n;
	}
	return result;
}

export function bigintFromBytes(bytes: Buffer): bigint {
	return bytes.length === 0 ? 0n : BigInt('0x' + bytes.toString('hex'));
}

/** Big-endian, left-padded to `length` bytes. */
export function bytesFromBigint(value: bigint, length: number): Buffer {
	return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

export function randomBigint(byteCount: number): bigint {
	return bigintFromBytes(randomBytes(byteCount));
}

/** Telegram's check on DH public values: 2^{2048-64} < x < p - 2^{2048-64}. */
export function isSafeDhValue(value: bigint, prime = TELEGRAM_DH_PRIME): boolean {
	const margin = 1n << 1984n;
	return value > margin && value < prime - margin;
}
