import { createHash, randomBytes } from 'node:crypto';

/**
 * Auth keys the fake knows, whether made by createSession() (pre-shared) or by a DH exchange,
 * with what Telegram ties to a key: its data centre, the account logged in on it, its server
 * salt, its MTProto sessions and the login in progress.
 */

export interface MtprotoSession {
	/** Counts content-related messages we sent, for seq_no. */
	contentMessagesSent: number;
	/** new_session_created was sent. */
	announced: boolean;
}

export interface PendingLogin {
	phone: string;
	phoneCodeHash: string;
}

export interface SrpChallenge {
	srpId: bigint;
	/** Server secret b and public B = k*v + g^b. */
	b: bigint;
	B: Buffer;
	userId: bigint;
}

/** What a client said in initConnection: Telegram shows it in the list of the account's sessions. */
export interface ClientDescription {
	deviceModel: string;
	systemVersion: string;
	appVersion: string;
	apiId: number;
}

export interface AuthKeyRecord {
	key: Buffer;
	/** The 8 bytes that start every encrypted packet: the low 64 bits of SHA1(key). */
	keyId: Buffer;
	dcId: number;
	userId?: bigint;
	/** While logged in: the authorization's hash (account.getAuthorizations) and when it began. */
	authorizationHash?: bigint;
	authorizedAt?: number;
	client?: ClientDescription;
	serverSalt: Buffer;
	sessions: Map<string, MtprotoSession>;
	login?: PendingLogin;
	/** signIn succeeded but the account has a 2FA password. */
	passwordPendingUserId?: bigint;
	srp?: SrpChallenge;
	/**
	 * Telegram saw this login send requests from two TCP connections at once and invalidated it:
	 * every later request on the key is answered 406 AUTH_KEY_DUPLICATED.
	 */
	duplicated?: boolean;
}

export function authKeyIdOf(key: Buffer): Buffer {
	return createHash('sha1').update(key).digest().subarray(12, 20);
}

export class AuthKeyRegistry {
	private readonly byId = new Map<string, AuthKeyRecord>();

	add(key: Buffer, dcId: number, login?: { userId: bigint; now: number }): AuthKeyRecord {
		const record: AuthKeyRecord = {
			key,
			keyId: authKeyIdOf(key),
			dcId,
			serverSalt: randomBytes(8),
			sessions: new Map(),
		};
		if (login) this.authorize(record, login.userId, login.now);
		this.byId.set(record.keyId.toString('hex'), record);
		return record;
	}

	/** The key is logged in as `userId`: a new authorization (a session in the account's list). */
	authorize(record: AuthKeyRecord, userId: bigint, now: number): void {
		record.userId = userId;
		record.authorizationHash = randomBytes(8).readBigInt64LE(0) & 0x7fffffffffffffffn;
		record.authorizedAt = now;
		record.login = undefined;
		record.passwordPendingUserId = undefined;
		record.srp = undefined;
	}

	/** The authorization ends (auth.logOut, or reset from another session): the key stays, logged out. */
	logOut(record: AuthKeyRecord): void {
		record.userId = undefined;
		record.authorizationHash = undefined;
		record.authorizedAt = undefined;
	}

	/** The keys logged in as this account: its authorizations, oldest first. */
	authorizationsOf(userId: bigint): AuthKeyRecord[] {
		return this.all()
			.filter((record) => record.userId === userId)
			.sort((a, b) => (a.authorizedAt ?? 0) - (b.authorizedAt ?? 0));
	}

	find(keyId: Buffer): AuthKeyRecord | undefined {
		return this.byId.get(keyId.toString('hex'));
	}

	all(): AuthKeyRecord[] {
		return [...this.byId.values()];
	}
}

/** The data centre gramjs believes it talks to is in the session; the address is not used to dial. */
const SESSION_PORT = 443;

/**
 * A gramjs StringSession: "1" + base64(dc u8 | address length u16be | address | port i16be | key).
 * The port written is 443, as in real sessions: gramjs ignores it on connect, and its own
 * StringSession.save() throws on ports above 32767, which a fake's ephemeral port often is.
 */
export function encodeStringSession(dcId: number, host: string, key: Buffer): string {
	const address = Buffer.from(host);
	const header = Buffer.alloc(3);
	header.writeUInt8(dcId, 0);
	header.writeUInt16BE(address.length, 1);
	const port = Buffer.alloc(2);
	port.writeInt16BE(SESSION_PORT, 0);
	return '1' + Buffer.concat([header, address, port, key]).toString('base64');
}
