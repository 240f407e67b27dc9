import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Api } from 'telegram';
import { AuthKeyRegistry, encodeStringSession } from './authKeys';
import { FakeConnection, type ConnectionHost } from './connection';
import { Counters } from './counters';
import { ServerMessageIds } from './envelope';
import { FaultPlan, migrateErrorName, type RequestMatch } from './faults';
import { MediaStore } from './mediaStore';
import { Outbox } from './outbox';
import { RpcTable } from './rpc';
import type { FakeServices } from './rpc/context';
import { LoginSettings } from './rpc/loginSettings';
import {
	SecretChatRelay,
	type FakeDhConfig,
	type FakeEncryptedChat,
	type FakeEncryptedMessage,
} from './secretChats';
import { fakeRsaKey, trustFakeRsaKeyInThisProcess, type FakeRsaKey } from './rsaKey';
import {
	DEFAULT_TEXT_LIMITS,
	peerKeyOf,
	seedChannels,
	seedUsers,
	type FakeChannel,
	type FakeMessage,
	type FakeTextLimits,
	type FakeUser,
	type FakeWorld,
	type SeenRequest,
} from './state';
import { entitiesFor, peerToTl } from './tlViews';
import { UpdateLog, type UpdateLimits } from './updateLog';
import { toLong } from './wire';

export type {
	FakeChannel,
	FakeMedia,
	FakeMessage,
	FakeTextLimits,
	FakeUser,
	SeenRequest,
} from './state';
export { DEFAULT_TEXT_LIMITS } from './state';
export type { FakeDhConfig, FakeEncryptedChat, FakeEncryptedMessage } from './secretChats';
export { connectOptionsFor } from './connectOptions';
export {
	fixedAddressConnection,
	parseServerAddress,
	type ServerAddress,
} from './fixedAddressConnection';
export { TRUST_FAKE_RSA_PRELOAD } from './rsaKey';
export { DEFAULT_LOGIN_CODE } from './rpc/loginSettings';
export { METHOD_NOT_IMPLEMENTED } from './rpc';
export { DEFAULT_UPDATE_LIMITS, type UpdateLimits } from './updateLog';
export {
	SCHEDULE_MAX_AHEAD_SECONDS,
	SCHEDULE_NOW_WINDOW_SECONDS,
	SEND_WHEN_ONLINE,
} from './outbox';

/**
 * A local Telegram for tests: an MTProto server on 127.0.0.1 that a real gramjs client talks to
 * (same TL layer, the library's own classes for every byte), keeping state like Telegram:
 * accounts and channels, delivered and scheduled messages, uploads, logins. Tests arm failures
 * (RPC errors, flood waits, DC migrations, dropped connections) and assert on what it holds.
 */

/** crc32('Updates'): the TL type gramjs dispatches to event handlers. */
const UPDATES_TYPE_ID = 0x8af52aac;

export interface TelegramFakeOptions {
	/** The DC of sessions made by createSession() and of keys made by DH (default 2). */
	dcId?: number;
	/** Clock in ms, for schedule rules and message dates (default Date.now). */
	now?: () => number;
}

export class TelegramFake implements FakeWorld {
	readonly host = '127.0.0.1';
	readonly apiId = 12345;
	readonly apiHash = 'fakehash0123456789abcdef01234567';
	me!: FakeUser;
	users: FakeUser[] = [];
	channels: FakeChannel[] = [];
	messages: FakeMessage[] = [];
	scheduled: FakeMessage[] = [];
	uploads = new Map<string, Buffer>();
	requests: SeenRequest[] = [];
	scheduledLimitPerChat = 100;
	/** The length limits help.getConfig / getAppConfig say and sends obey; reset() restores Telegram's. */
	textLimits: FakeTextLimits = { ...DEFAULT_TEXT_LIMITS };

