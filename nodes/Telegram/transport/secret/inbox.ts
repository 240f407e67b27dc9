import type { Api } from 'telegram';
import { call, type CallOptions } from '../call';
import { encryptedQtsOf } from '../encryptedQts';
import type { TelegramSession } from '../pool';
import type { SecretChats } from './chatStore';
import { secretMessageFile, type EncryptedFileRef } from './files';
import { REKEY_AFTER_MESSAGES, type DeliveredSecret, type SecretChatState } from './protocol';
import type { SecretChatEvent } from './secretChats';
import { decodeSecretLayer, encodeSecretLayer } from './tl';

/**
 * Encrypted messages read by a sending node, kept for the trigger. A re-key we start is answered
 * (acceptKey) by an encrypted message, which only a listening trigger used to read; without one
 * the re-key hung. A send that waits for that answer now fetches the account's pending encrypted
 * messages itself (updates.getDifference from the applied qts) and applies them to the chats, so
 * the commit goes out and the new key is used. What those messages deliver to the user is not
 * lost: it waits here, in the chat's sealed state (the inbox), until a trigger emits it.
 *
 * - The inbox is bounded (INBOX_MAX events a chat). A message that might not fit is not applied:
 *   it stays queued on Telegram for the trigger, so nothing is dropped (the re-key then waits).
 *   So does one for a chat not ready here (its acceptance, updateEncryption, is not among what
 *   getDifference hands a sender), and everything after either.
 * - Each chat records the qts of the last message applied to it: the same message read again
 *   (pushed to a listening trigger, or in its catch-up) is a duplicate, skipped without an event.
 * - The trigger emits a chat's inbox before it applies the chat's next message, and after each
 *   catch-up, then removes only what it emitted: at least once (a crash between the emission and
 *   the removal emits those events once more on the next start; none is ever lost).
 * - Kept: texts, media, timers and an abort (what the trigger emits). Not kept: protocol actions
 *   and refusals (a tampered or replayed message, which a trigger only logs).
 */

/** Events a chat's inbox keeps at most (a text is up to 4 KB). */
export const INBOX_MAX = 250;

/** An event kept for the trigger: a message (its decrypted layer wrapper) or the chat's abort. */
export type InboxEntry =
	| {
			id: number;
			kind: 'message';
			/** The serialized decryptedMessageLayer (base64), random bytes zeroed. */
			tl: string;
			date: number;
			/** Where Telegram keeps its file, for the trigger's download. */
			file?: EncryptedFileRef;
	  }
	| { id: number; kind: 'closed' };

/** The fields a chat's stored state carries for this (beside the protocol's own). */
export interface InboxFields {
	inbox?: InboxEntry[];
	inboxNextId?: number;
	/** The qts of the last encrypted message applied to this chat. */
	appliedQts?: number;
}

type WithInbox<S> = S & InboxFields;

export function inboxOf(state: object): InboxEntry[] {
	const inbox = (state as InboxFields).inbox;
	return Array.isArray(inbox) ? inbox : [];
}

/** Whether a message was already applied to this chat (qts 0: not known, never a duplicate). */
export function alreadyApplied(state: object, qts: number): boolean {
	const applied = (state as InboxFields).appliedQts;
	return qts > 0 && typeof applied === 'number' && qts <= applied;
}

export function withAppliedQts<S extends object>(state: S, qts: number): WithInbox<S> {
	const known = (state as InboxFields).appliedQts ?? 0;
	return qts > known ? { ...state, appliedQts: qts } : state;
}

/** Room for whatever one more message can deliver: itself, every held one, and an abort. */
export function inboxHasRoom(state: Pick<SecretChatState, 'held'>): boolean {
	return inboxOf(state).length + (state.held?.length ?? 0) + 2 <= INBOX_MAX;
}

/** Messages the trigger shows (texts, media, timers) and an abort are kept; protocol actions are not. */
function worthKeeping(delivered: DeliveredSecret): boolean {
	const message = delivered.message;
	return message.kind === 'message' || message.action.kind === 'setMessageTtl';
}

export function withInboxEntries<S extends object>(
	state: S,
	messages: Array<{ delivered: DeliveredSecret; date: number; file?: EncryptedFileRef }>,
	closed: boolean,
): WithInbox<S> {
	const fields = state as InboxFields;
	let nextId = fields.inboxNextId ?? 1;
	const added: InboxEntry[] = [];
	for (const { delivered, date, file } of messages) {
		if (!worthKeeping(delivered)) continue;
		const tl = encodeSecretLayer({ randomBytes: Buffer.alloc(16), ...delivered });
		added.push({ id: nextId++, kind: 'message', tl: tl.toString('base64'), date, file });
	}
	if (closed) added.push({ id: nextId++, kind: 'closed' });
	if (added.length === 0) return state;
	return { ...state, inbox: [...inboxOf(fields), ...added], inboxNextId: nextId };
}

/** Whether `count` (from 1) is one of 1, 2, 4 ... : a few reads however many items a run sends. */
const onReadingTurn = (count: number) => count > 0 && (count & (count - 1)) === 0;

