import { parseDecimalId } from '../../../shared/ids';

/** A chat as the user wrote it, before anything asks Telegram. */
export type ChatReference =
	| { kind: 'self' }
	| { kind: 'username'; username: string }
	| { kind: 'phone'; phone: string }
	| { kind: 'user'; id: string }
	| { kind: 'basicGroup'; id: string }
	| { kind: 'channel'; id: string };

/** Why a chat reference was refused; callers turn it into a field error. */
export class ChatReferenceError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'ChatReferenceError';
	}
}

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
const LINK = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.(?:me|dog)\/(.+)$/i;
const FORMATS =
	'Use @username, a t.me/username link, a phone number starting with + (e.g. +15550001111), a numeric chat ID (channels as -100…), or "me" for Saved Messages.';

function fromUsername(text: string, original: string): ChatReference {
	if (!USERNAME.test(text)) {
		throw new ChatReferenceError(
			`("${original}") is not a Telegram username`,
			'A username has 4 to 32 letters, digits or underscores and starts with a letter.',
		);
	}
	return { kind: 'username', username: text.toLowerCase() };
}

function fromLink(path: string, original: string): ChatReference {
	const clean = path.split(/[?#]/)[0].replace(/\/+$/, '');
	if (clean.startsWith('+') || clean.toLowerCase().startsWith('joinchat/')) {
		throw new ChatReferenceError(
			`("${original}") is an invite link, which cannot name a chat`,
			'Join the chat with this account, then use its @username or numeric ID.',
		);
	}
	const privatePost = /^c\/(\d+)(?:\/\d+)*$/.exec(clean);
	if (privatePost) return { kind: 'channel', id: peerId(privatePost[1], original) };
	const [first] = clean.replace(/^s\//, '').split('/');
	return fromUsername(first, original);
}

/** The id part of a numeric chat ID, refused unless a positive safe integer (Telegram's ids fit 52 bits). */
function peerId(digits: string, original: string): string {
	const id = parseDecimalId(digits);
	if (id === undefined) {
		throw new ChatReferenceError(
			`("${original}") is not a chat ID`,
			'A numeric chat ID is a user ID (e.g. 123456789), a group ID (e.g. -123456789) or a channel ID (-100 then its number, e.g. -1001234567890), never 0; copy it from Get Many or the trigger output.',
		);
	}
	return String(id);
}

/** Reads one chat reference; throws ChatReferenceError with the accepted forms when it is none. */
export function parseChatReference(value: unknown): ChatReference {
	const original = String(value ?? '').trim();
	if (original === '') throw new ChatReferenceError('is empty', FORMATS);
	if (/^(me|self)$/i.test(original)) return { kind: 'self' };
	const link = LINK.exec(original);
	if (link) return fromLink(link[1], original);
	const resolve = /^tg:\/\/resolve\?domain=([^&]+)/i.exec(original);
	if (resolve) return fromUsername(resolve[1], original);
	if (original.startsWith('@')) return fromUsername(original.slice(1), original);
	if (original.startsWith('+')) {
		const digits = original.replace(/[\s().-]/g, '').slice(1);
		if (!/^\d{5,15}$/.test(digits))
			throw new ChatReferenceError(
				`("${original}") is not a phone number`,
				'Write it in international format, e.g. +15550001111.',
			);
		return { kind: 'phone', phone: digits };
	}
	if (/^-100\d+$/.test(original))
		return { kind: 'channel', id: peerId(original.slice(4), original) };
	if (/^-\d+$/.test(original))
		return { kind: 'basicGroup', id: peerId(original.slice(1), original) };
	if (/^\d+$/.test(original)) return { kind: 'user', id: peerId(original, original) };
	if (USERNAME.test(original)) return { kind: 'username', username: original.toLowerCase() };
	throw new ChatReferenceError(`("${original}") is not a chat`, FORMATS);
}

/** The reference as a cache key: one per chat however it was written (the same user by @name or id differ). */
export function chatReferenceKey(reference: ChatReference): string {
	switch (reference.kind) {
		case 'self':
			return 'self';
		case 'username':
			return `@${reference.username}`;
		case 'phone':
			return `+${reference.phone}`;
		default:
			return `${reference.kind}:${reference.id}`;
	}
}
