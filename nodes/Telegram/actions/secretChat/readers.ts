import type { IExecuteFunctions } from 'n8n-workflow';
import { fieldError, settle } from '../../../../shared/errors';
import { INT32_MAX, readDecimalId } from '../../../../shared/ids';
import { UnknownSecretChatError } from '../../transport';

export function readSecretChatId(context: IExecuteFunctions, itemIndex: number): number {
	const value = context.getNodeParameter('secretChatId', itemIndex, '', { extractValue: true });
	return readDecimalId(context, itemIndex, value, {
		field: 'Secret Chat',
		what: 'secret chat ID',
		fix: 'Pick the chat from the list, or use the chatId that Start, Get Many or the Telegram trigger output',
		max: INT32_MAX,
	});
}

/** Runs a call on one chat: an unknown chat id is the field's fault; anything else goes on as it is. */
export async function onSecretChat<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	work: Promise<T>,
): Promise<T> {
	const outcome = await settle(work);
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof UnknownSecretChatError) {
		throw fieldError(
			context.getNode(),
			'Secret Chat',
			outcome.error.message,
			'Use Get Many to list the secret chats this credential knows (each account keeps its own).',
			itemIndex,
		);
	}
	throw outcome.error;
}
