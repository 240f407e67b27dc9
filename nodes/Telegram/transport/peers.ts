import type { Api } from 'telegram';
import type { Gramjs } from './gramjs';
import { settle } from '../../../shared/errors';
import { call, rpcFailureOf, type CallOptions } from './call';
import { explainRpcFailure } from './errorCatalog';
import { chatReferenceKey, type ChatReference } from './chatReference';
import type { TelegramSession } from './pool';

/** A chat Telegram can be asked about, and how to show it in the output. */
export interface ResolvedChat {
	inputPeer: Api.TypeInputPeer;
	/** Bot-API style: users positive, basic groups -N, channels and supergroups -100N. */
	id: string;
	type: 'user' | 'basicGroup' | 'channel';
	title: string;
	username?: string;
}

/** Thrown when a chat cannot be found; operations turn it into a field error. */
export class UnknownChatError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'UnknownChatError';
	}
}

// Access hashes are per account and stable; usernames can move, so entries expire.
const CACHE_TTL_MS = 60 * 60 * 1000;
const CACHE_MAX_ENTRIES = 5000;
const DIALOG_PAGES = 5;
const caches = new Map<string, Map<string, { chat: ResolvedChat; expiresAt: number }>>();

function cacheOf(accountKey: string) {
	let cache = caches.get(accountKey);
	if (!cache) {
		cache = new Map();
		caches.set(accountKey, cache);
	}
	return cache;
}

function remember(accountKey: string, keys: string[], chat: ResolvedChat) {
	const cache = cacheOf(accountKey);
	if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
	for (const key of keys) cache.set(key, { chat, expiresAt: Date.now() + CACHE_TTL_MS });
}

function recall(accountKey: string, key: string): ResolvedChat | undefined {
	const entry = caches.get(accountKey)?.get(key);
	return entry && entry.expiresAt > Date.now() ? entry.chat : undefined;
}

/** Forgets what was resolved for every account (tests). */
export function clearPeerCache() {
	caches.clear();
}

type Entity = Api.TypeUser | Api.TypeChat;

/**
 * Lookups that Telegram refuses (an unknown id, a method it will not answer here) mean "not
 * found this way"; a flood wait, a dead session or a lost connection is a real failure.
 */
async function unlessNotFound<T, F>(lookup: Promise<T>, fallback: F): Promise<T | F> {
	const outcome = await settle(lookup);
	if (outcome.ok) return outcome.value;
	const failure = rpcFailureOf(outcome.error);
	if (failure && failure.seconds === undefined && !explainRpcFailure(failure).sessionDead)
		return fallback;
	throw outcome.error;
}

function chatOfEntity(gram: Gramjs, entity: Entity): ResolvedChat | undefined {
	if (entity.className === 'User' && entity.accessHash !== undefined) {
		const name = [entity.firstName, entity.lastName].filter(Boolean).join(' ');
		return {
			inputPeer: new gram.Api.InputPeerUser({ userId: entity.id, accessHash: entity.accessHash }),
			id: entity.id.toString(),
			type: 'user',
			title: name || (entity.username ? `@${entity.username}` : entity.id.toString()),
			username: entity.username ?? undefined,
		};
	}
	if (entity.className === 'Channel' && entity.accessHash !== undefined) {
		return {
			inputPeer: new gram.Api.InputPeerChannel({
				channelId: entity.id,
				accessHash: entity.accessHash,
			}),
			id: `-100${entity.id.toString()}`,
			type: 'channel',
			title: entity.title,
			username: entity.username ?? undefined,
		};
	}
	if (entity.className === 'Chat') {
		return {
			inputPeer: new gram.Api.InputPeerChat({ chatId: entity.id }),
			id: `-${entity.id.toString()}`,
			type: 'basicGroup',
			title: entity.title,
		};
	}
	return undefined;
}

/** Caches every user and chat an answer carried, under its id (and username). */
function learnEntities(session: TelegramSession, entities: Entity[]): ResolvedChat[] {
	const learned: ResolvedChat[] = [];
	for (const entity of entities) {
		const chat = chatOfEntity(session.gram, entity);
		if (!chat) continue;
		const keys = [`${chat.type}:${chat.id.replace(/^-(100)?/, '')}`];
		if (chat.username) keys.push(`@${chat.username.toLowerCase()}`);
		remember(session.accountKey, keys, chat);
		learned.push(chat);
	}
	return learned;
}

function peerKeyOf(peer: Api.TypePeer): string {
	if (peer.className === 'PeerUser') return `user:${peer.userId.toString()}`;
	if (peer.className === 'PeerChannel') return `channel:${peer.channelId.toString()}`;
	return `basicGroup:${peer.chatId.toString()}`;
}

/** The Bot-API style id of a peer in a message or update. */
export function markedPeerId(peer: Api.TypePeer): string {
	if (peer.className === 'PeerUser') return peer.userId.toString();
	if (peer.className === 'PeerChannel') return `-100${peer.channelId.toString()}`;
	return `-${peer.chatId.toString()}`;
}

async function resolveSelf(session: TelegramSession, options: CallOptions): Promise<ResolvedChat> {
	const [me] = await call(
		session,
		new session.gram.Api.users.GetUsers({ id: [new session.gram.Api.InputUserSelf()] }),
		{ ...options, doing: 'asking who this account is' },
	);
	const chat = chatOfEntity(session.gram, me);
	if (!chat)
		throw new UnknownChatError(
			'Telegram did not say who this account is',
			'Check the session in the credential.',
		);
	return { ...chat, inputPeer: new session.gram.Api.InputPeerSelf(), title: 'Saved Messages' };
}

