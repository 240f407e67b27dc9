import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Api } from 'telegram';
import { bytesFromBigint, TELEGRAM_DH_G, TELEGRAM_DH_PRIME } from './numbers';
import type { FakeUser, FakeWorld } from './state';
import { entitiesFor } from './tlViews';
import { badRequest, toLong } from './wire';

/**
 * Secret chats as Telegram's servers see them: an opaque relay. The server never holds a key; it
 * passes g_a / g_b and the encrypted bytes between the two accounts, numbers each account's
 * incoming encrypted messages with qts, and applies its few rules (who may touch a chat, in which
 * state, byte lengths, random_id reuse). The same rules serve the RPCs and the test-driven side.
 */

/** The DH parameters messages.getDhConfig serves. */
export interface FakeDhConfig {
	g: number;
	/** 256 bytes, big-endian. */
	p: Buffer;
	version: number;
}

/**
 * A file of a secret chat as the server keeps it: bytes it cannot read (AES-IGE under a key that
 * travels inside the encrypted message) and the 32-bit key fingerprint the sender gave.
 */
export interface FakeEncryptedFile {
	id: bigint;
	accessHash: bigint;
	chatId: number;
	/** Whole AES blocks, as uploaded. */
	bytes: Buffer;
	dcId: number;
	keyFingerprint: number;
}

/** What messages.sendEncryptedFile's `file` names, resolved by the caller (uploads live in the media store). */
export type EncryptedFileSource =
	| { type: 'uploaded'; bytes: Buffer; keyFingerprint: number }
	| { type: 'existing'; id: bigint; accessHash: bigint };

export interface FakeEncryptedMessage {
	chatId: number;
	fromId: bigint;
	toId: bigint;
	randomId: bigint;
	/** The sender's `data`, byte for byte: fingerprint + msg_key + ciphertext. */
	bytes: Buffer;
	/** Sent with messages.sendEncryptedService (arrives as encryptedMessageService). */
	service: boolean;
	silent: boolean;
	date: number;
	/** The recipient's qts for it (each account numbers its incoming encrypted messages from 1). */
	qts: number;
	/** Sent with messages.sendEncryptedFile: the file the message's media decrypts. */
	file?: FakeEncryptedFile;
}

export interface FakeEncryptedChat {
	id: number;
	accessHash: bigint;
	/** The account that requested the chat (its creator). */
	adminId: bigint;
	participantId: bigint;
	gA: Buffer;
	gB?: Buffer;
	keyFingerprint?: bigint;
	status: 'requested' | 'accepted' | 'discarded';
	date: number;
	/** Both directions, in the order the relay took them. */
	messages: FakeEncryptedMessage[];
	/** Set by discardEncryption with delete_history. */
	historyDeleted?: boolean;
	/** Per account: the max_date of its last messages.readEncryptedHistory. */
	readMaxDate: Map<bigint, number>;
}

/** What the relay needs from the fake: accounts, the clock, and a way to reach an account's clients. */
export interface SecretRelayDeps {
	world: FakeWorld;
	push(updates: Api.Updates, toUserId: bigint): void;
}

/** Telegram's DH public values are 2048-bit numbers, sent as exactly 256 bytes. */
export const DH_VALUE_LENGTH = 256;
/** fingerprint (8) + msg_key (16) + at least one AES block (16). */
const ENCRYPTED_DATA_MIN = 40;
const ENCRYPTED_HEADER_LENGTH = 24;
const DH_RANDOM_LENGTH_MAX = 256;
const AES_BLOCK = 16;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

export function defaultDhConfig(): FakeDhConfig {
	return { g: TELEGRAM_DH_G, p: bytesFromBigint(TELEGRAM_DH_PRIME, 256), version: 1 };
}

/**
 * A queue a test reads with promises: each call takes the next item matching it, waiting if none
 * is there yet. Items nobody waited for are kept in order until taken (a reader of every message,
 * like the bench's peer, finds the next one at once, not after scanning all sent before).
 */
class Mailbox<T> {
	private unread: T[] = [];
	private waiters: Array<{
		wants: (item: T) => boolean;
		resolve: (item: T) => void;
		reject: (error: Error) => void;
	}> = [];

