import type { IExecuteFunctions } from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import { readAccount, TELEGRAM_CREDENTIAL } from './account';
import { toNodeError } from './call';
import { withTelegram, type TelegramSession } from './pool';

export { TELEGRAM_CREDENTIAL } from './account';
export { DEFAULT_MAX_FLOOD_WAIT_SECONDS, rpcFailureOf, type CallOptions } from './call';
export { ChatReferenceError, parseChatReference, type ChatReference } from './chatReference';
export type { Formatting } from './formatting';
export { checkIdentity, describeIdentity } from './identity';
export {
	deleteScheduled,
	listScheduled,
	reschedule,
	sendAlbum,
	sendScheduledNow,
	sendText,
	type AlbumItem,
	type AlbumItemKind,
	type SendResult,
} from './messages';
export { resolveChat, UnknownChatError, type ResolvedChat } from './peers';
export { closeAllTelegramClients, type TelegramSession } from './pool';
export type { MessageRecord } from './records';

/** Runs `use` with the node's Telegram credential connected (a pooled client per account). */
export async function withTelegramAccount<T>(context: IExecuteFunctions, itemIndex: number, use: (session: TelegramSession) => Promise<T>): Promise<T> {
	const node = context.getNode();
	const outcome = await settle(
		(async () => {
			const account = readAccount(await context.getCredentials(TELEGRAM_CREDENTIAL, itemIndex));
			return await withTelegram(account, use);
		})(),
	);
	if (outcome.ok) return outcome.value;
	throw toNodeError(node, outcome.error, { itemIndex, doing: 'talking to Telegram' });
}
