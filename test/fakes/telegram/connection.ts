import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Api } from 'telegram';
import { BinaryReader } from 'telegram/extensions';
import { FullPacketCodec } from 'telegram/network/connection/TCPFull';
import { GZIPPacked, MessageContainer, type TLMessage } from 'telegram/tl/core';
import type { AuthKeyRecord, MtprotoSession } from './authKeys';
import {
	EnvelopeError,
	openClientPacket,
	plainMessage,
	sealServerMessage,
	type ServerMessageIds,
} from './envelope';
import type { FaultPlan } from './faults';
import { AuthKeyExchange, HandshakeError } from './handshake';
import { RpcContext, type FakeServices } from './rpc/context';
import type { RpcTable } from './rpc';
import type { FakeRsaKey } from './rsaKey';
import type { FakeWorld, SeenRequest } from './state';
import { fromLong, rpcErrorBytes, rpcResultBytes, RpcFailure, toLong } from './wire';

/**
 * One client TCP connection in MTProto's "full" transport: the DH exchange in plain messages,
 * then encrypted messages (containers, acks, pings, RPCs wrapped in invokeWithLayer /
 * initConnection), answered in order, with the armed faults applied.
 */

/** What a connection needs from the fake that accepted it. */
export interface ConnectionHost {
	/** The DC this listener is (keys of other DCs are unknown here); undefined: the main port, any DC. */
	readonly dataCenter?: number;
	readonly world: FakeWorld;
	readonly services: FakeServices;
	readonly rpc: RpcTable;
	readonly msgIds: ServerMessageIds;
	readonly faults: FaultPlan;
	readonly rsaKey: FakeRsaKey;
	record(request: SeenRequest): void;
	/** The DC a key made by DH now belongs to: the fake's, or the one a migration error named. */
	dcForNewKeys(): number;
	/** A DH exchange made a key: register it on dcForNewKeys(). */
	addAuthKey(key: Buffer): void;
	/** A migration error was sent: the client's next new key belongs to that DC. */
	expectKeyOnDc(dcId: number): void;
	forget(connection: FakeConnection): void;
	/** Pushes an Updates body to the account's connections on MTProto sessions other than `sessionId`. */
	pushToOtherSessions(accountId: bigint, sessionId: Buffer, body: Buffer): void;
	/** Another open connection already sends this login's (non-upload) requests. */
	loginInUseElsewhere(auth: AuthKeyRecord, connection: FakeConnection): boolean;
}

/** Wrappers whose `query` is the real call. */
function unwrapQuery(request: unknown): {
	call: { className: string; CONSTRUCTOR_ID: number };
	initConnection?: Api.InitConnection;
} {
	let call = request as { className: string; CONSTRUCTOR_ID: number; query?: unknown };
	let initConnection: Api.InitConnection | undefined;
	for (;;) {
		if (call instanceof Api.InitConnection) initConnection = call;
		const wrapper =
			call instanceof Api.InvokeWithLayer ||
			call instanceof Api.InitConnection ||
			call instanceof Api.InvokeWithoutUpdates ||
			call instanceof Api.InvokeAfterMsg ||
			call instanceof Api.InvokeAfterMsgs ||
			call instanceof Api.InvokeWithTakeout;
		if (!wrapper) return { call, initConnection };
		call = call.query as typeof call;
	}
}

export class FakeConnection {
	private readonly codec = new FullPacketCodec(undefined);
	private buffered = Buffer.alloc(0);
	private reader?: {
		length: number;
		resolve: (data: Buffer) => void;
		reject: (error: Error) => void;
	};
	private exchange?: AuthKeyExchange;
	private closed = false;
	/** The key and MTProto session last used here: where pushed updates go. */
	private current?: { auth: AuthKeyRecord; sessionId: Buffer };
	/** Set once a call other than an upload arrives: gramjs's upload connections get no updates. */
	private wantsUpdates = false;
	/** A connection gone silent (silence()): it takes bytes and stays open, but nothing is read or sent. */
	private silent = false;