	next(wants: (item: T) => boolean): Promise<T> {
		const index = this.unread.findIndex(wants);
		if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0]);
		return new Promise((resolve, reject) => this.waiters.push({ wants, resolve, reject }));
	}

	/** A new item arrived: the oldest waiter that wants it takes it, else it waits for a reader. */
	offer(item: T): void {
		const waiter = this.waiters.find((w) => w.wants(item));
		if (!waiter) {
			this.unread.push(item);
			return;
		}
		this.waiters = this.waiters.filter((w) => w !== waiter);
		waiter.resolve(item);
	}

	/** Fails pending waits, so a test waiting across reset() or stop() fails instead of hanging. */
	clear(reason: string): void {
		for (const waiter of this.waiters) waiter.reject(new Error(reason));
		this.waiters = [];
		this.unread = [];
	}
}

export class SecretChatRelay {
	dhConfig: FakeDhConfig = defaultDhConfig();
	chats: FakeEncryptedChat[] = [];
	/** Files sent with messages.sendEncryptedFile, served by upload.getFile (inputEncryptedFileLocation). */
	files: FakeEncryptedFile[] = [];
	private lastFileId = 7300000000000000000n;
	private qts = new Map<bigint, number>();
	/** Per account: the highest max_qts it confirmed with messages.receivedQueue. */
	private readonly confirmedQts = new Map<bigint, number>();
	/** `${adminId}:${random_id}` of every messages.requestEncryption. */
	private readonly requestRandomIds = new Set<string>();
	/** `${chatId}:${fromId}:${random_id}` of every encrypted message: the bytes sent with it. */
	private readonly sentByRandomId = new Map<string, Buffer[]>();
	private readonly requests = new Mailbox<FakeEncryptedChat>();
	private readonly received = new Mailbox<FakeEncryptedMessage>();

	constructor(private readonly deps: SecretRelayDeps) {}

	reset(): void {
		this.dhConfig = defaultDhConfig();
		this.chats = [];
		this.files = [];
		this.qts.clear();
		this.confirmedQts.clear();
		this.requestRandomIds.clear();
		this.sentByRandomId.clear();
		this.requests.clear('the Telegram fake was reset');
		this.received.clear('the Telegram fake was reset');
	}

	stop(): void {
		this.requests.clear('the Telegram fake stopped');
		this.received.clear('the Telegram fake stopped');
	}

	/** The last qts given to this account's incoming encrypted messages (0: none yet). */
	qtsOf(userId: bigint): number {
		return this.qts.get(userId) ?? 0;
	}

	// --- Rules (throw RpcFailure like Telegram) ---

	/** messages.getDhConfig: the parameters, or "not modified" for the current version; always fresh random bytes. */
	dhConfigAnswer(clientVersion: number, randomLength: number): Api.messages.TypeDhConfig {
		if (randomLength < 0 || randomLength > DH_RANDOM_LENGTH_MAX)
			throw badRequest('RANDOM_LENGTH_INVALID');
		const random = randomBytes(randomLength);
		const { g, p, version } = this.dhConfig;
		if (clientVersion === version) return new Api.messages.DhConfigNotModified({ random });
		return new Api.messages.DhConfig({ g, p, version, random });
	}

	request(
		admin: FakeUser,
		participant: FakeUser | undefined,
		gA: Buffer,
		randomId?: number,
	): FakeEncryptedChat {
		// Not with oneself, not with a bot: Telegram names the user invalid.
		if (!participant || participant.id === admin.id || participant.bot)
			throw badRequest('USER_ID_INVALID');
		if (gA.length !== DH_VALUE_LENGTH) throw badRequest('DH_G_A_INVALID');
		if (randomId !== undefined) {
			const key = `${admin.id}:${randomId}`;
			if (this.requestRandomIds.has(key)) throw badRequest('RANDOM_ID_DUPLICATE');
			this.requestRandomIds.add(key);
		}
		const chat: FakeEncryptedChat = {
			id: this.newChatId(),
			accessHash: randomBytes(8).readBigInt64LE(0),
			adminId: admin.id,
			participantId: participant.id,
			gA: Buffer.from(gA),
			status: 'requested',
			date: this.deps.world.nowSeconds(),
			messages: [],
			readMaxDate: new Map(),
		};
		this.chats.push(chat);
		this.pushEncryptionUpdate(chat, participant.id);
		this.requests.offer(chat);
		return chat;
	}

