/**
 * What the fake Telegram holds: accounts, channels, delivered and scheduled messages, uploads and
 * the media made from them. Plain data, so tests can assert on it directly.
 */

export interface FakeUser {
	id: bigint;
	accessHash: bigint;
	firstName: string;
	lastName?: string;
	username?: string;
	phone?: string;
	bot?: boolean;
	/** A Telegram Premium account: its captions may be up to `textLimits.captionPremium`. */
	premium?: boolean;
	/** The data center the account lives on (default: the fake's `dcId`); QR logins end there. */
	dcId?: number;
	/**
	 * In the other accounts' contact lists (default true): only contacts are found by
	 * users.getUsers with access_hash 0; others need their hash (from a dialog, a username, ...).
	 */
	contact?: boolean;
}

/**
 * Length limits in UTF-16 code units of the text as sent (markup already turned into entities):
 * help.getConfig says `message_length_max` and `caption_length_max`; help.getAppConfig says
 * `caption_length_limit_default` / `caption_length_limit_premium`.
 */
export interface FakeTextLimits {
	message: number;
	captionDefault: number;
	captionPremium: number;
}

/** Telegram's published values. */
export const DEFAULT_TEXT_LIMITS: Readonly<FakeTextLimits> = {
	message: 4096,
	captionDefault: 1024,
	captionPremium: 2048,
};

export interface FakeChannel {
	id: bigint;
	accessHash: bigint;
	title: string;
	username?: string;
	megagroup?: boolean;
	/** Accounts allowed to post in a broadcast channel (default: the seeded `me`). */
	adminIds?: bigint[];
	/** Other accounts that joined it: the channel is in their dialog list. */
	memberIds?: bigint[];
	/** A supergroup with topics (megagroup + forum): messages go into one of `topics`. */
	forum?: boolean;
	topics?: FakeTopic[];
}

/** A forum topic: its id is the id of the message that opened it. */
export interface FakeTopic {
	id: number;
	title: string;
	/** Closed: only admins may still post (TOPIC_CLOSED for others). */
	closed?: boolean;
	/** Deleted: nothing may be posted (TOPIC_DELETED). */
	deleted?: boolean;
}

export interface FakeMedia {
	kind: 'photo' | 'video' | 'document';
	fileName?: string;
	mimeType?: string;
	size: number;
	/** Hex SHA-256 of the uploaded bytes (of nothing when sent by URL). */
	sha256: string;
	/** Set when sent by URL (InputMediaPhotoExternal / InputMediaDocumentExternal). */
	url?: string;
}

export interface FakeMessage {
	id: number;
	peerKey: string;
	fromId: bigint;
	text: string;
	entities: unknown[];
	/** When the fake accepted it (unix seconds); for a delivered message, when it went out. */
	date: number;
	/** Only on scheduled messages: when it is due (unix seconds). */
	scheduleDate?: number;
	media?: FakeMedia;
	groupedId?: bigint;
	randomId: bigint;
	silent: boolean;
	noWebpage: boolean;
	replyToMsgId?: number;
	/** The forum topic it was posted in. */
	topicId?: number;
	fromScheduled?: boolean;
	editDate?: number;
}

export interface SeenRequest {
	/** TL class name, e.g. 'messages.SendMultiMedia' (unwrapped from InvokeWithLayer etc.). */
	name: string;
	request: unknown;
	/** The DC of the auth key used (for DH steps: of the key being made). */
	dcId: number;
	/** The account the auth key was logged in as, if any. */
	userId?: bigint;
	/** The RPC error answered, if one was. */
	error?: { code: number; message: string };
	/** The connection was closed instead of answering (dropConnectionNext). */
	dropped?: boolean;
}

/** Everything request handlers read and change; TelegramFake implements it. */
export interface FakeWorld {
	readonly dcId: number;
	readonly apiId: number;
	readonly apiHash: string;
	me: FakeUser;
	users: FakeUser[];
	channels: FakeChannel[];
	messages: FakeMessage[];
	scheduled: FakeMessage[];
	uploads: Map<string, Buffer>;
	scheduledLimitPerChat: number;
	textLimits: FakeTextLimits;
	/** Unix seconds by the fake's clock. */
	nowSeconds(): number;
}

export const SEED_ME: Readonly<FakeUser> = {
	id: 5000001n,
	accessHash: 7101000000000000001n,
	firstName: 'Fake',
	lastName: 'Owner',
	username: 'me_account',
	phone: '15550000000',
};

export function seedUsers(): FakeUser[] {
	return [
		{ ...SEED_ME },
		{
			id: 5000002n,
			accessHash: 7101000000000000002n,
			firstName: 'Alice',
			lastName: 'Test',
			username: 'alice_test',
			phone: '15550001111',
		},
		{ id: 5000003n, accessHash: 7101000000000000003n, firstName: 'Bob', username: 'bob_test' },
	];
}

export function seedChannels(): FakeChannel[] {
	return [
		{
			id: 1700000001n,
			accessHash: 7201000000000000001n,
			title: 'News Test',
			username: 'news_test',
			megagroup: false,
			adminIds: [SEED_ME.id],
		},
	];
}

export function peerKeyOf(peer: { userId?: bigint; channelId?: bigint; chatId?: bigint }): string {
	if (peer.userId !== undefined) return `user:${peer.userId}`;
	if (peer.channelId !== undefined) return `channel:${peer.channelId}`;
	if (peer.chatId !== undefined) return `chat:${peer.chatId}`;
	throw new Error('peerKey needs userId, channelId or chatId');
}

export function parsePeerKey(key: string): { kind: 'user' | 'channel' | 'chat'; id: bigint } {
	const [kind, id] = key.split(':');
	if (kind !== 'user' && kind !== 'channel' && kind !== 'chat')
		throw new Error(`Not a peer key: ${key}`);
	return { kind, id: BigInt(id) };
}
