import { randomBytes } from 'node:crypto';
import type { Api } from 'telegram';
import { attempt, settle } from '../../../../shared/errors';
import type { TelegramAccount } from '../account';
import { call, rpcFailureOf, type CallOptions } from '../call';
import type { ResolvedChat } from '../peers';
import type { MessageFile } from '../messageFiles';
import type { TelegramSession } from '../pool';
import { formatText, type Formatting } from '../formatting';
import { secretChatsOf, type SecretChats } from './chatStore';
import type { DhParameters } from './dh';
import { secretEntitiesOf } from './entities';
import { commonLayer, needsLayerNotice } from './layers';
import { encryptedFileRef, secretMessageFile, withFileRefs } from './files';
import {
	alreadyApplied,
	awaitsRekeyAnswer,
	fetchIntoInbox,
	inboxHasRoom,
	inboxOf,
	withAppliedQts,
	withInboxEntries,
} from './inbox';
import {
	abandonRekey,
	acceptRequest,
	closedChat,
	completeRequest,
	needsRekey,
	openMessage,
	prepareRequest,
	requestedChat,
	sealMessage,
	sealNotifyLayer,
	sentOutSeqNo,
	SecretChatError,
	staleRekey,
	startRekey,
	waitingChat,
	type DeliveredSecret,
	type OutgoingSecret,
	type SecretChatState,
} from './protocol';
import { sentBefore } from './sentLog';
import type { SecretMessage } from './tl';

/**
 * Secret chats over the account's connection: the protocol (protocol.ts) decides what to send,
 * this file talks to Telegram and keeps the state, each chat under its store lock so that two
 * sends (or a send and an incoming message) never take the same sequence number.
 */

type StoredState = SecretChatState & { [field: string]: unknown };