	private readonly faults = new FaultPlan();
	private readonly services: FakeServices;
	private readonly connections = new Set<FakeConnection>();
	private readonly server = net.createServer((socket) => this.accept(socket));
	private readonly secretChats = new SecretChatRelay({
		world: this,
		push: (updates, toUserId) => this.pushUpdate(updates, toUserId),
	});
	private readonly rpc = new RpcTable({
		host: () => this.host,
		port: () => this.port,
		secretChats: this.secretChats,
	});
	private readonly msgIds = new ServerMessageIds();
	private keyDcAfterMigration?: number;

	private constructor(
		readonly dcId: number,
		private readonly rsaKey: FakeRsaKey,
		private readonly clock: () => number,
	) {
		const counters = new Counters();
		const media = new MediaStore(() => this.uploads);
		const usedRandomIds = new Set<string>();
		const updateLog = new UpdateLog(counters, () => this.nowSeconds());
		this.services = {
			updateLog,
			media,
			counters,
			usedRandomIds,
			login: new LoginSettings(),
			authKeys: new AuthKeyRegistry(),
			exportedAuthorizations: new Map(),
			outbox: new Outbox({ world: this, media, counters, usedRandomIds, updateLog }),
		};
		this.reset();
	}

	static async start(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
		const fake = new TelegramFake(options.dcId ?? 2, await fakeRsaKey(), options.now ?? Date.now);
		await new Promise<void>((resolve, reject) => {
			fake.server.once('error', reject);
			fake.server.listen(0, fake.host, () => resolve());
		});
		return fake;
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	/** PEM of the RSA key the DH exchange uses; give it to TELEGRAM_FAKE_RSA_PUBLIC_PEM. */
	get rsaPublicKeyPem(): string {
		return this.rsaKey.publicKeyPem;
	}

	/** Environment for a child process preloading TRUST_FAKE_RSA_PRELOAD (`node --require`). */
	rsaTrustEnv(): Record<string, string> {
		return { TELEGRAM_FAKE_RSA_PUBLIC_PEM: this.rsaKey.publicKeyPem };
	}

	/** Lets gramjs in this very process create auth keys with the fake (DH). */
	trustRsaKeyInThisProcess(): void {
		trustFakeRsaKeyInThisProcess(this.rsaKey.publicKeyPem);
	}

	/** Moves the fake's clock ahead, e.g. to play a send that reaches Telegram later than planned. */
	clockAheadMs = 0;

	nowSeconds(): number {
		return Math.floor((this.clock() + this.clockAheadMs) / 1000);
	}

	/** A StringSession with a pre-shared auth key on this fake's DC, logged in as `me` unless told. */
	createSession(options: { authorized?: boolean } = {}): string {
		const key = randomBytes(256);
		this.services.authKeys.add(
			key,
			this.dcId,
			options.authorized === false ? undefined : this.me.id,
		);
		return encodeStringSession(this.dcId, this.host, key);
	}

	peerKey(peer: { userId?: bigint; channelId?: bigint; chatId?: bigint }): string {
		return peerKeyOf(peer);
	}

	// --- Failures for the next matching calls (match = TL class name, e.g. 'messages.SendMessage') ---

	injectError(match: RequestMatch, error: { code: number; message: string }, times = 1): void {
		this.faults.arm(match, { kind: 'error', code: error.code, message: error.message }, times);
	}

	floodWaitNext(match: RequestMatch, seconds: number): void {
		this.injectError(match, { code: 420, message: `FLOOD_WAIT_${seconds}` });
	}

	/**
	 * USER_MIGRATE_<dc> (PHONE_MIGRATE_<dc> for auth.sendCode/signIn named as a string; a predicate
	 * gets USER_MIGRATE); the client's next DH key lands on that DC.
	 */
	migrateNext(match: RequestMatch, toDcId: number): void {
		const message = migrateErrorName(typeof match === 'string' ? match : '', toDcId);
		this.faults.arm(match, { kind: 'error', code: 303, message, migrateToDc: toDcId });
	}

	dropConnectionNext(match: RequestMatch, when: 'before-apply' | 'after-apply'): void {
		this.faults.arm(match, { kind: 'drop', when });
	}

	// --- Logins ---

	/** The code auth.signIn accepts for this phone (default DEFAULT_LOGIN_CODE). */
	setLoginCode(phone: string, code: string): void {
		this.services.login.setCode(phone, code);
	}

	/** The 2FA password of every account (null: none), checked by SRP like Telegram. */
	setPassword(password: string | null): void {
		this.services.login.setPassword(password);
	}

	/** The DC and account the fake has for a session's key; `duplicated` once Telegram's rule revoked it. */
	sessionInfo(session: string): { dcId: number; userId?: bigint; duplicated?: true } | undefined {
		const key = Buffer.from(session.slice(1), 'base64').subarray(-256);
		const record = this.services.authKeys.all().find((r) => r.key.equals(key));
		if (!record) return undefined;
		return {
			dcId: record.dcId,
			userId: record.userId,
			...(record.duplicated ? { duplicated: true as const } : {}),
		};
	}

	// --- Updates ---

	/**
	 * Sends an Api.Update (wrapped in Api.Updates) or Api.Updates* to every logged-in client (of
	 * `toUserId` only, when given). Updates carrying pts are kept for getDifference first, in the
	 * box of `toUserId` (default: `me`), or of their channel, as if Telegram had numbered them.
	 */
	pushUpdate(update: unknown, toUserId?: bigint): void {
		this.keep(update, toUserId ?? this.me.id);
		const updates = update as { SUBCLASS_OF_ID?: number; getBytes(): Buffer };
		// gramjs dispatches only objects of type Updates; a bare Update must be wrapped.
		const isUpdates = updates.SUBCLASS_OF_ID === UPDATES_TYPE_ID;
		for (const connection of this.connections) {
			const accountId = connection.accountId;
			if (accountId === undefined || (toUserId !== undefined && accountId !== toUserId)) continue;
			const body = isUpdates
				? updates.getBytes()
				: new Api.Updates({
						updates: [update as Api.TypeUpdate],
						...entitiesFor(this, accountId, []),
						date: this.nowSeconds(),
						seq: 0,
					}).getBytes();
			void connection.pushUpdates(body);
		}
	}

	/** What getDifference hands out per call and how far back it answers (reset() restores the defaults). */
	get updateLimits(): UpdateLimits {
		return this.services.updateLog.limits;
	}

	set updateLimits(limits: UpdateLimits) {
		this.services.updateLog.limits = { ...limits };
	}

	/**
	 * A private message from `fromUserId` arrives for `toUserId` (default `me`): numbered in the
	 * recipient's box (message id and pts), kept for getDifference, pushed to its connected clients.
	 */
	receiveMessage(
		fromUserId: bigint,
		text: string,
		options: { toUserId?: bigint } = {},
	): { id: number; pts: number } {
		const toUserId = options.toUserId ?? this.me.id;
		const from = this.userById(fromUserId);
		const id = this.services.counters.next(`message:box:${toUserId}`);
		const pts = this.services.counters.next(`pts:${toUserId}`);
		const peer = new Api.PeerUser({ userId: toLong(from.id) });
		const message = new Api.Message({
			id,
			peerId: peer,
			fromId: peer,
			date: this.nowSeconds(),
			message: text,
		});
		const update = new Api.UpdateNewMessage({ message, pts, ptsCount: 1 });
		this.pushUpdate(
			new Api.Updates({
				updates: [update],
				...entitiesFor(this, toUserId, [`user:${from.id}`]),
				date: this.nowSeconds(),
				seq: 0,
			}),
			toUserId,
		);
		return { id, pts };
	}

	/** A post in a channel (or a supergroup message from `fromUserId`): channel message id and pts, kept and pushed to every client. */
	postToChannel(
		channelId: bigint,
		text: string,
		options: { fromUserId?: bigint } = {},
	): { id: number; pts: number } {
		const channel = this.channels.find((c) => c.id === channelId);
		if (!channel) throw new Error(`The Telegram fake has no channel ${channelId}`);
		const peerKey = `channel:${channelId}`;
		const id = this.services.counters.next(`message:${peerKey}`);
		const pts = this.services.counters.next(`pts:${peerKey}`);
		const from =
			options.fromUserId === undefined
				? undefined
				: new Api.PeerUser({ userId: toLong(options.fromUserId) });
		const message = new Api.Message({
			id,
			peerId: peerToTl(peerKey),
			fromId: from,
			post: !channel.megagroup || undefined,
			date: this.nowSeconds(),
			message: text,
		});
		const update = new Api.UpdateNewChannelMessage({ message, pts, ptsCount: 1 });
		this.pushUpdate(
			new Api.Updates({
				updates: [update],
				...entitiesFor(
					this,
					undefined,
					[peerKey],
					options.fromUserId === undefined ? [] : [options.fromUserId],
				),
				date: this.nowSeconds(),
				seq: 0,
			}),
		);
		return { id, pts };
	}

	/**
	 * Closes every client connection (of one account, when given), as a network drop would: what
	 * is pushed before the clients reconnect reaches none of them, but stays in the update log.
	 */
	dropConnections(userId?: bigint): number {
		const dropped = [...this.connections].filter(
			(connection) => userId === undefined || connection.accountId === userId,
		);
		for (const connection of dropped) connection.close();
		return dropped.length;
	}

	private keep(update: unknown, accountId: bigint): void {
		const log = this.services.updateLog;
		if (update instanceof Api.Updates || update instanceof Api.UpdatesCombined)
			for (const inner of update.updates) log.record(inner, accountId);
		else if (update instanceof Api.UpdateShort) log.record(update.update, accountId);
		else if (update instanceof Api.UpdateShortMessage) {
			const peer = new Api.PeerUser({ userId: update.userId });
			const message = new Api.Message({
				id: update.id,
				peerId: peer,
				fromId: update.out ? undefined : peer,
				out: update.out,
				date: update.date,
				message: update.message,
			});
			log.record(
				new Api.UpdateNewMessage({ message, pts: update.pts, ptsCount: update.ptsCount }),
				accountId,
			);
		} else log.record(update as Api.TypeUpdate, accountId);
	}

	// --- Secret chats: the relay, and the other account's side as the test drives it ---

	/** What messages.getDhConfig serves (default: Telegram's 2048-bit safe prime, g = 3, version 1). */
	get dhConfig(): FakeDhConfig {
		return this.secretChats.dhConfig;
	}

	set dhConfig(config: FakeDhConfig) {
		this.secretChats.dhConfig = config;
	}

	/** Every secret chat the relay knows, in the order they were requested. */
	get encryptedChats(): FakeEncryptedChat[] {
		return this.secretChats.chats;
	}

	/** The next secret chat requested with this account (resolves at once if one is waiting). */
	nextEncryptionRequest(toUserId: bigint): Promise<FakeEncryptedChat> {
		return this.secretChats.nextRequestTo(toUserId);
	}

	/** The next encrypted message this account receives in the chat, in order. */
	nextEncryptedMessage(toUserId: bigint, chatId: number): Promise<FakeEncryptedMessage> {
		return this.secretChats.nextMessageTo(toUserId, chatId);
	}

	/** As if `fromUserId` called messages.requestEncryption (same rules; throws RpcFailure). */
	requestEncryptionAs(fromUserId: bigint, toUserId: bigint, gA: Buffer): FakeEncryptedChat {
		return this.secretChats.request(
			this.userById(fromUserId),
			this.users.find((u) => u.id === toUserId),
			gA,
		);
	}

	/** As if `userId` called messages.acceptEncryption: the admin's clients get encryptedChat with g_b. */
	acceptEncryptionAs(
		userId: bigint,
		chatId: number,
		gB: Buffer,
		keyFingerprint: bigint,
	): FakeEncryptedChat {
		return this.secretChats.accept(this.userById(userId), chatId, undefined, gB, keyFingerprint);
	}

	/** As if `fromUserId` called messages.sendEncrypted (or sendEncryptedService with `service`). */
	sendEncryptedAs(
		fromUserId: bigint,
		chatId: number,
		bytes: Buffer,
		options: { service?: boolean; randomId?: bigint; silent?: boolean } = {},
	): FakeEncryptedMessage {
		const randomId = options.randomId ?? randomBytes(8).readBigInt64LE(0) | 1n;
		return this.secretChats.send(this.userById(fromUserId), chatId, undefined, {
			randomId,
			bytes,
			service: !!options.service,
			silent: !!options.silent,
		});
	}

	/** As if `userId` called messages.discardEncryption: the other side's clients get encryptedChatDiscarded. */
	discardEncryptionAs(
		userId: bigint,
		chatId: number,
		options: { deleteHistory?: boolean } = {},
	): void {
		this.secretChats.discard(this.userById(userId), chatId, !!options.deleteHistory);
	}

	/** The last qts given to this account's incoming encrypted messages (0: none yet). */
	qtsOf(userId: bigint): number {
		return this.secretChats.qtsOf(userId);
	}

	/** Sends what is due by the fake's clock, as Telegram would on time, and tells the senders' clients. */
	deliverDueScheduled(): FakeMessage[] {
		const now = this.nowSeconds();
		const due = this.scheduled.filter((m) => m.scheduleDate !== undefined && m.scheduleDate <= now);
		const sent: FakeMessage[] = [];
		const outbox = this.services.outbox;
		for (const owner of this.users) {
			const mine = due.filter((m) => m.fromId === owner.id);
			for (const peerKey of new Set(mine.map((m) => m.peerKey))) {
				const batch = mine.filter((m) => m.peerKey === peerKey);
				const released = outbox.release(owner, batch);
				sent.push(...released);
				const updates = [
					outbox.scheduledRemovedUpdate(
						peerKey,
						batch.map((m) => m.id),
						released.map((m) => m.id),
					),
					...released.map((m) => outbox.newMessageUpdate(m, owner.id)),
				];
				this.pushUpdate(outbox.updates(updates, owner.id, [peerKey]), owner.id);
			}
		}
		return sent;
	}

	/** Back to the seed state; forgets requests, injections, uploads, codes and the password. Keys stay valid. */
	reset(): void {
		this.clockAheadMs = 0;
		this.users = seedUsers();
		this.me = this.users[0];
		this.channels = seedChannels();
		this.messages = [];
		this.scheduled = [];
		this.uploads.clear();
		this.requests = [];
		this.scheduledLimitPerChat = 100;
		this.textLimits = { ...DEFAULT_TEXT_LIMITS };
		this.faults.clear();
		this.keyDcAfterMigration = undefined;
		this.services.login.reset();
		this.services.media.reset();
		this.services.counters.reset();
		this.services.updateLog.reset();
		// A channel's pts starts at 1 with its creation, as on Telegram; its first post is pts 2.
		for (const channel of this.channels) this.services.counters.next(`pts:channel:${channel.id}`);
		this.services.usedRandomIds.clear();
		this.services.exportedAuthorizations.clear();
		this.secretChats.reset();
	}

	async stop(): Promise<void> {
		this.secretChats.stop();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const connection of [...this.connections]) connection.close();
		await closed;
	}

	private userById(id: bigint): FakeUser {
		const user = this.users.find((u) => u.id === id);
		if (!user) throw new Error(`The Telegram fake has no account ${id}`);
		return user;
	}

	private accept(socket: net.Socket): void {
		const host: ConnectionHost = {
			world: this,
			services: this.services,
			rpc: this.rpc,
			msgIds: this.msgIds,
			faults: this.faults,
			rsaKey: this.rsaKey,
			record: (request) => this.requests.push(request),
			dcForNewKeys: () => this.keyDcAfterMigration ?? this.dcId,
			addAuthKey: (key) => {
				this.services.authKeys.add(key, this.keyDcAfterMigration ?? this.dcId);
				this.keyDcAfterMigration = undefined;
			},
			expectKeyOnDc: (dcId) => {
				this.keyDcAfterMigration = dcId;
			},
			forget: (connection) => this.connections.delete(connection),
			loginInUseElsewhere: (auth, connection) =>
				[...this.connections].some((other) => other !== connection && other.sendsRequestsOf(auth)),
		};
		this.connections.add(new FakeConnection(socket, host));
	}
}
