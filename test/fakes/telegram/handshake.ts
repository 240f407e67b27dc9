import { constants, privateDecrypt, randomBytes } from 'node:crypto';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { AuthKey } from 'telegram/crypto/AuthKey';
import { IGE } from 'telegram/crypto/IGE';
import { BinaryReader } from 'telegram/extensions';
import {
	bufferXor,
	generateKeyDataFromNonce,
	getByteArray,
	readBigIntFromBuffer,
	sha1,
	sha256,
} from 'telegram/Helpers';
import {
	bigintFromBytes,
	bytesFromBigint,
	isSafeDhValue,
	modPow,
	randomBigint,
	TELEGRAM_DH_G,
	TELEGRAM_DH_PRIME,
} from './numbers';
import type { FakeRsaKey } from './rsaKey';
import type { Long } from './wire';

/**
 * The server side of MTProto's auth key creation (req_pq_multi, req_DH_params,
 * set_client_DH_params), mirroring gramjs's network/Authenticator step by step.
 * https://core.telegram.org/mtproto/auth_key
 */

// The example pq of Telegram's documentation: gramjs's Factorizator splits it in ~0.1 s.
const PQ = bigInt('1724114033281923457');
const P = bigInt('1229739323');
const Q = bigInt('1402015859');

export class HandshakeError extends Error {}

interface ExchangeState {
	nonce: Long;
	serverNonce: Long;
	newNonce?: Long;
	secretA?: bigint;
}

export class AuthKeyExchange {
	private state?: ExchangeState;

	constructor(
		private readonly rsa: FakeRsaKey,
		private readonly nowSeconds: () => number,
		/** Called with the new key once the client proved it has it too. */
		private readonly onAuthKey: (key: Buffer) => void,
	) {}

	static isStep(request: unknown): boolean {
		return (
			request instanceof Api.ReqPqMulti ||
			request instanceof Api.ReqPq ||
			request instanceof Api.ReqDHParams ||
			request instanceof Api.SetClientDHParams
		);
	}

	async answer(request: unknown): Promise<{ getBytes(): Buffer }> {
		if (request instanceof Api.ReqPqMulti || request instanceof Api.ReqPq)
			return this.answerPq(request.nonce);
		if (request instanceof Api.ReqDHParams) return this.answerDhParams(request);
		if (request instanceof Api.SetClientDHParams) return this.answerClientDhParams(request);
		throw new HandshakeError('not a DH exchange step');
	}

	private answerPq(nonce: Long): Api.ResPQ {
		const serverNonce = readBigIntFromBuffer(randomBytes(16), true, true);
		this.state = { nonce, serverNonce };
		return new Api.ResPQ({
			nonce,
			serverNonce,
			pq: getByteArray(PQ),
			serverPublicKeyFingerprints: [bigInt(this.rsa.fingerprint)],
		});
	}

	private async answerDhParams(request: Api.ReqDHParams): Promise<Api.ServerDHParamsOk> {
		const state = this.expectNonces(request.nonce, request.serverNonce);
		if (bigInt(request.publicKeyFingerprint.toString()).neq(bigInt(this.rsa.fingerprint)))
			throw new HandshakeError('unknown RSA fingerprint');
		if (!request.p.equals(getByteArray(P)) || !request.q.equals(getByteArray(Q)))
			throw new HandshakeError('wrong p/q');
		const inner = await this.decryptPqInnerData(request.encryptedData);
		if (inner.nonce.neq(state.nonce) || inner.serverNonce.neq(state.serverNonce))
			throw new HandshakeError('inner data nonce mismatch');
		state.newNonce = inner.newNonce;

		let secretA = randomBigint(256);
		let gA = modPow(BigInt(TELEGRAM_DH_G), secretA, TELEGRAM_DH_PRIME);
		while (!isSafeDhValue(gA)) {
			secretA = randomBigint(256);
			gA = modPow(BigInt(TELEGRAM_DH_G), secretA, TELEGRAM_DH_PRIME);
		}
		state.secretA = secretA;
		const innerAnswer = new Api.ServerDHInnerData({
			nonce: state.nonce,
			serverNonce: state.serverNonce,
			g: TELEGRAM_DH_G,
			dhPrime: bytesFromBigint(TELEGRAM_DH_PRIME, 256),
			gA: bytesFromBigint(gA, 256),
			serverTime: this.nowSeconds(),
		}).getBytes();
		const withHash = Buffer.concat([await sha1(innerAnswer), innerAnswer]);
		const padded = Buffer.concat([withHash, Buffer.alloc((16 - (withHash.length % 16)) % 16)]);
		const { key, iv } = await generateKeyDataFromNonce(state.serverNonce, inner.newNonce);
		return new Api.ServerDHParamsOk({
			nonce: state.nonce,
			serverNonce: state.serverNonce,
			encryptedAnswer: new IGE(key, iv).encryptIge(padded),
		});
	}

