import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import { computeDigest } from 'telegram/Password';
import { bigintFromBytes, bytesFromBigint, TELEGRAM_DH_G, TELEGRAM_DH_PRIME } from '../numbers';

/** Login codes per phone and the accounts' 2FA password (one for every account of the fake). */

export const DEFAULT_LOGIN_CODE = '12345';

export class LoginSettings {
	private codes = new Map<string, string>();
	private password: string | null = null;
	private verifier?: Promise<bigint>;
	/** The KDF parameters of the current password; new salts with every setPassword. */
	algo = newPasswordAlgo();

	codeFor(phone: string): string {
		return this.codes.get(phone) ?? DEFAULT_LOGIN_CODE;
	}

	setCode(phone: string, code: string): void {
		this.codes.set(normalizePhone(phone), code);
	}

	hasPassword(): boolean {
		return this.password !== null;
	}

	setPassword(password: string | null): void {
		this.password = password;
		this.algo = newPasswordAlgo();
		this.verifier = undefined;
	}

	/** SRP verifier v = g^x mod p, x from gramjs's own password KDF (PBKDF2, 100000 rounds). */
	passwordVerifier(): Promise<bigint> {
		if (this.password === null) throw new Error('no password set');
		this.verifier ??= computeDigest(this.algo, this.password).then(bigintFromBytes);
		return this.verifier;
	}

	reset(): void {
		this.codes.clear();
		this.setPassword(null);
	}
}

export function normalizePhone(phone: string): string {
	return phone.replace(/[^\d]/g, '');
}

function newPasswordAlgo(): Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
	return new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
		salt1: randomBytes(8),
		salt2: randomBytes(16),
		g: TELEGRAM_DH_G,
		p: bytesFromBigint(TELEGRAM_DH_PRIME, 256),
	});
}