async function resolveByName(
	session: TelegramSession,
	reference: ChatReference & { kind: 'username' | 'phone' },
	options: CallOptions,
) {
	const { Api } = session.gram;
	const resolved =
		reference.kind === 'username'
			? await call(session, new Api.contacts.ResolveUsername({ username: reference.username }), {
					...options,
					doing: `looking up @${reference.username}`,
				})
			: await call(session, new Api.contacts.ResolvePhone({ phone: reference.phone }), {
					...options,
					doing: `looking up +${reference.phone}`,
				});
	learnEntities(session, [...resolved.users, ...resolved.chats]);
	const chat = recall(session.accountKey, peerKeyOf(resolved.peer));
	if (!chat)
		throw new UnknownChatError(
			`Telegram found ${chatReferenceKey(reference)} but gave no way to reach it`,
			'Use another form of the chat (e.g. its numeric ID).',
		);
	return chat;
}

/** Ids with access hash 0 (contacts, chats the account is in), then the account's dialogs. */
async function resolveById(
	session: TelegramSession,
	reference: ChatReference & { kind: 'user' | 'channel' | 'basicGroup' },
	options: CallOptions,
) {
	const { Api, returnBigInt } = session.gram;
	const key = chatReferenceKey(reference);
	if (reference.kind === 'basicGroup') {
		return {
			inputPeer: new Api.InputPeerChat({ chatId: returnBigInt(reference.id) }),
			id: `-${reference.id}`,
			type: 'basicGroup' as const,
			title: `-${reference.id}`,
		};
	}
	const doing = `looking up chat ${reference.kind === 'channel' ? '-100' : ''}${reference.id}`;
	const direct: Entity[] =
		reference.kind === 'user'
			? await unlessNotFound(
					call(
						session,
						new Api.users.GetUsers({
							id: [
								new Api.InputUser({
									userId: returnBigInt(reference.id),
									accessHash: returnBigInt(0),
								}),
							],
						}),
						{ ...options, doing },
					),
					[],
				)
			: await unlessNotFound(
					call(
						session,
						new Api.channels.GetChannels({
							id: [
								new Api.InputChannel({
									channelId: returnBigInt(reference.id),
									accessHash: returnBigInt(0),
								}),
							],
						}),
						{ ...options, doing },
					).then((answer) => answer.chats),
					[],
				);
	learnEntities(session, direct);
	const found = recall(session.accountKey, key);
	if (found) return found;
	await scanDialogs(session, options, key);
	return recall(session.accountKey, key);
}

async function scanDialogs(session: TelegramSession, options: CallOptions, wanted: string) {
	const { Api, returnBigInt } = session.gram;
	let offsetDate = 0;
	let offsetId = 0;
	let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
	for (let page = 0; page < DIALOG_PAGES; page++) {
		const request: Api.messages.GetDialogs = new Api.messages.GetDialogs({
			offsetDate,
			offsetId,
			offsetPeer,
			limit: 100,
			hash: returnBigInt(0),
		});
		const dialogs: Api.messages.TypeDialogs | undefined = await unlessNotFound(
			call(session, request, { ...options, doing: 'looking through the chats of this account' }),
			undefined,
		);
		if (!dialogs || dialogs.className === 'messages.DialogsNotModified') return;
		learnEntities(session, [...dialogs.users, ...dialogs.chats]);
		if (
			recall(session.accountKey, wanted) ||
			dialogs.className === 'messages.Dialogs' ||
			dialogs.dialogs.length === 0
		)
			return;
		// The next page starts after the last dialog's top message (the answer's messages are
		// in no promised order).
		const lastDialog: Api.TypeDialog | undefined = dialogs.dialogs.at(-1);
		if (!lastDialog || lastDialog.className !== 'Dialog') return;
		const lastPeer = peerKeyOf(lastDialog.peer);
		const last = dialogs.messages.find(
			(message) =>
				message.id === lastDialog.topMessage &&
				message.className !== 'MessageEmpty' &&
				peerKeyOf(message.peerId) === lastPeer,
		);
		if (!last || last.className === 'MessageEmpty') return;
		offsetDate = last.date;
		offsetId = last.id;
		offsetPeer =
			recall(session.accountKey, peerKeyOf(lastDialog.peer))?.inputPeer ?? new Api.InputPeerEmpty();
	}
}

/** Finds the chat a reference names, from the account's cache or by asking Telegram once. */
export async function resolveChat(
	session: TelegramSession,
	reference: ChatReference,
	options: CallOptions,
): Promise<ResolvedChat> {
	const key = chatReferenceKey(reference);
	const cached = recall(session.accountKey, key);
	if (cached) return cached;
	let chat: ResolvedChat | undefined;
	if (reference.kind === 'self') chat = await resolveSelf(session, options);
	else if (reference.kind === 'username' || reference.kind === 'phone')
		chat = await resolveByName(session, reference, options);
	else chat = await resolveById(session, reference, options);
	if (!chat) {
		throw new UnknownChatError(
			`this account has no chat with ID ${reference.kind === 'channel' ? '-100' : ''}${'id' in reference ? reference.id : ''}`,
			'Use the @username or a t.me link instead, or open the chat once with this account so it appears in its chat list.',
		);
	}
	remember(session.accountKey, [key], chat);
	return chat;
}