/** A chat id this account's store does not know: the node turns it into a field error. */
export class UnknownSecretChatError extends Error {
	constructor(readonly chatId: number) {
		super(`this account has no secret chat ${chatId}`);
		this.name = 'UnknownSecretChatError';
	}
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
let knownDh: { version: number; params: DhParameters } | undefined;

/** messages.getDhConfig: the prime and generator (cached by version) and fresh server randomness. */
async function dhConfig(
	session: TelegramSession,
	options: CallOptions,
): Promise<{ params: DhParameters; random: Buffer }> {
	const { Api } = session.gram;
	const answer = await call(
		session,
		new Api.messages.GetDhConfig({ version: knownDh?.version ?? 0, randomLength: 256 }),
		{ ...options, doing: 'asking Telegram for Diffie-Hellman parameters' },
	);
	if (answer instanceof Api.messages.DhConfig) {
		knownDh = { version: answer.version, params: { p: Buffer.from(answer.p), g: answer.g } };
		return { params: knownDh.params, random: Buffer.from(answer.random) };
	}
	if (!knownDh)
		throw new SecretChatError(
			'bad-parameters',
			'Telegram answered "not modified" to the first request for Diffie-Hellman parameters',
		);
	return { params: knownDh.params, random: Buffer.from(answer.random) };
}

function inputChat(session: TelegramSession, state: SecretChatState): Api.InputEncryptedChat {
	return new session.gram.Api.InputEncryptedChat({
		chatId: state.chatId,
		accessHash: session.gram.returnBigInt(state.accessHash),
	});
}

/** Sends sealed data in order; stops at the first failure and says whether it may have arrived. */
async function sendAll(
	session: TelegramSession,
	state: SecretChatState,
	outgoing: OutgoingSecret[],
	options: CallOptions & {
		silent?: boolean;
		/** The uploaded file of the message with this random_id (messages.sendEncryptedFile). */
		file?: { randomId: bigint; input: Api.TypeInputEncryptedFile };
	},
) {
	const { Api, returnBigInt } = session.gram;
	const duplicates: bigint[] = [];
	for (const [index, item] of outgoing.entries()) {
		const fields = {
			peer: inputChat(session, state),
			randomId: returnBigInt(item.randomId),
			data: item.data,
		};
		const file = options.file?.randomId === item.randomId ? options.file.input : undefined;
		const silent = options.silent || undefined;
		const request = item.service
			? new Api.messages.SendEncryptedService(fields)
			: file
				? new Api.messages.SendEncryptedFile({ ...fields, file, silent })
				: new Api.messages.SendEncrypted({ ...fields, silent });
		const outcome = await settle(call(session, request, options));
		if (outcome.ok) continue;
		const failure = rpcFailureOf(outcome.error);
		// The same random_id already reached Telegram (an earlier, unclear attempt): it is there.
		if (failure?.name === 'RANDOM_ID_DUPLICATE') {
			duplicates.push(item.randomId);
			continue;
		}
		return {
			sentCount: index,
			duplicates,
			error: outcome.error,
			mayHaveArrived: failure === undefined,
		};
	}
	return { sentCount: outgoing.length, duplicates };
}

/**
 * A chat just became ready: our layer goes out first. The chat is ready either way; a notice
 * that surely did not go out is sent again before the first message.
 */
async function withLayerNotice(
	session: TelegramSession,
	ready: SecretChatState,
	options: CallOptions,
	save: (next: StoredState) => Promise<void>,
): Promise<SecretChatState> {
	const notice = sealNotifyLayer(ready);
	// Saved before it goes out (see sendSecretText).
	await save(notice.state as StoredState);
	const sent = await sendAll(session, notice.state, [notice.outgoing], options);
	return sent.error === undefined || sent.mayHaveArrived ? notice.state : ready;
}

/** Runs `change` under the chat's lock and throws what it reports after the state is saved. */
async function underLock<T>(
	store: SecretChats,
	chatId: number,
	change: (
		state: StoredState | undefined,
		save: (next: StoredState) => Promise<void>,
	) => Promise<{ next: StoredState | 'unchanged'; result: T; error?: unknown }>,
): Promise<T> {
	const { result, error } = await store.update(chatId, async (state, save) => {
		const outcome = await change(state, save);
		return { next: outcome.next, result: { result: outcome.result, error: outcome.error } };
	});
	if (error !== undefined) throw error;
	return result;
}

// Starts whose chat is not stored yet: an acceptance arriving meanwhile waits for them.
const startsInFlight = new Map<string, Set<Promise<unknown>>>();

/** Asks a user for a secret chat (messages.requestEncryption); it is usable once they accept. */
export async function startSecretChat(
	session: TelegramSession,
	account: TelegramAccount,
	user: ResolvedChat,
	options: CallOptions,
): Promise<SecretChatState> {
	const { Api } = session.gram;
	const store = await secretChatsOf(session, account);
	const peer = user.inputPeer;
	if (!(peer instanceof Api.InputPeerUser))
		throw new SecretChatError(
			'bad-parameters',
			`secret chats are with users only; ${user.title} is a ${user.type}`,
		);
	const { params, random } = await dhConfig(session, options);
	const { exponent, gA } = prepareRequest(params, random);
	const starting = (async () => {
		const chat = await call(
			session,
			new Api.messages.RequestEncryption({
				userId: new Api.InputUser({ userId: peer.userId, accessHash: peer.accessHash }),
				randomId: randomBytes(4).readInt32LE(),
				gA,
			}),
			{ ...options, doing: 'requesting the secret chat' },
		);
		if (!(chat instanceof Api.EncryptedChatWaiting))
			throw new SecretChatError(
				'not-ready',
				`Telegram answered the secret chat request with ${chat.className}`,
			);
		const state = waitingChat(
			{
				chatId: chat.id,
				accessHash: BigInt(String(chat.accessHash)),
				peerUserId: BigInt(String(chat.participantId)),
				date: chat.date,
			},
			params,
			exponent,
		);
		return await underLock(store, chat.id, async () => ({
			next: state as StoredState,
			result: state,
		}));
	})();
	const inFlight = startsInFlight.get(session.accountKey) ?? new Set();
	startsInFlight.set(session.accountKey, inFlight);
	inFlight.add(starting);
	try {
		return await starting;
	} finally {
		inFlight.delete(starting);
	}
}

export interface SecretSendResult {
	chatId: number;
	randomId: bigint;
	outSeqNo: number;
	/** The layer the message was written in (the lower of ours and the peer's). */
	layer: number;
	alreadySent: boolean;
}

/** What a send puts in the chat, from the chat's state; `earlier` is what the same random_id sealed before (a retry). */
export type ComposeSecret = (
	state: SecretChatState,
	earlier: SecretMessage | undefined,
) => Promise<{ message: SecretMessage; file?: Api.TypeInputEncryptedFile }>;

/**
 * Sends one message to a ready chat: the layer notice first if it has not gone out (or announced
 * an older layer), a re-key when due, then the message. A definite refusal leaves the sequence as
 * it was; an unclear failure keeps the sealed message, so a retry with the same random_id
 * repeats it byte for byte.
 */
export async function sendSecret(
	session: TelegramSession,
	account: TelegramAccount,
	target: { chatId: number; randomId: bigint; silent: boolean },
	options: CallOptions,
	compose: ComposeSecret,
): Promise<SecretSendResult> {
	const store = await secretChatsOf(session, account);
	const sent = await sendUnlessAnswerDue(session, store, target, options, compose, true);
	if (sent !== READ_ANSWER_FIRST) return sent;
	await readRekeyAnswer(session, account, store, options);
	return (await sendUnlessAnswerDue(
		session,
		store,
		target,
		options,
		compose,
		false,
	)) as SecretSendResult;
}

/** Our re-key waits for an answer that is due to be read first (inbox.ts): outside the chat's lock. */
const READ_ANSWER_FIRST = Symbol('read the re-key answer first');
type SendOrReadFirst = SecretSendResult | typeof READ_ANSWER_FIRST;

async function sendUnlessAnswerDue(
	session: TelegramSession,
	store: SecretChats,
	target: { chatId: number; randomId: bigint; silent: boolean },
	options: CallOptions,
	compose: ComposeSecret,
	readAnswer: boolean,
): Promise<SendOrReadFirst> {
	const { chatId, randomId, silent } = target;
	return await underLock(store, chatId, async (stored, save) => {
		if (!stored) throw new UnknownSecretChatError(chatId);
		if (readAnswer && awaitsRekeyAnswer(stored))
			return { next: 'unchanged', result: READ_ANSWER_FIRST as SendOrReadFirst };
		const earlier = sentBefore(stored, randomId);
		const repeat = earlier !== undefined;
		// A retry of a message the other side already acknowledged: it arrived, nothing to send.
		if (earlier?.acknowledged)
			return {
				next: 'unchanged',
				result: {
					chatId,
					randomId,
					outSeqNo: sentOutSeqNo(stored, randomId),
					layer: commonLayer(stored.peerLayer),
					alreadySent: true,
				},
			};
		const outgoing: OutgoingSecret[] = [];
		// The state after each sealed item: a refusal at item k keeps what items before k did.
		const states: SecretChatState[] = [stored];
		const take = (sealed: { state: SecretChatState; outgoing: OutgoingSecret }) => {
			states.push(sealed.state);
			outgoing.push(sealed.outgoing);
		};
		const latest = () => states[states.length - 1];
		if (!repeat && needsLayerNotice(stored) && stored.status === 'ready')
			take(sealNotifyLayer(latest()));
		// A re-key whose answer was never read (no trigger ran) is given up, so a new one can start.
		if (!repeat && staleRekey(latest())) take(abandonRekey(latest()));
		if (!repeat && needsRekey(latest(), nowSeconds()))
			take(startRekey(latest(), (await dhConfig(session, options)).random));
		const composed = await compose(latest(), earlier?.envelope?.message);
		const message = composed.message;
		const sealed = sealMessage(latest(), message);
		take(sealed);
		if (!repeat && message.kind === 'service' && message.action.kind === 'setMessageTtl')
			states.push({ ...latest(), messageTtl: message.action.ttlSeconds });
		// Saved before anything goes out: after a crash once sent, the sequence numbers and keys
		// used are never used again (the saved sent log repeats the very same envelope on a retry).
		if (latest() !== stored) await save(latest() as StoredState);
		const file = composed.file && { randomId, input: composed.file };
		const sent = await sendAll(session, latest(), outgoing, { ...options, silent, file });
		const result = {
			chatId,
			randomId,
			outSeqNo: sealed.outSeqNo,
			layer: sealed.layer,
			alreadySent: sent.duplicates.includes(randomId),
		};
		if (sent.error === undefined) return { next: latest() as StoredState, result };
		const next = sent.mayHaveArrived ? latest() : states[sent.sentCount];
		return { next: next as StoredState, result, error: sent.error };
	});
}

/** messages.discardEncryption; a chat Telegram already closed counts as discarded. */
async function discardOnTelegram(
	session: TelegramSession,
	chatId: number,
	deleteHistory: boolean,
	options: CallOptions,
): Promise<void> {
	const outcome = await settle(
		call(
			session,
			new session.gram.Api.messages.DiscardEncryption({
				chatId,
				deleteHistory: deleteHistory || undefined,
			}),
			{ ...options, doing: 'closing the secret chat' },
		),
	);
	const refusal = outcome.ok ? undefined : rpcFailureOf(outcome.error)?.name;
	if (!outcome.ok && refusal !== 'ENCRYPTION_ALREADY_DECLINED' && refusal !== 'CHAT_ID_INVALID')
		throw outcome.error;
}

export interface SecretText {
	chatId: number;
	text: string;
	randomId: bigint;
	silent: boolean;
	formatting?: Formatting;
	/** Seconds the message lives once read; absent: the chat's timer. */
	ttlSeconds?: number;
}

/** Sends a text; entities the peer's layer cannot read are left out (the text stays whole). */
export async function sendSecretText(
	session: TelegramSession,
	account: TelegramAccount,
	message: SecretText,
	options: CallOptions,
): Promise<SecretSendResult & { ttlSeconds: number }> {
	const formatted = formatText(session.gram, message.text, message.formatting ?? 'none');
	const entities = secretEntitiesOf(formatted.entities ?? []);
	let ttlSeconds = 0;
	const sent = await sendSecret(session, account, message, options, async (state) => {
		ttlSeconds = message.ttlSeconds ?? state.messageTtl ?? 0;
		return {
			message: {
				kind: 'message',
				randomId: message.randomId,
				ttl: ttlSeconds,
				text: formatted.text,
				hasMedia: false,
				entities: entities.length > 0 ? entities : undefined,
				silent: message.silent || undefined,
			},
		};
	});
	return { ...sent, ttlSeconds };
}

/**
 * Sets the chat's self-destruct timer (decryptedMessageActionSetMessageTTL): both sides then
 * send their messages with it; 0 switches it off.
 */
export async function setSecretChatTimer(
	session: TelegramSession,
	account: TelegramAccount,
	request: { chatId: number; ttlSeconds: number; randomId: bigint },
	options: CallOptions,
): Promise<SecretSendResult> {
	return await sendSecret(
		session,
		account,
		{ chatId: request.chatId, randomId: request.randomId, silent: false },
		options,
		async () => ({
			message: {
				kind: 'service',
				randomId: request.randomId,
				action: { kind: 'setMessageTtl', ttlSeconds: request.ttlSeconds },
			},
		}),
	);
}

/** Discards a chat (messages.discardEncryption) and forgets its keys. */
export async function closeSecretChat(
	session: TelegramSession,
	account: TelegramAccount,
	chatId: number,
	deleteHistory: boolean,
	options: CallOptions,
): Promise<SecretChatState> {
	const store = await secretChatsOf(session, account);
	return await underLock(store, chatId, async (stored) => {
		if (!stored) throw new UnknownSecretChatError(chatId);
		if (stored.status === 'closed') return { next: 'unchanged', result: stored };
		await discardOnTelegram(session, chatId, deleteHistory, options);
		const closed = closedChat(stored, nowSeconds());
		return { next: closed as StoredState, result: closed };
	});
}

/** Record 0 of the store is the account's own (Telegram never numbers a chat 0): how far updates were read. */
const ACCOUNT_RECORD = 0;

export async function listSecretChats(
	session: TelegramSession,
	account: TelegramAccount,
): Promise<SecretChatState[]> {
	const store = await secretChatsOf(session, account);
	return (await store.list())
		.filter((chat) => chat.chatId !== ACCOUNT_RECORD)
		.sort((a, b) => b.createdAt - a.createdAt);
}

/** The qts of the last encrypted message applied to this account's chats (0: none yet). */
export async function appliedQts(
	session: TelegramSession,
	account: TelegramAccount,
): Promise<number> {
	const record = await (await secretChatsOf(session, account)).get(ACCOUNT_RECORD);
	return typeof record?.qts === 'number' ? record.qts : 0;
}

export async function recordAppliedQts(
	session: TelegramSession,
	account: TelegramAccount,
	qts: number,
	options: CallOptions,
): Promise<void> {
	const store = await secretChatsOf(session, account);
	const advanced = await store.update(ACCOUNT_RECORD, async (record) => {
		const known = typeof record?.qts === 'number' ? record.qts : 0;
		return {
			next: qts > known ? ({ chatId: ACCOUNT_RECORD, qts } as unknown as StoredState) : 'unchanged',
			result: qts > known,
		};
	});
	// Telegram keeps encrypted messages queued (and pushes them to other devices) until told.
	if (advanced)
		await call(session, new session.gram.Api.messages.ReceivedQueue({ maxQts: qts }), {
			...options,
			doing: 'confirming the secret chat messages read',
		});
}

/** Accepts a chat someone asked us for (messages.acceptEncryption), then tells our layer. */
export async function acceptSecretChat(
	session: TelegramSession,
	account: TelegramAccount,
	chatId: number,
	options: CallOptions,
): Promise<SecretChatState> {
	const store = await secretChatsOf(session, account);
	const { Api } = session.gram;
	return await underLock(store, chatId, async (stored, save) => {
		if (!stored) throw new UnknownSecretChatError(chatId);
		const { params, random } = await dhConfig(session, options);
		const accepted = acceptRequest(stored, params, random, nowSeconds());
		await call(
			session,
			new Api.messages.AcceptEncryption({
				peer: inputChat(session, stored),
				gB: accepted.gB,
				keyFingerprint: session.gram.returnBigInt(accepted.fingerprint),
			}),
			{
				...options,
				doing: 'accepting the secret chat',
			},
		);
		const next = await withLayerNotice(session, accepted.state, options, save);
		return { next: next as StoredState, result: next };
	});
}

/** What an update did to our secret chats, for the trigger. */
export type SecretChatEvent =
	| { event: 'secretChatRequested'; state: SecretChatState }
	| { event: 'secretChatAccepted'; state: SecretChatState }
	| { event: 'secretChatClosed'; state: SecretChatState }
	| {
			event: 'secretMessage';
			state: SecretChatState;
			delivered: DeliveredSecret;
			date: number;
			/** The photo or document it carries, to download and decrypt. */
			file?: MessageFile;
	  }
	| { event: 'secretMessageRefused'; chatId: number; reason: string };

async function onEncryptionUpdate(
	session: TelegramSession,
	store: SecretChats,
	chat: Api.TypeEncryptedChat,
	options: CallOptions,
): Promise<SecretChatEvent[]> {
	const { Api } = session.gram;
	if (chat instanceof Api.EncryptedChatRequested) {
		const { params } = await dhConfig(session, options);
		const state = requestedChat(
			{
				chatId: chat.id,
				accessHash: BigInt(String(chat.accessHash)),
				peerUserId: BigInt(String(chat.adminId)),
				date: chat.date,
			},
			params,
			Buffer.from(chat.gA),
		);
		const saved = await underLock(store, chat.id, async (stored) =>
			stored
				? { next: 'unchanged', result: undefined }
				: { next: state as StoredState, result: state },
		);
		return saved ? [{ event: 'secretChatRequested', state: saved }] : [];
	}
	if (chat instanceof Api.EncryptedChat) {
		await Promise.allSettled([...(startsInFlight.get(session.accountKey) ?? [])]);
		const ready = await underLock(store, chat.id, async (stored, save) => {
			if (stored?.status !== 'waiting') return { next: 'unchanged', result: undefined };
			const completed = attempt(() =>
				completeRequest(
					stored,
					Buffer.from(chat.gAOrB),
					BigInt(String(chat.keyFingerprint)),
					nowSeconds(),
				),
			);
			if (!completed.ok) {
				// A key the other side does not have (or a refused g_b): the chat cannot be used; discard it.
				if (!(completed.error instanceof SecretChatError)) throw completed.error;
				await discardOnTelegram(session, chat.id, false, options);
				const closed = closedChat(stored, nowSeconds(), completed.error.message);
				return { next: closed as StoredState, result: closed };
			}
			const next = await withLayerNotice(session, completed.value, options, save);
			return { next: next as StoredState, result: next };
		});
		if (!ready) return [];
		return [
			{
				event: ready.status === 'closed' ? 'secretChatClosed' : 'secretChatAccepted',
				state: ready,
			},
		];
	}
	if (chat instanceof Api.EncryptedChatDiscarded) {
		const closed = await underLock(store, chat.id, async (stored) => {
			if (!stored || stored.status === 'closed') return { next: 'unchanged', result: undefined };
			const next = closedChat(stored, nowSeconds());
			return { next: next as StoredState, result: next };
		});
		return closed ? [{ event: 'secretChatClosed', state: closed }] : [];
	}
	return [];
}

/** What applying one encrypted message did. */
export type EncryptedOutcome =
	| { kind: 'applied'; events: SecretChatEvent[] }
	/** Its qts was applied to the chat before (by a sending node or another reader): no event. */
	| { kind: 'duplicate' }
	/** ('emit') the chat's inbox holds older events: emit those first, then apply this one. */
	| { kind: 'inbox-first' }
	/**
	 * ('inbox') not applied, left on Telegram for the trigger: the chat's inbox might not hold
	 * what it delivers, or the chat is not ready here (its acceptance may not have been read yet).
	 */
	| { kind: 'left' };

/**
 * Applies one encrypted message (qts 0: not known). 'emit': its events are returned, for a
 * listening trigger; 'inbox': they are kept in the chat's inbox (inbox.ts), for a sending node.
 */
export async function applyEncryptedMessage(
	session: TelegramSession,
	store: SecretChats,
	message: Api.TypeEncryptedMessage,
	qts: number,
	options: CallOptions,
	mode: 'emit' | 'inbox',
): Promise<EncryptedOutcome> {
	return await underLock(store, message.chatId, async (stored, save) => {
		if (stored && alreadyApplied(stored, qts))
			return { next: 'unchanged', result: { kind: 'duplicate' } };
		if (stored && mode === 'emit' && inboxOf(stored).length > 0)
			return { next: 'unchanged', result: { kind: 'inbox-first' } };
		if (
			mode === 'inbox' &&
			(!stored ||
				stored.status === 'waiting' ||
				stored.status === 'requested' ||
				!inboxHasRoom(stored))
		)
			return { next: 'unchanged', result: { kind: 'left' } };
		const refused = (reason: string): EncryptedOutcome => ({
			kind: 'applied',
			events: [{ event: 'secretMessageRefused', chatId: message.chatId, reason }],
		});
		if (!stored || stored.status !== 'ready')
			return {
				next: 'unchanged',
				result: refused(`no ready secret chat ${message.chatId} in the store`),
			};
		const opened = attempt(() => openMessage(stored, Buffer.from(message.bytes), nowSeconds()));
		if (!opened.ok) return { next: 'unchanged', result: refused(opened.error.message) };
		const { delivered, outgoing, aborted } = opened.value;
		const withRefs = withFileRefs(
			opened.value.state as StoredState,
			message instanceof session.gram.Api.EncryptedMessage
				? { randomId: String(message.randomId), ref: encryptedFileRef(session.gram, message.file) }
				: undefined,
			delivered,
		);
		const { filesOf } = withRefs;
		let state: StoredState = withAppliedQts(withRefs.state, qts);
		if (mode === 'inbox')
			state = withInboxEntries(
				state,
				delivered.map((item) => ({ delivered: item, date: message.date, file: filesOf.get(item) })),
				aborted !== undefined,
			);
		// The other side broke the protocol: the chat is closed here and discarded on Telegram.
		if (aborted) await discardOnTelegram(session, message.chatId, false, options);
		else {
			// Saved before any reply goes out, as for sends: a crash never reuses what the replies used.
			if (outgoing.length > 0) await save(state);
			// Replies that do not go out are asked for again by the other side (resend); the message itself was read.
			await sendAll(session, state, outgoing, options);
		}
		if (mode === 'inbox') return { next: state, result: { kind: 'applied', events: [] } };
		const events: SecretChatEvent[] = delivered.map((item) => {
			const ref = filesOf.get(item);
			const media = item.message.kind === 'message' ? item.message.media : undefined;
			const file =
				ref && media
					? secretMessageFile(session, ref, media, item.message.randomId, options.node)
					: undefined;
			return { event: 'secretMessage', state, delivered: item, date: message.date, file };
		});
		if (aborted) events.push({ event: 'secretChatClosed', state });
		return { next: state, result: { kind: 'applied', events } };
	});
}

/**
 * Before a send, when our re-key waits for the other side's answer: the account's pending
 * encrypted messages are read and applied into the chats' inboxes (inbox.ts), so the commit goes
 * out before this message. A failure here does not stop the send (the re-key waits as before).
 */
async function readRekeyAnswer(
	session: TelegramSession,
	account: TelegramAccount,
	store: SecretChats,
	options: CallOptions,
): Promise<void> {
	await settle(
		fetchIntoInbox(
			session,
			{
				appliedQts: async () => await appliedQts(session, account),
				apply: async (message, qts) => {
					const outcome = await applyEncryptedMessage(
						session,
						store,
						message,
						qts,
						options,
						'inbox',
					);
					return outcome.kind === 'left' ? 'left' : 'applied';
				},
				record: async (qts) => await recordAppliedQts(session, account, qts, options),
			},
			options,
		),
	);
}

/**
 * Applies a chat's update (updateEncryption) to the account's secret chats; other updates are
 * ignored here. Encrypted messages go through applyEncryptedMessage (a chat's inbox first).
 */
export async function handleSecretUpdate(
	session: TelegramSession,
	account: TelegramAccount,
	update: unknown,
	options: CallOptions,
): Promise<SecretChatEvent[]> {
	const { Api } = session.gram;
	if (update instanceof Api.UpdateEncryption)
		return await onEncryptionUpdate(
			session,
			await secretChatsOf(session, account),
			update.chat,
			options,
		);
	return [];
}