	accept(
		user: FakeUser,
		chatId: number,
		accessHash: bigint | undefined,
		gB: Buffer,
		keyFingerprint: bigint,
	): FakeEncryptedChat {
		const chat = this.chatOf(user, chatId, accessHash);
		// Only the invited side accepts.
		if (chat.participantId !== user.id) throw badRequest('CHAT_ID_INVALID');
		if (chat.status === 'accepted') throw badRequest('ENCRYPTION_ALREADY_ACCEPTED');
		if (chat.status === 'discarded') throw badRequest('ENCRYPTION_ALREADY_DECLINED');
		if (gB.length !== DH_VALUE_LENGTH) throw badRequest('DH_G_B_INVALID');
		chat.gB = Buffer.from(gB);
		chat.keyFingerprint = BigInt.asIntN(64, keyFingerprint);
		chat.status = 'accepted';
		this.pushEncryptionUpdate(chat, chat.adminId);
		return chat;
	}

	discard(user: FakeUser, chatId: number, deleteHistory: boolean): void {
		if (chatId === 0) throw badRequest('CHAT_ID_EMPTY');
		const chat = this.chatOf(user, chatId, undefined);
		if (chat.status === 'discarded') throw badRequest('ENCRYPTION_ALREADY_DECLINED');
		chat.status = 'discarded';
		chat.historyDeleted = deleteHistory || undefined;
		this.pushEncryptionUpdate(chat, this.otherSide(chat, user.id));
	}

	send(
		user: FakeUser,
		chatId: number,
		accessHash: bigint | undefined,
		message: {
			randomId: bigint;
			bytes: Buffer;
			service: boolean;
			silent: boolean;
			/** messages.sendEncryptedFile's file (resolved only once the chat and data pass). */
			file?: () => EncryptedFileSource;
		},
	): FakeEncryptedMessage {
		const chat = this.openChatOf(user, chatId, accessHash);
		if (message.randomId === 0n) throw badRequest('RANDOM_ID_EMPTY');
		// Whole AES blocks after the 24-byte header (key fingerprint + msg_key).
		const { length } = message.bytes;
		if (length < ENCRYPTED_DATA_MIN || (length - ENCRYPTED_HEADER_LENGTH) % 16 !== 0)
			throw badRequest('DATA_INVALID');
		// A random_id may come again: clients answer decryptedMessageActionResend with the message's
		// own random_id (TDLib's outbound_resend, Telegram Android's resendMessages), and that copy
		// must arrive. Only the very same bytes again (one request repeated after a lost answer)
		// are refused here, an assumption: Telegram's list names no error for it.
		const sameId = `${chat.id}:${user.id}:${message.randomId}`;
		if (this.sentByRandomId.get(sameId)?.some((bytes) => bytes.equals(message.bytes)))
			throw badRequest('RANDOM_ID_DUPLICATE');
		const file = message.file ? this.fileFor(chat, message.file()) : undefined;
		const toId = this.otherSide(chat, user.id);
		const qts = this.qtsOf(toId) + 1;
		this.qts.set(toId, qts);
		const sent: FakeEncryptedMessage = {
			chatId: chat.id,
			fromId: user.id,
			toId,
			randomId: message.randomId,
			bytes: Buffer.from(message.bytes),
			service: message.service,
			silent: message.silent,
			date: this.deps.world.nowSeconds(),
			qts,
			file,
		};
		chat.messages.push(sent);
		this.sentByRandomId.set(sameId, [...(this.sentByRandomId.get(sameId) ?? []), sent.bytes]);
		this.push(
			new Api.UpdateNewEncryptedMessage({ message: this.messageToTl(sent), qts }),
			toId,
			user.id,
		);
		this.received.offer(sent);
		return sent;
	}

	read(user: FakeUser, chatId: number, accessHash: bigint | undefined, maxDate: number): void {
		const chat = this.openChatOf(user, chatId, accessHash);
		chat.readMaxDate.set(user.id, maxDate);
		const update = new Api.UpdateEncryptedMessagesRead({
			chatId: chat.id,
			maxDate,
			date: this.deps.world.nowSeconds(),
		});
		this.push(update, this.otherSide(chat, user.id), user.id);
	}

	typing(user: FakeUser, chatId: number, accessHash: bigint | undefined, typing: boolean): void {
		const chat = this.openChatOf(user, chatId, accessHash);
		if (typing)
			this.push(
				new Api.UpdateEncryptedChatTyping({ chatId: chat.id }),
				this.otherSide(chat, user.id),
				user.id,
			);
	}

