import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Api } from 'telegram';
import { AuthKeyRegistry, encodeStringSession } from './authKeys';
import { FakeConnection, type ConnectionHost } from './connection';
import { Counters } from './counters';
import { ServerMessageIds } from './envelope';
import { FaultPlan, migrateErrorName, type RequestMatch } from './faults';
import { Inbox, type FakeIncomingMedia, type FakeReceived, type IncomingOptions } from './inbox';
import { MediaStore } from './mediaStore';
import { Outbox } from './outbox';
import { RpcTable } from './rpc';
import { FAKE_DC_IDS } from './rpc/connectionRpc';
import type { FakeServices } from './rpc/context';
import { LoginSettings } from './rpc/loginSettings';
import { loginTokenBytes, QrLogins, type FakeLoginToken } from './qrLogins';
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
import { entitiesFor } from './tlViews';
import { UpdateLog, type UpdateLimits } from './updateLog';

export type {
	FakeChannel,
	FakeMedia,
	FakeMessage,
	FakeTextLimits,
	FakeUser,
	SeenRequest,
} from './state';
export { DEFAULT_TEXT_LIMITS } from './state';
export type { FakeIncomingMedia, FakeReceived, IncomingOptions } from './inbox';
export type {
	FakeDhConfig,
	FakeEncryptedChat,
	FakeEncryptedFile,
	FakeEncryptedMessage,
} from './secretChats';
export type { FakeLoginToken } from './qrLogins';
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
	/** One listener per data center; a key is known only on its own DC's (help.getConfig lists them). */
	private readonly dcServers = new Map(
		FAKE_DC_IDS.map((id) => [id, net.createServer((socket) => this.accept(socket, id))]),
	);
	private readonly secretChats = new SecretChatRelay({
		world: this,
		push: (updates, toUserId) => this.pushUpdate(updates, toUserId),
	});
	private readonly rpc = new RpcTable({
		host: () => this.host,
		portOf: (dcId) => this.addressOf(dcId).port,
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
			inbox: new Inbox({
				world: this,
				media,
				counters,
				push: (updates, toUserId) => this.pushUpdate(updates, toUserId),
			}),
			counters,
			usedRandomIds,
			login: new LoginSettings(),
			qrLogins: new QrLogins(),
			authKeys: new AuthKeyRegistry(),
			exportedAuthorizations: new Map(),
			outbox: new Outbox({ world: this, media, counters, usedRandomIds, updateLog }),
		};
		this.reset();
	}

	static async start(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
		const fake = new TelegramFake(options.dcId ?? 2, await fakeRsaKey(), options.now ?? Date.now);
		await fake.listen(0);
		fake.listeningPort = (fake.server.address() as AddressInfo).port;
		for (const server of fake.dcServers.values())
			await new Promise<void>((resolve, reject) => {
				server.once('error', reject);
				server.listen(0, fake.host, () => resolve());
			});
		return fake;
	}

	private listeningPort = 0;
	private refusing = false;
	/** TCP connections accepted since start (reconnects included). */
	acceptedConnections = 0;

	private async listen(port: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, this.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
	}

	/**
	 * The main port: DC `dcId`, and for clients that send everything to one address
	 * (connectOptionsFor) every other DC too: any key the fake made works here.
	 */
	get port(): number {
		return this.listeningPort;
	}

	/**
	 * Stops listening, as a server that is down: new connections are refused (ECONNREFUSED);
	 * open ones stay as they are. `acceptConnections()` listens on the same port again.
	 */
	refuseConnections(): void {
		if (this.refusing) return;
		this.refusing = true;
		this.server.close();
	}

	async acceptConnections(): Promise<void> {
		if (!this.refusing) return;
		this.refusing = false;
		await this.listen(this.listeningPort);
	}

	/**
	 * Data center `dcId`'s own address, the one help.getConfig lists: only keys of that DC are
	 * known there (others get transport error -404), and keys made there by DH belong to it.
	 */
	addressOf(dcId: number): { host: string; port: number; dcId: number } {
		const server = this.dcServers.get(dcId);
		if (!server) throw new Error(`The Telegram fake has no data center ${dcId}`);
		return { host: this.host, port: (server.address() as AddressInfo).port, dcId };
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

	/**
	 * A StringSession with a pre-shared auth key on this fake's DC (or `dcId`), logged in as `me`
	 * (or `userId`) unless `authorized: false`. Each logged-in one is a session of the account.
	 */
	createSession(options: { authorized?: boolean; userId?: bigint; dcId?: number } = {}): string {
		const key = randomBytes(256);
		const dcId = options.dcId ?? this.dcId;
		const login =
			options.authorized === false
				? undefined
				: { userId: options.userId ?? this.me.id, now: this.nowSeconds() };
		this.services.authKeys.add(key, dcId, login);
		return encodeStringSession(dcId, this.host, key);
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

	/** Answers the next matching calls with `build(request)` (a TL object) without applying them. */
	answerNext(
		match: RequestMatch,
		build: (request: unknown) => { getBytes(): Buffer },
		times = 1,
	): void {
		this.faults.arm(match, { kind: 'answer', build }, times);
	}

	/**
	 * Holds the next matching call where it stands: received, neither applied nor answered, until
	 * `release()`; `arrived` resolves with the request once it is there (as if the client died now).
	 * The connection waits with it, unless `overlap`: then later calls are answered meanwhile.
	 */
	holdNext(
		match: RequestMatch,
		{ overlap = false }: { overlap?: boolean } = {},
	): { arrived: Promise<unknown>; release: () => void } {
		let arrive: (request: unknown) => void = () => undefined;
		let release: () => void = () => undefined;
		const arrived = new Promise<unknown>((resolve) => (arrive = resolve));
		const released = new Promise<void>((resolve) => (release = resolve));
		this.faults.arm(match, {
			kind: 'hold',
			overlap,
			gate: async (request) => {
				arrive(request);
				await released;
			},
		});
		return { arrived, release };
	}

	/** Answers every call named `name` after `ms` (until reset); calls of one connection overlap. */
	delayAnswers(name: string, ms: number): void {
		this.faults.delayAnswers(name, ms);
	}

	/** The most calls named `name` (delayed with delayAnswers) that were unanswered at once. */
	mostUnansweredAtOnce(name: string): number {
		return this.faults.mostUnansweredAtOnce(name);
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

	/** The account's sessions (logged-in auth keys), oldest first, as account.getAuthorizations lists them. */
	authorizationsOf(
		userId: bigint = this.me.id,
	): Array<{ hash: bigint; dcId: number; authorizedAt: number; deviceModel?: string }> {
		return this.services.authKeys.authorizationsOf(userId).map((record) => ({
			hash: record.authorizationHash ?? 0n,
			dcId: record.dcId,
			authorizedAt: record.authorizedAt ?? 0,
			deviceModel: record.client?.deviceModel,
		}));
	}

	// --- QR login: the test plays the logged-in app that scans the code ---

	/** Every QR login token exported since reset(), oldest first. */
	get loginTokens(): readonly FakeLoginToken[] {
		return this.services.qrLogins.tokens;
	}

	/**
	 * As if `userId`'s app (default `me`) scanned the code and called auth.acceptLoginToken:
	 * `token` is the tg://login link, its base64url token, or the bytes. The client that exported
	 * it gets updateLoginToken. Throws RpcFailure like Telegram (AUTH_TOKEN_INVALID / _EXPIRED /
	 * _ALREADY_ACCEPTED).
	 */
	acceptLoginToken(token: Buffer | string, userId: bigint = this.me.id): FakeLoginToken {
		const accepted = this.services.qrLogins.accept(
			loginTokenBytes(token),
			this.userById(userId).id,
			this.nowSeconds(),
		);
		const body = new Api.UpdateShort({
			update: new Api.UpdateLoginToken(),
			date: this.nowSeconds(),
		}).getBytes();
		for (const connection of this.connections)
			if (connection.authKeyId === accepted.authKeyId) void connection.pushUpdates(body);
		return accepted;
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
	 * With `media`, a photo/video/document whose bytes upload.getFile serves.
	 */
	receiveMessage(
		fromUserId: bigint,
		text: string,
		options: { toUserId?: bigint } & IncomingOptions = {},
	): { id: number; pts: number } {
		const { toUserId, ...content } = options;
		this.userById(fromUserId);
		return this.services.inbox.receive(fromUserId, toUserId ?? this.me.id, [
			{ text, ...content },
		])[0];
	}

	/** An album (2..10 parts sharing a grouped_id) from `fromUserId`, in one push, as Telegram delivers it. */
	receiveAlbum(
		fromUserId: bigint,
		parts: Array<{ text?: string; media: FakeIncomingMedia }>,
		options: { toUserId?: bigint } = {},
	): Array<{ id: number; pts: number }> {
		this.userById(fromUserId);
		const groupedId = randomBytes(8).readBigInt64LE(0) & 0x7fffffffffffffffn;
		return this.services.inbox.receive(
			fromUserId,
			options.toUserId ?? this.me.id,
			parts.map((part) => ({ text: part.text ?? '', media: part.media, groupedId })),
		);
	}

	/**
	 * A private message from `fromUserId` already in the history of `toUserId` (default `me`),
	 * numbered in the recipient's box, with no update pushed: the chat is in the recipient's
	 * dialog list (messages.getDialogs) from then on.
	 */
	addReceivedMessage(
		fromUserId: bigint,
		text: string,
		options: { toUserId?: bigint; date?: number } = {},
	): FakeMessage {
		const toUserId = options.toUserId ?? this.me.id;
		const message: FakeMessage = {
			id: this.services.counters.next(`message:box:${toUserId}`),
			peerKey: peerKeyOf({ userId: toUserId }),
			fromId: this.userById(fromUserId).id,
			text,
			entities: [],
			date: options.date ?? this.nowSeconds(),
			randomId: randomBytes(8).readBigInt64LE(0) | 1n,
			silent: false,
			noWebpage: false,
		};
		this.messages.push(message);
		return message;
	}

	/** A post in a channel (or a supergroup message from `fromUserId`): channel message id and pts, kept and pushed to every client. */
	postToChannel(
		channelId: bigint,
		text: string,
		options: { fromUserId?: bigint } & IncomingOptions = {},
	): { id: number; pts: number } {
		const { fromUserId, ...content } = options;
		this.channelById(channelId);
		return this.services.inbox.post(channelId, fromUserId, [{ text, ...content }])[0];
	}

	/** The sender edits a message this fake delivered (receiveMessage / postToChannel): updateEdit(Channel)Message. */
	editReceived(
		id: number,
		text: string,
		where: { toUserId?: bigint; channelId?: bigint; entities?: Api.TypeMessageEntity[] } = {},
	): number {
		const record = this.receivedMessage(id, where);
		return this.services.inbox.edit(record, text, where.entities);
	}

	/** The messages are deleted for everyone: updateDeleteMessages (ids only) or updateDeleteChannelMessages. */
	deleteReceived(ids: number[], where: { toUserId?: bigint; channelId?: bigint } = {}): number {
		return this.services.inbox.delete(ids.map((id) => this.receivedMessage(id, where)));
	}

	/** What other accounts sent (receiveMessage, receiveAlbum, postToChannel), edits applied. */
	get received(): FakeReceived[] {
		return this.services.inbox.received;
	}

	/** File references handed out so far stop working (FILE_REFERENCE_EXPIRED) until messages are fetched again. */
	expireFileReferences(): void {
		this.services.media.expireFileReferences();
	}

	private receivedMessage(id: number, where: { toUserId?: bigint; channelId?: bigint }) {
		const record = this.services.inbox.find(id, {
			toUserId: where.channelId === undefined ? (where.toUserId ?? this.me.id) : undefined,
			channelId: where.channelId,
		});
		if (!record) throw new Error(`The Telegram fake delivered no message ${id} there`);
		return record;
	}

	private channelById(id: bigint): FakeChannel {
		const channel = this.channels.find((c) => c.id === id);
		if (!channel) throw new Error(`The Telegram fake has no channel ${id}`);
		return channel;
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

	/**
	 * Every open client connection (of one account, when given) goes silent: it stays open and
	 * takes bytes but answers nothing (pings included) and pushes nothing, as when a NAT or proxy
	 * on the way forgot it. What is pushed meanwhile stays in the update log. New connections
	 * work. Returns how many went silent.
	 */
	silenceConnections(userId?: bigint): number {
		const silenced = [...this.connections].filter(
			(connection) => userId === undefined || connection.accountId === userId,
		);
		for (const connection of silenced) connection.silence();
		return silenced.length;
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

	/**
	 * As if `fromUserId` uploaded `file.bytes` (already encrypted) and called
	 * messages.sendEncryptedFile: the other side gets encryptedMessage with that encryptedFile.
	 */
	sendEncryptedFileAs(
		fromUserId: bigint,
		chatId: number,
		bytes: Buffer,
		file: { bytes: Buffer; keyFingerprint: number },
		options: { randomId?: bigint; silent?: boolean } = {},
	): FakeEncryptedMessage {
		const randomId = options.randomId ?? randomBytes(8).readBigInt64LE(0) | 1n;
		return this.secretChats.send(this.userById(fromUserId), chatId, undefined, {
			randomId,
			bytes,
			service: false,
			silent: !!options.silent,
			file: () => ({ type: 'uploaded', ...file }),
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

	/** The highest qts this account confirmed with messages.receivedQueue (0: none). */
	confirmedQtsOf(userId: bigint): number {
		return this.secretChats.confirmedQtsOf(userId);
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
		this.services.qrLogins.reset();
		this.services.media.reset();
		this.services.inbox.reset();
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
		const closed = [
			this.refusing
				? Promise.resolve()
				: new Promise<void>((resolve) => this.server.close(() => resolve())),
			...[...this.dcServers.values()].map(
				(server) => new Promise<void>((resolve) => server.close(() => resolve())),
			),
		];
		this.refusing = true;
		for (const connection of [...this.connections]) connection.close();
		await Promise.all(closed);
	}

	private userById(id: bigint): FakeUser {
		const user = this.users.find((u) => u.id === id);
		if (!user) throw new Error(`The Telegram fake has no account ${id}`);
		return user;
	}

	/** `dataCenter`: the DC of the listener, strict about keys; undefined: the main, lenient port. */
	private accept(socket: net.Socket, dataCenter?: number): void {
		// Packets go out as written, as Telegram's servers send them: with Nagle, an update pushed
		// right after an RPC answer waited for the client's delayed ACK (~40 ms on loopback).
		socket.setNoDelay(true);
		this.acceptedConnections++;
		const host: ConnectionHost = {
			dataCenter,
			world: this,
			services: this.services,
			rpc: this.rpc,
			msgIds: this.msgIds,
			faults: this.faults,
			rsaKey: this.rsaKey,
			record: (request) => this.requests.push(request),
			dcForNewKeys: () => dataCenter ?? this.keyDcAfterMigration ?? this.dcId,
			addAuthKey: (key) => {
				this.services.authKeys.add(key, dataCenter ?? this.keyDcAfterMigration ?? this.dcId);
				this.keyDcAfterMigration = undefined;
			},
			expectKeyOnDc: (dcId) => {
				this.keyDcAfterMigration = dcId;
			},
			forget: (connection) => this.connections.delete(connection),
			pushToOtherSessions: (accountId, sessionId, body) => {
				for (const connection of this.connections) {
					if (connection.accountId !== accountId || connection.sessionId?.equals(sessionId))
						continue;
					void connection.pushUpdates(body);
				}
			},
			loginInUseElsewhere: (auth, connection) =>
				[...this.connections].some((other) => other !== connection && other.sendsRequestsOf(auth)),
		};
		this.connections.add(new FakeConnection(socket, host));
	}
}