	constructor(
		private readonly socket: Socket,
		private readonly host: ConnectionHost,
	) {
		socket.on('data', (chunk: Buffer) => {
			if (this.silent) return;
			this.buffered = Buffer.concat([this.buffered, chunk]);
			this.feedReader();
		});
		socket.on('close', () => this.close());
		socket.on('error', () => this.close());
		void this.readLoop();
	}

	/** Hex id of the auth key last used here (while open). */
	get authKeyId(): string | undefined {
		return this.closed ? undefined : this.current?.auth.keyId.toString('hex');
	}

	/** This connection sends `auth`'s logged-in API requests (not only uploads). */
	sendsRequestsOf(auth: AuthKeyRecord): boolean {
		return !this.closed && !this.silent && this.wantsUpdates && this.current?.auth === auth;
	}

	get accountId(): bigint | undefined {
		return this.closed || this.silent || !this.wantsUpdates ? undefined : this.current?.auth.userId;
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.socket.destroy();
		this.reader?.reject(new Error('connection closed'));
		this.reader = undefined;
		this.host.forget(this);
	}

	/**
	 * From now on the connection answers nothing and pushes nothing, yet stays open and takes
	 * what the client writes: a path that broke somewhere between client and server (a NAT or
	 * proxy that forgot it). Only a client that expects answers (pings) can tell.
	 */
	silence(): void {
		this.silent = true;
		this.buffered = Buffer.alloc(0);
	}

	/** The MTProto session last used here. */
	get sessionId(): Buffer | undefined {
		return this.current?.sessionId;
	}

	/** Sends an unsolicited Updates object on the last session used here. */
	async pushUpdates(body: Buffer): Promise<void> {
		if (!this.current || this.closed) return;
		await this.sendEncrypted(this.current.auth, this.current.sessionId, body, 'notice', true);
	}

	// --- Reading: FullPacketCodec only needs readExactly(n) ---

	readExactly(length: number): Promise<Buffer> {
		if (this.closed) return Promise.reject(new Error('connection closed'));
		return new Promise((resolve, reject) => {
			this.reader = { length, resolve, reject };
			this.feedReader();
		});
	}

	private feedReader(): void {
		const reader = this.reader;
		if (!reader || this.buffered.length < reader.length) return;
		this.reader = undefined;
		const data = this.buffered.subarray(0, reader.length);
		this.buffered = this.buffered.subarray(reader.length);
		reader.resolve(data);
	}

	private async readLoop(): Promise<void> {
		try {
			while (!this.closed) {
				const packet = await this.codec.readPacket(this as never);
				await this.handlePacket(packet);
			}
		} catch (error) {
			if (!this.closed && !(error instanceof EnvelopeError || error instanceof HandshakeError))
				console.error('telegram fake: connection failed', error);
			this.close();
		}
	}

	private write(data: Buffer): void {
		if (!this.closed && !this.silent) this.socket.write(this.codec.encodePacket(data));
	}

	private async handlePacket(packet: Buffer): Promise<void> {
		if (packet.length < 8) throw new EnvelopeError('short packet');
		const keyId = packet.subarray(0, 8);
		if (keyId.equals(Buffer.alloc(8))) return this.handlePlain(packet);
		const found = this.host.services.authKeys.find(keyId);
		const dataCenter = this.host.dataCenter;
		const auth = dataCenter === undefined || found?.dcId === dataCenter ? found : undefined;
		if (!auth) {
			// Transport error -404: gramjs drops its key for this DC.
			const code = Buffer.alloc(4);
			code.writeInt32LE(-404, 0);
			this.write(code);
			return;
		}
		return this.handleEncrypted(auth, packet);
	}