	/**
	 * updates.getDifference for secret chats: the account's encrypted messages after `qts`, in
	 * order (Telegram keeps them for a client that was offline; gramjs never asks by itself).
	 */
	differenceFor(
		user: FakeUser,
		qts: number,
	): { messages: Api.TypeEncryptedMessage[]; qts: number } {
		const pending = this.chats
			.flatMap((chat) => chat.messages)
			.filter((message) => message.toId === user.id && message.qts > qts)
			.sort((a, b) => a.qts - b.qts);
		return {
			messages: pending.map((message) => this.messageToTl(message)),
			qts: this.qtsOf(user.id),
		};
	}

	/**
	 * upload.getFile with inputEncryptedFileLocation: a file of a chat the account is in, by id
	 * and access hash (anything else is FILE_ID_INVALID).
	 */
	encryptedFileAt(user: FakeUser, id: bigint, accessHash: bigint): FakeEncryptedFile {
		const file = this.files.find(
			(f) => f.id === BigInt.asIntN(64, id) && f.accessHash === BigInt.asIntN(64, accessHash),
		);
		const chat = file && this.chats.find((c) => c.id === file.chatId);
		if (!file || !chat || (chat.adminId !== user.id && chat.participantId !== user.id))
			throw badRequest('FILE_ID_INVALID');
		return file;
	}

	/** encryptedFile as both sides see it (size in bytes of the encrypted file). */
	fileToTl(file: FakeEncryptedFile): Api.EncryptedFile {
		return new Api.EncryptedFile({
			id: toLong(file.id),
			accessHash: toLong(file.accessHash),
			size: toLong(BigInt(file.bytes.length)),
			dcId: file.dcId,
			keyFingerprint: file.keyFingerprint,
		});
	}

	/** messages.receivedQueue: max_qts may not pass what the account was given. */
	checkReceivedQueue(user: FakeUser, maxQts: number): void {
		if (maxQts < 0 || maxQts > this.qtsOf(user.id)) throw badRequest('MAX_QTS_INVALID');
		this.confirmedQts.set(user.id, Math.max(maxQts, this.confirmedQtsOf(user.id)));
	}

	/** The highest qts this account confirmed with messages.receivedQueue (0: none). */
	confirmedQtsOf(userId: bigint): number {
		return this.confirmedQts.get(userId) ?? 0;
	}

	// --- The test-driven side ---

	nextRequestTo(userId: bigint): Promise<FakeEncryptedChat> {
		return this.requests.next((chat) => chat.participantId === userId);
	}

	nextMessageTo(userId: bigint, chatId: number): Promise<FakeEncryptedMessage> {
		return this.received.next((message) => message.toId === userId && message.chatId === chatId);
	}

	// --- Views ---

	/** The chat as `viewerId` sees it now (encryptedChatWaiting / Requested / encryptedChat / Discarded). */
	chatToTl(chat: FakeEncryptedChat, viewerId: bigint): Api.TypeEncryptedChat {
		if (chat.status === 'discarded')
			return new Api.EncryptedChatDiscarded({ id: chat.id, historyDeleted: chat.historyDeleted });
		const common = {
			id: chat.id,
			accessHash: toLong(chat.accessHash),
			date: chat.date,
			adminId: toLong(chat.adminId),
			participantId: toLong(chat.participantId),
		};
		const admin = viewerId === chat.adminId;
		if (chat.status === 'requested')
			return admin
				? new Api.EncryptedChatWaiting(common)
				: new Api.EncryptedChatRequested({ ...common, gA: chat.gA });
		// Each side gets the other side's public value.
		const gAOrB = admin ? (chat.gB as Buffer) : chat.gA;
		return new Api.EncryptedChat({
			...common,
			gAOrB,
			keyFingerprint: toLong(chat.keyFingerprint ?? 0n),
		});
	}

	private messageToTl(message: FakeEncryptedMessage): Api.TypeEncryptedMessage {
		const common = {
			randomId: toLong(message.randomId),
			chatId: message.chatId,
			date: message.date,
			bytes: message.bytes,
		};
		return message.service
			? new Api.EncryptedMessageService(common)
			: new Api.EncryptedMessage({
					...common,
					file: message.file ? this.fileToTl(message.file) : new Api.EncryptedFileEmpty(),
				});
	}

