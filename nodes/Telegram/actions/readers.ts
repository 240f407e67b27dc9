import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { readMaxWait } from '../../../shared/options';
import { parameterOfRun } from '../../../shared/parameterOfRun';
import { fieldError, settle } from '../../../shared/errors';
import { INT32_MAX, readDecimalId } from '../../../shared/ids';
import { stopSignalOf } from '../../../shared/stop';
import { readSendTime, toUnixSeconds } from '../../../shared/time';
import {
	ChatReferenceError,
	parseChatReference,
	resolveChat,
	UnknownChatError,
	type CallOptions,
	type ChatReference,
	type Formatting,
	type ResolvedChat,
	type TelegramSession,
} from '../transport';

/* Input readers: each reads and checks one parameter, and refuses a bad value with a field error. */

/**
 * Telegram sends at once what is scheduled less than ~10 s ahead, so a nearer time would not be
 * "scheduled" at all; and it refuses more than ~367 days ahead (365 leaves a margin).
 */
export const SCHEDULE_WINDOW = { min: { seconds: 10 }, max: { days: 365 } };
/** schedule_date that asks Telegram to deliver when the other user is next online. */
export const WHEN_ONLINE = 0x7ffffffe;

export function readOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return parameterOfRun(context, 'options', itemIndex, {}) as IDataObject;
}

// An item makes several calls (limits, chat, send): its Max Rate-Limit Wait is read once.
const maxWaitOfItem = new WeakMap<object, { itemIndex: number; seconds: number }>();

function maxWaitOf(context: IExecuteFunctions, itemIndex: number): number {
	const last = maxWaitOfItem.get(context);
	if (last?.itemIndex === itemIndex) return last.seconds;
	const seconds = readMaxWait(context, itemIndex);
	maxWaitOfItem.set(context, { itemIndex, seconds });
	return seconds;
}

export function callOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	doing: string,
): CallOptions {
	const maxFloodWaitSeconds = maxWaitOf(context, itemIndex);
	return {
		// getNode() deep-copies the node on every call; the node does not change during a run.
		node: nodeOfRun(context),
		itemIndex,
		maxFloodWaitSeconds,
		doing,
		signal: stopSignalOf(context),
	};
}

export function readFormatting(options: IDataObject): Formatting {
	return options.formatting === 'markdown' || options.formatting === 'html'
		? options.formatting
		: 'none';
}

/** Reply To Message ID: undefined for 0 (no reply); refused unless a whole message id. */
export function readReplyTo(
	context: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): number | undefined {
	const value = options.replyToMessageId ?? 0;
	if (value === 0 || (typeof value === 'string' && /^\s*0*\s*$/.test(value))) return undefined;
	// Refused, not dropped: a message meant as a reply must not go out as a plain one.
	return readDecimalId(context, itemIndex, value, {
		field: 'Reply To Message ID',
		what: 'message ID',
		fix: 'Use the ID of a message in the same chat (or 0 for no reply)',
		max: INT32_MAX,
	});
}

/** Topic ID: undefined for 0 (General, or no forum); refused unless a whole message id. */
export function readTopicId(
	context: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): number | undefined {
	const value = options.topicId ?? 0;
	if (value === 0 || (typeof value === 'string' && /^\s*0*\s*$/.test(value))) return undefined;
	// Refused, not dropped: a post meant for a topic must not land in General.
	return readDecimalId(context, itemIndex, value, {
		field: 'Topic ID',
		what: 'topic ID',
		fix: 'Use the ID of the message that opened the topic (or 0 for none)',
		max: INT32_MAX,
	});
}

export function readChat(context: IExecuteFunctions, itemIndex: number): ChatReference {
	try {
		return parseChatReference(parameterOfRun(context, 'chat', itemIndex, ''));
	} catch (error) {
		if (error instanceof ChatReferenceError)
			throw fieldError(context.getNode(), 'Chat', error.message, error.fix, itemIndex);
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

/** Resolves a chat; "not found" becomes an error on the Chat field. */
export async function findChat(
	context: IExecuteFunctions,
	session: TelegramSession,
	reference: ChatReference,
	itemIndex: number,
): Promise<ResolvedChat> {
	const outcome = await settle(
		resolveChat(session, reference, callOptions(context, itemIndex, 'looking up the chat')),
	);
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof UnknownChatError)
		throw fieldError(
			context.getNode(),
			'Chat',
			outcome.error.message,
			outcome.error.fix,
			itemIndex,
		);
	throw outcome.error;
}

/** A schedule time inside SCHEDULE_WINDOW, as Unix seconds. */
export function readScheduleTime(
	context: IExecuteFunctions,
	itemIndex: number,
	field = 'sendAt',
	label = 'Send At',
): number {
	return toUnixSeconds(
		readSendTime(
			context,
			itemIndex,
			context.getNodeParameter(field, itemIndex),
			SCHEDULE_WINDOW,
			label,
		),
	);
}

/** Send: undefined for now, a Unix time, or WHEN_ONLINE. */
export function readSendWhen(context: IExecuteFunctions, itemIndex: number): number | undefined {
	const when = parameterOfRun(context, 'sendWhen', itemIndex, 'now') as string;
	if (when === 'at') return readScheduleTime(context, itemIndex);
	if (when === 'online') return WHEN_ONLINE;
	return undefined;
}

/** "When Online" only works in a private chat with someone else; refused before anything is sent. */
export function assertWhenOnlineFits(
	context: IExecuteFunctions,
	chat: ResolvedChat,
	scheduleDate: number | undefined,
	itemIndex: number,
) {
	if (scheduleDate !== WHEN_ONLINE) return;
	if (chat.type !== 'user' || chat.inputPeer.className === 'InputPeerSelf') {
		throw fieldError(
			context.getNode(),
			'Send',
			`"When Online" needs a private chat with another user, and ${chat.title} is not one`,
			'Pick "At a Time" or "Now" for groups, channels and Saved Messages.',
			itemIndex,
		);
	}
}