	private async handlePlain(packet: Buffer): Promise<void> {
		const reader = new BinaryReader(packet.subarray(8));
		reader.readLong();
		const length = reader.readInt();
		const request: unknown = new BinaryReader(reader.read(length)).tgReadObject();
		if (!AuthKeyExchange.isStep(request))
			throw new HandshakeError('plain message outside the DH exchange');
		const step = request as { className: string };
		this.host.record({ name: step.className, request, dcId: this.host.dcForNewKeys() });
		this.exchange ??= new AuthKeyExchange(
			this.host.rsaKey,
			() => this.host.world.nowSeconds(),
			(key) => this.host.addAuthKey(key),
		);
		const answer = await this.exchange.answer(request);
		this.write(plainMessage(this.host.msgIds.next('answer'), answer.getBytes()));
	}

	private async handleEncrypted(auth: AuthKeyRecord, packet: Buffer): Promise<void> {
		const envelope = await openClientPacket(auth.key, packet);
		this.current = { auth, sessionId: envelope.sessionId };
		if (!envelope.salt.equals(auth.serverSalt)) {
			// A fresh client knows no salt: Telegram tells it the right one, and it resends.
			const badSalt = new Api.BadServerSalt({
				badMsgId: toLong(envelope.msgId),
				badMsgSeqno: envelope.seqNo,
				errorCode: 48,
				newServerSalt: new BinaryReader(auth.serverSalt).readLong(),
			});
			await this.sendEncrypted(auth, envelope.sessionId, badSalt.getBytes(), 'notice', false);
			return;
		}
		const session = this.sessionOf(auth, envelope.sessionId);
		if (!session.announced) {
			session.announced = true;
			const created = new Api.NewSessionCreated({
				firstMsgId: toLong(envelope.msgId),
				uniqueId: new BinaryReader(randomBytes(8)).readLong(),
				serverSalt: new BinaryReader(auth.serverSalt).readLong(),
			});
			await this.sendEncrypted(auth, envelope.sessionId, created.getBytes(), 'notice', false);
		}
		const message: unknown = await new BinaryReader(envelope.body).tgReadObject();
		if (message instanceof MessageContainer) {
			// gramjs types `messages` as private; it is the parsed list of TLMessage.
			for (const inner of (message as unknown as { messages: TLMessage[] }).messages) {
				if (this.closed) return;
				await this.handleMessage(auth, envelope.sessionId, fromLong(inner.msgId), await inner.obj);
			}
			return;
		}
		await this.handleMessage(auth, envelope.sessionId, envelope.msgId, message);
	}

	private sessionOf(auth: AuthKeyRecord, sessionId: Buffer): MtprotoSession {
		const key = sessionId.toString('hex');
		let session = auth.sessions.get(key);
		if (!session) {
			session = { contentMessagesSent: 0, announced: false };
			auth.sessions.set(key, session);
		}
		return session;
	}

	private async handleMessage(
		auth: AuthKeyRecord,
		sessionId: Buffer,
		msgId: bigint,
		message: unknown,
	): Promise<void> {
		if (message instanceof GZIPPacked)
			message = await new BinaryReader(message.data).tgReadObject();
		if (message instanceof Api.MsgsAck) return;
		if (message instanceof Api.PingDelayDisconnect || message instanceof Api.Ping) {
			// A top-level pong, not an rpc_result: gramjs matches it by msg_id.
			const pong = new Api.Pong({ msgId: toLong(msgId), pingId: message.pingId });
			await this.sendEncrypted(auth, sessionId, pong.getBytes(), 'answer', true);
			return;
		}
		if ((message as { classType?: string } | undefined)?.classType !== 'request') return;
		await this.handleRpc(auth, sessionId, msgId, message);
	}