	/**
	 * The file of a sendEncryptedFile: a new upload (not empty, whole AES blocks, a 32-bit key
	 * fingerprint) or one the chat already carries (inputEncryptedFile, sent again).
	 */
	private fileFor(chat: FakeEncryptedChat, source: EncryptedFileSource): FakeEncryptedFile {
		if (source.type === 'existing') {
			const known = this.files.find(
				(f) => f.id === source.id && f.accessHash === source.accessHash && f.chatId === chat.id,
			);
			if (!known) throw badRequest('FILE_ID_INVALID');
			return known;
		}
		const { bytes, keyFingerprint } = source;
		if (bytes.length === 0) throw badRequest('FILE_EMTPY');
		// The server cannot read the file, but an AES-IGE encryption is whole 16-byte blocks.
		if (bytes.length % AES_BLOCK !== 0) throw badRequest('FILE_PARTS_INVALID');
		if (
			!Number.isInteger(keyFingerprint) ||
			keyFingerprint < INT32_MIN ||
			keyFingerprint > INT32_MAX
		)
			throw badRequest('FINGERPRINT_INVALID');
		this.lastFileId += 1n;
		const file: FakeEncryptedFile = {
			id: this.lastFileId,
			accessHash: BigInt.asIntN(64, this.lastFileId * 0x9e3779b97f4a7c15n),
			chatId: chat.id,
			bytes: Buffer.from(bytes),
			dcId: this.deps.world.dcId,
			keyFingerprint,
		};
		this.files.push(file);
		return file;
	}

	// --- Helpers ---

	/** Unknown chat, a wrong access hash or a chat of other accounts: all CHAT_ID_INVALID, as Telegram answers. */
	private chatOf(
		user: FakeUser,
		chatId: number,
		accessHash: bigint | undefined,
	): FakeEncryptedChat {
		const chat = this.chats.find((c) => c.id === chatId);
		if (!chat || (chat.adminId !== user.id && chat.participantId !== user.id))
			throw badRequest('CHAT_ID_INVALID');
		if (accessHash !== undefined && chat.accessHash !== BigInt.asIntN(64, accessHash))
			throw badRequest('CHAT_ID_INVALID');
		return chat;
	}

	/** A chat messages may go through: accepted by both sides, not discarded. */
	private openChatOf(
		user: FakeUser,
		chatId: number,
		accessHash: bigint | undefined,
	): FakeEncryptedChat {
		const chat = this.chatOf(user, chatId, accessHash);
		if (chat.status === 'discarded') throw badRequest('ENCRYPTION_DECLINED');
		// Before the other side accepts there is no key; Telegram knows no such chat to write to.
		if (chat.status === 'requested') throw badRequest('CHAT_ID_INVALID');
		return chat;
	}

	private otherSide(chat: FakeEncryptedChat, userId: bigint): bigint {
		return chat.adminId === userId ? chat.participantId : chat.adminId;
	}

	private newChatId(): number {
		for (;;) {
			const id = randomInt(1, 0x7fffffff);
			if (!this.chats.some((c) => c.id === id)) return id;
		}
	}

	private pushEncryptionUpdate(chat: FakeEncryptedChat, toUserId: bigint): void {
		const update = new Api.UpdateEncryption({
			chat: this.chatToTl(chat, toUserId),
			date: this.deps.world.nowSeconds(),
		});
		this.push(update, toUserId, this.otherSide(chat, toUserId));
	}

	/** Wrapped in Updates with both accounts in `users`, so gramjs can resolve admin_id / participant_id. */
	private push(update: Api.TypeUpdate, toUserId: bigint, otherUserId: bigint): void {
		const { world } = this.deps;
		const { users } = entitiesFor(world, toUserId, [], [otherUserId]);
		this.deps.push(
			new Api.Updates({ updates: [update], users, chats: [], date: world.nowSeconds(), seq: 0 }),
			toUserId,
		);
	}
}

/** md5_checksum of inputEncryptedFileUploaded: empty, or the hex MD5 of the uploaded bytes. */
export function checkUploadMd5(bytes: Buffer, md5Checksum: string): void {
	if (
		md5Checksum !== '' &&
		createHash('md5').update(bytes).digest('hex') !== md5Checksum.toLowerCase()
	)
		throw badRequest('MD5_CHECKSUM_INVALID');
}
