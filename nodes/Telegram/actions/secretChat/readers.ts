import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { fieldError, settle } from '../../../../shared/errors';
import { sendKey, sendOnce } from '../../../../shared/executionMemo';
import { INT32_MAX, readDecimalId } from '../../../../shared/ids';
import { parameterOfRun } from '../../../../shared/parameterOfRun';
import {
	UnknownSecretChatError,
	withTelegramAccount,
	type CallOptions,
	type SecretSendResult,
	type TelegramAccount,
	type TelegramSession,
} from '../../transport';
import { messageRandomId } from '../idempotency';
import { callOptions } from '../readers';

export function readSecretChatId(context: IExecuteFunctions, itemIndex: number): number {
	const value = parameterOfRun(context, 'secretChatId', itemIndex, '', { extractValue: true });
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

/** What one send to a secret chat works with. */
export interface SecretSendTarget {
	session: TelegramSession;
	account: TelegramAccount;
	randomId: bigint;
	options: CallOptions;
}

/**
 * Sends one item's message to a secret chat once per execution, and outputs it with the chat id,
 * random_id, out_seq_no and layer it went out with. The same random_id on a retry: an unclear
 * first attempt is repeated byte for byte, never sent twice.
 */
export async function sendToSecretChatOnce(
	context: IExecuteFunctions,
	itemIndex: number,
	request: { operation: string; chatId: number; doing: string },
	send: (target: SecretSendTarget) => Promise<{ sent: SecretSendResult; output: IDataObject }>,
): Promise<IDataObject> {
	const { operation, chatId, doing } = request;
	return await sendOnce(
		sendKey(context, itemIndex, operation),
		async () =>
			await withTelegramAccount(context, itemIndex, async (session, account) => {
				const randomId = messageRandomId(context, operation, itemIndex);
				const options = callOptions(context, itemIndex, doing);
				const { sent, output } = await onSecretChat(
					context,
					itemIndex,
					send({ session, account, randomId, options }),
				);
				const { outSeqNo, layer, alreadySent } = sent;
				return { chatId, randomId: randomId.toString(), ...output, outSeqNo, layer, alreadySent };
			}),
		() => false,
	);
}