	private async handleRpc(
		auth: AuthKeyRecord,
		sessionId: Buffer,
		msgId: bigint,
		request: unknown,
	): Promise<void> {
		const { call, initConnection } = unwrapQuery(request);
		const name = call.className;
		const seen: SeenRequest = { name, request: call, dcId: auth.dcId, userId: auth.userId };
		this.host.record(seen);
		const reply = (body: Buffer) =>
			this.sendEncrypted(auth, sessionId, rpcResultBytes(msgId, body), 'answer', true);
		const replyError = (code: number, message: string) => {
			seen.error = { code, message };
			return reply(rpcErrorBytes(code, message));
		};

		if (initConnection && initConnection.apiId !== this.host.world.apiId)
			return replyError(400, 'API_ID_INVALID');
		if (initConnection) {
			const { deviceModel, systemVersion, appVersion, apiId } = initConnection;
			auth.client = { deviceModel, systemVersion, appVersion, apiId };
		}
		if (!name.startsWith('upload.')) {
			// Telegram's rule (core.telegram.org/api/errors#406-not-acceptable): a logged-in session
			// sending requests in parallel from two TCP connections, from the same or different IP
			// addresses, is invalidated. Upload connections (media) may run in parallel.
			if (auth.userId !== undefined && this.host.loginInUseElsewhere(auth, this))
				auth.duplicated = true;
			if (auth.duplicated) return replyError(406, 'AUTH_KEY_DUPLICATED');
			this.wantsUpdates = true;
		}
		const fault = this.host.faults.take(name, call);
		if (fault?.kind === 'drop' && fault.when === 'before-apply') return this.drop(seen);
		if (fault?.kind === 'answer') return reply(fault.build(call).getBytes());
		const apply = async () =>
			await this.applyRpc(auth, sessionId, call, seen, fault, reply, replyError);
		if (fault?.kind === 'hold' && fault.overlap) {
			void fault
				.gate(call)
				.then(apply)
				.catch(() => undefined);
			return;
		}
		if (fault?.kind === 'hold') await fault.gate(call);
		if (fault?.kind === 'error') {
			if (fault.migrateToDc !== undefined) this.host.expectKeyOnDc(fault.migrateToDc);
			return replyError(fault.code, fault.message);
		}

		if (this.host.faults.answerDelay(name) > 0) {
			void this.host.faults.answerLater(name, apply).catch(() => undefined);
			return;
		}
		return await apply();
	}

	private async applyRpc(
		auth: AuthKeyRecord,
		sessionId: Buffer,
		call: { className: string; CONSTRUCTOR_ID: number },
		seen: SeenRequest,
		fault: ReturnType<FaultPlan['take']>,
		reply: (body: Buffer) => Promise<void>,
		replyError: (code: number, message: string) => Promise<void>,
	): Promise<void> {
		const name = call.className;
		let answer: Buffer;
		try {
			answer = await this.host.rpc.answer(
				new RpcContext(
					this.host.world,
					this.host.services,
					auth,
					(dcId) => this.host.expectKeyOnDc(dcId),
					(updates) => {
						if (auth.userId !== undefined)
							this.host.pushToOtherSessions(auth.userId, sessionId, updates.getBytes());
					},
				),
				call,
			);
		} catch (error) {
			if (error instanceof RpcFailure && error.migrateToDc !== undefined)
				this.host.expectKeyOnDc(error.migrateToDc);
			if (error instanceof RpcFailure)
				return fault?.kind === 'drop'
					? this.drop(seen)
					: replyError(error.code, error.errorMessage);
			console.error(`telegram fake: ${name} failed`, error);
			return replyError(500, 'INTERNAL_FAKE_ERROR');
		}
		// 'after-apply': the change is made, the answer never arrives.
		if (fault?.kind === 'drop') return this.drop(seen);
		return reply(answer);
	}

	private drop(seen: SeenRequest): void {
		seen.dropped = true;
		this.close();
	}

	private async sendEncrypted(
		auth: AuthKeyRecord,
		sessionId: Buffer,
		body: Buffer,
		kind: 'answer' | 'notice',
		contentRelated: boolean,
	): Promise<void> {
		const session = this.sessionOf(auth, sessionId);
		const seqNo = contentRelated
			? 2 * session.contentMessagesSent++ + 1
			: 2 * session.contentMessagesSent;
		const msgId = this.host.msgIds.next(kind);
		const sealed = await sealServerMessage(auth.key, auth.keyId, {
			salt: auth.serverSalt,
			sessionId,
			msgId,
			seqNo,
			body,
		});
		this.write(sealed);
	}
}
