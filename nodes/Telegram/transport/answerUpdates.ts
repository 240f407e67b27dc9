/**
 * Updates that come back as the answer to a call (sends, Send Now, deletes) are Telegram's news
 * for this session: Telegram does not push them to it again, and gramjs hands them to no update
 * handler. The transport passes them on here to whoever listens on the client (updates.ts), so a
 * trigger sharing the connection with a node hears of them at once, in pts order.
 */

type AnswerListener = (answer: unknown) => void;

const listeners = new WeakMap<object, AnswerListener>();

/** crc32('Updates'): the TL type of every updates answer. */
const UPDATES_TYPE_ID = 0x8af52aac;

export function onAnswerUpdates(client: object, listener: AnswerListener): void {
	listeners.set(client, listener);
}

/** Hands a call's answer on when it is an Updates container (Updates or UpdatesCombined). */
export function handAnswerUpdates(client: object, answer: unknown): void {
	const listener = listeners.get(client);
	const fields = answer as { SUBCLASS_OF_ID?: number; className?: string } | undefined;
	if (!listener || fields?.SUBCLASS_OF_ID !== UPDATES_TYPE_ID) return;
	// updateShortSentMessage moves pts without the message: left to the gap check, whose
	// getDifference brings the message itself.
	if (fields.className !== 'Updates' && fields.className !== 'UpdatesCombined') return;
	listener(answer);
}