/**
 * Whether a send should first read what the other side sent, on the 1st, 2nd, 4th ... 64th message
 * of a wait (a few calls per re-key, however many items a run sends), so a peer that answers is
 * read soon and a silent one costs little. Two waits: our re-key waits for its answer; or a re-key
 * is due (100 messages under the key) but the key before is still kept, because the other side's
 * first message under the current key was not read (without a trigger nothing else reads it, and
 * the re-key would wait for a second 100 messages).
 */
export function awaitsRekeyAnswer(state: SecretChatState): boolean {
	if (state.status !== 'ready') return false;
	const rekey = state.rekey;
	if (rekey) {
		if (rekey.role !== 'initiator' || !rekey.exponent) return false;
		return onReadingTurn(state.outCount - (rekey.startedAt ?? 0));
	}
	const current = state.current;
	if (!state.previous || !current) return false;
	return onReadingTurn(current.messages - REKEY_AFTER_MESSAGES + 1);
}

export interface InboxFetch {
	/** The qts of the last encrypted message applied to the account's chats. */
	appliedQts(): Promise<number>;
	/** Applies one message into its chat's inbox; 'left': not applied (left for the trigger), stop here. */
	apply(message: Api.TypeEncryptedMessage, qts: number): Promise<'applied' | 'left'>;
	/** Records (and confirms to Telegram) the qts read up to. */
	record(qts: number): Promise<void>;
}

/** getDifference rounds a fetch takes at most (each one of Telegram's pages). */
const FETCH_ROUNDS = 10;

/**
 * The account's encrypted messages after its applied qts, in order, applied through `fetch`:
 * updates.getState for the current pts and date (so no cloud message comes back: those are the
 * trigger's), then updates.getDifference with the applied qts.
 */
export async function fetchIntoInbox(
	session: TelegramSession,
	fetch: InboxFetch,
	options: CallOptions,
): Promise<void> {
	const { Api } = session.gram;
	const doing = { ...options, doing: 'reading the secret chat messages a re-key waits for' };
	const now = await call(session, new Api.updates.GetState(), doing);
	let position = { pts: now.pts, date: now.date };
	let qts = await fetch.appliedQts();
	const from = qts;
	try {
		for (let round = 0; round < FETCH_ROUNDS; round++) {
			const difference = await call(
				session,
				new Api.updates.GetDifference({ ...position, qts }),
				doing,
			);
			if (
				difference instanceof Api.updates.DifferenceEmpty ||
				difference instanceof Api.updates.DifferenceTooLong
			)
				return;
			const reached =
				difference instanceof Api.updates.Difference
					? difference.state
					: difference.intermediateState;
			const messages = difference.newEncryptedMessages;
			const messagesQts = encryptedQtsOf(qts, reached.qts, messages.length);
			for (const [index, message] of messages.entries()) {
				const messageQts = messagesQts[index];
				if ((await fetch.apply(message, messageQts)) === 'left') {
					if (messageQts > 0) qts = messageQts - 1;
					return;
				}
			}
			qts = Math.max(qts, reached.qts);
			position = { pts: reached.pts, date: reached.date };
			if (difference instanceof Api.updates.Difference) return;
		}
	} finally {
		if (qts > from) await fetch.record(qts);
	}
}

/** A kept event as the trigger emits it, with the chat as it is now. */
function eventOf(
	session: TelegramSession,
	state: SecretChatState,
	entry: InboxEntry,
	options: CallOptions,
): SecretChatEvent | undefined {
	if (entry.kind === 'closed') return { event: 'secretChatClosed', state };
	let envelope;
	try {
		envelope = decodeSecretLayer(Buffer.from(entry.tl, 'base64'));
	} catch {
		return undefined; // written by us: cannot happen short of a damaged store
	}
	const { message, layer, inSeqNo, outSeqNo } = envelope;
	const delivered: DeliveredSecret = { message, layer, inSeqNo, outSeqNo };
	const media = message.kind === 'message' ? message.media : undefined;
	const file =
		entry.file && media
			? secretMessageFile(session, entry.file, media, message.randomId, options.node)
			: undefined;
	return { event: 'secretMessage', state, delivered, date: entry.date, file };
}

/**
 * Emits the inboxes of these chats (all: every chat) in order, then removes what was emitted;
 * events kept meanwhile stay for the next time.
 */
export async function drainInbox(
	session: TelegramSession,
	store: SecretChats,
	chatIds: number[] | 'all',
	emit: (events: SecretChatEvent[]) => void,
	options: CallOptions,
): Promise<void> {
	const chats =
		chatIds === 'all'
			? await store.list()
			: (await Promise.all(chatIds.map(async (chatId) => await store.get(chatId)))).filter(
					(state) => state !== undefined,
				);
	for (const state of chats) {
		const entries = inboxOf(state);
		if (entries.length === 0) continue;
		const events = entries
			.map((entry) => eventOf(session, state, entry, options))
			.filter((event) => event !== undefined);
		emit(events);
		const lastId = entries[entries.length - 1].id;
		await store.update(state.chatId, async (stored) => {
			if (!stored) return { next: 'unchanged', result: undefined };
			const rest = inboxOf(stored).filter((entry) => entry.id > lastId);
			const next: typeof stored & InboxFields = { ...stored, inbox: rest };
			if (rest.length === 0) delete next.inbox;
			return { next, result: undefined };
		});
	}
}
