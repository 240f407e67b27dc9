import { randomBytes } from 'node:crypto';
import { RpcFailure } from './wire';

/**
 * QR login tokens as Telegram keeps them (https://core.telegram.org/api/qr-login): a client's
 * auth key exports a token (shown as tg://login?token=...), a logged-in app accepts it, the
 * client is told by updateLoginToken and exports again to get the login, or
 * auth.loginTokenMigrateTo when the account lives on another DC, where it imports the token.
 */

/** How long an exported token can be accepted, in seconds (Telegram's is about 30 s). */
export const LOGIN_TOKEN_LIFETIME_SECONDS = 30;

export interface FakeLoginToken {
	token: Buffer;
	/** tg://login?token=<base64url>, what a QR code shows. */
	link: string;
	/** Hex id of the auth key that exported it: the only one told when it is accepted. */
	authKeyId: string;
	/** Unix seconds. */
	expires: number;
	acceptedBy?: bigint;
	/** The login was handed out (export or import): the token cannot be used again. */
	used: boolean;
}

export class QrLogins {
	tokens: FakeLoginToken[] = [];

	/** A new token for this key; the key's older tokens not yet accepted stop working. */
	export(authKeyId: string, now: number): FakeLoginToken {
		this.tokens = this.tokens.filter((t) => t.authKeyId !== authKeyId || t.acceptedBy);
		const token = randomBytes(32);
		const created: FakeLoginToken = {
			token,
			link: `tg://login?token=${token.toString('base64url')}`,
			authKeyId,
			expires: now + LOGIN_TOKEN_LIFETIME_SECONDS,
			used: false,
		};
		this.tokens.push(created);
		return created;
	}

	/** The key's accepted token not handed out yet, if any. */
	acceptedFor(authKeyId: string): FakeLoginToken | undefined {
		return this.tokens.find((t) => t.authKeyId === authKeyId && t.acceptedBy && !t.used);
	}

	find(token: Buffer): FakeLoginToken | undefined {
		return this.tokens.find((t) => t.token.equals(token));
	}

	/** As auth.acceptLoginToken from `userId`'s app: the rules Telegram applies, as RpcFailure. */
	accept(token: Buffer, userId: bigint, now: number): FakeLoginToken {
		const found = this.find(token);
		if (!found) throw new RpcFailure(400, 'AUTH_TOKEN_INVALID');
		if (found.acceptedBy !== undefined) throw new RpcFailure(400, 'AUTH_TOKEN_ALREADY_ACCEPTED');
		if (found.expires < now) throw new RpcFailure(400, 'AUTH_TOKEN_EXPIRED');
		found.acceptedBy = userId;
		return found;
	}

	reset(): void {
		this.tokens = [];
	}
}

/** The token of a tg://login link, of its base64url text, or the bytes themselves. */
export function loginTokenBytes(token: Buffer | string): Buffer {
	if (Buffer.isBuffer(token)) return token;
	const text = token.startsWith('tg://') ? (new URL(token).searchParams.get('token') ?? '') : token;
	return Buffer.from(text, 'base64url');
}
