import { createDiffieHellman, constants, randomBytes, type DiffieHellman } from 'node:crypto';

/**
 * Diffie-Hellman for secret chats: the checks Telegram asks clients to make on what the server
 * and the other side send, and the modular arithmetic, done by OpenSSL through node:crypto.
 */

/** As messages.getDhConfig returns them; p is 256 bytes, big-endian. */
export interface DhParameters {
	p: Buffer;
	g: number;
}

const PRIME_BYTES = 256;

/** A DH value that fails a safety check; the message says which, and what the user can do. */
export class SecretChatParameterError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretChatParameterError';
	}
}

const ADVICE =
	"The secret chat was not started or continued. This should never happen with Telegram's servers; if it repeats, the connection may be tampered with: try again later or from another network.";

function refuse(problem: string): never {
	throw new SecretChatParameterError(`${problem}. ${ADVICE}`);
}

function toBigint(bytes: Buffer): bigint {
	return bytes.length === 0 ? 0n : BigInt('0x' + bytes.toString('hex'));
}

/** g must generate the subgroup of order (p-1)/2, i.e. be a quadratic residue mod p. */
function generatorFits(g: number, p: bigint): boolean {
	switch (g) {
		case 2:
			return p % 8n === 7n;
		case 3:
			return p % 3n === 2n;
		case 4:
			return true;
		case 5:
			return [1n, 4n].includes(p % 5n);
		case 6:
			return [19n, 23n].includes(p % 24n);
		case 7:
			return [3n, 5n, 6n].includes(p % 7n);
		default:
			return false;
	}
}

/**
 * One OpenSSL group per prime: making it runs the safe-prime test (~0.25 s for 2048 bits), so it
 * is made once per process and reused. g^x is computed as the "shared secret" of x with the
 * public value g, so the group's own generator does not matter and one group serves every g.
 * The private key is set right before each use and the calls are synchronous: no interleaving.
 */
const groups = new Map<string, DiffieHellman>();
const MAX_GROUPS = 8;

function groupFor(p: Buffer): DiffieHellman {
	const id = p.toString('hex');
	let group = groups.get(id);
	if (!group) {
		if (groups.size >= MAX_GROUPS) groups.clear();
		group = createDiffieHellman(p, 2);
		groups.set(id, group);
	}
	return group;
}

function isSafePrime(p: Buffer): boolean {
	let verifyError: number;
	try {
		verifyError = groupFor(p).verifyError;
	} catch {
		return false;
	}
	// Only the prime bits count: g is checked by residues (OpenSSL 3 cannot check it without q).
	return (
		(verifyError & (constants.DH_CHECK_P_NOT_PRIME | constants.DH_CHECK_P_NOT_SAFE_PRIME)) === 0
	);
}

/** A safe 2048-bit prime p and g in 2..7 that generates its subgroup of order (p-1)/2. */
export function checkDhParameters(params: DhParameters): void {
	const { p, g } = params;
	if (p.length !== PRIME_BYTES || (p[0] & 0x80) === 0)
		refuse('Telegram sent a Diffie-Hellman prime that is not 2048 bits long');
	if (!Number.isInteger(g) || g < 2 || g > 7)
		refuse(`Telegram sent the Diffie-Hellman generator ${g}, outside 2..7`);
	if (!generatorFits(g, toBigint(p)))
		refuse(
			`Telegram sent the Diffie-Hellman generator ${g}, which does not fit its prime (not a quadratic residue)`,
		);
	if (!isSafePrime(p)) refuse('Telegram sent a Diffie-Hellman prime that is not a safe prime');
}

/** 1 < value < p-1, and 2^(2048-64) < value < p - 2^(2048-64). */
export function checkDhPublicValue(value: Buffer, p: Buffer, name: 'g_a' | 'g_b'): void {
	if (value.length > PRIME_BYTES)
		refuse(`The other side sent ${name} of ${value.length} bytes, more than 256`);
	const v = toBigint(value);
	const prime = toBigint(p);
	const margin = 1n << BigInt(2048 - 64);
	if (v <= 1n || v >= prime - 1n) refuse(`The other side sent ${name} outside 1 < ${name} < p-1`);
	if (v <= margin || v >= prime - margin)
		refuse(
			`The other side sent ${name} too close to 0 or to p (it must lie between 2^1984 and p - 2^1984)`,
		);
}

/** 256 random bytes mixed with the server's random (a bad local generator alone does not decide). */
export function newDhExponent(serverRandom: Buffer): Buffer {
	const exponent = randomBytes(PRIME_BYTES);
	for (let index = 0; index < Math.min(serverRandom.length, PRIME_BYTES); index++)
		exponent[index] ^= serverRandom[index];
	return exponent;
}

function power(p: Buffer, base: Buffer, exponent: Buffer): Buffer {
	if (exponent.length === 0 || exponent.length > PRIME_BYTES)
		throw new RangeError(`a DH exponent has 1 to 256 bytes, got ${exponent.length}`);
	const group = groupFor(p);
	group.setPrivateKey(exponent);
	const result = group.computeSecret(base);
	return result.length >= PRIME_BYTES
		? result
		: Buffer.concat([Buffer.alloc(PRIME_BYTES - result.length), result]);
}

/** g^exponent mod p, 256 bytes big-endian. */
export function dhPublicValue(params: DhParameters, exponent: Buffer): Buffer {
	return power(params.p, Buffer.from([params.g]), exponent);
}

/** otherPublic^exponent mod p, 256 bytes big-endian: the chat key. Check otherPublic first. */
export function dhSharedKey(params: DhParameters, exponent: Buffer, otherPublic: Buffer): Buffer {
	return power(params.p, otherPublic, exponent);
}