	/** Undoes gramjs's RSA_PAD: RSA, then temp key XOR SHA256, then AES-IGE, then the reversed data. */
	private async decryptPqInnerData(encryptedData: Buffer): Promise<Api.PQInnerData> {
		const padded = Buffer.concat([
			Buffer.alloc(Math.max(0, 256 - encryptedData.length)),
			encryptedData,
		]);
		const keyAesEncrypted = privateDecrypt(
			{ key: this.rsa.privateKey, padding: constants.RSA_NO_PADDING },
			padded,
		);
		const aesEncrypted = keyAesEncrypted.subarray(32);
		const tempKey = bufferXor(keyAesEncrypted.subarray(0, 32), await sha256(aesEncrypted));
		const dataWithHash = new IGE(tempKey, Buffer.alloc(32)).decryptIge(aesEncrypted);
		const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
		const expectedHash = await sha256(Buffer.concat([tempKey, dataWithPadding]));
		if (!expectedHash.equals(dataWithHash.subarray(192, 224)))
			throw new HandshakeError('RSA_PAD hash mismatch');
		const inner: unknown = new BinaryReader(dataWithPadding).tgReadObject();
		if (!(inner instanceof Api.PQInnerData || inner instanceof Api.PQInnerDataDc))
			throw new HandshakeError('not p_q_inner_data');
		return inner as Api.PQInnerData;
	}

	private async answerClientDhParams(request: Api.SetClientDHParams): Promise<Api.DhGenOk> {
		const state = this.expectNonces(request.nonce, request.serverNonce);
		if (!state.newNonce || state.secretA === undefined)
			throw new HandshakeError('set_client_DH_params before req_DH_params');
		const { key, iv } = await generateKeyDataFromNonce(state.serverNonce, state.newNonce);
		const plain = new IGE(key, iv).decryptIge(request.encryptedData);
		const reader = new BinaryReader(plain.subarray(20));
		const inner: unknown = reader.tgReadObject();
		if (!(inner instanceof Api.ClientDHInnerData))
			throw new HandshakeError('not client_DH_inner_data');
		const innerBytes = plain.subarray(20, 20 + reader.tellPosition());
		if (!(await sha1(innerBytes)).equals(plain.subarray(0, 20)))
			throw new HandshakeError('client_DH_inner_data hash mismatch');
		const gB = bigintFromBytes(inner.gB);
		if (!isSafeDhValue(gB)) throw new HandshakeError('unsafe g_b');

		const gAB = modPow(gB, state.secretA, TELEGRAM_DH_PRIME);
		// gramjs keeps g^ab without its leading zero bytes (getByteArray); a real server would not,
		// and such a key would fail there 1 time in 256. Mirror the client so the fake never does.
		const authKey = new AuthKey();
		await authKey.setKey(getByteArray(bigInt(gAB.toString())));
		const newNonceHash1 = await authKey.calcNewNonceHash(state.newNonce, 1);
		this.state = undefined;
		this.onAuthKey(authKey.getKey() as Buffer);
		return new Api.DhGenOk({
			nonce: request.nonce,
			serverNonce: request.serverNonce,
			newNonceHash1,
		});
	}

	private expectNonces(nonce: Long, serverNonce: Long): ExchangeState {
		const state = this.state;
		if (!state || state.nonce.neq(nonce) || state.serverNonce.neq(serverNonce))
			throw new HandshakeError('unknown nonce');
		return state;
	}
}
