import type { IExecuteFunctions } from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import { readAccount, TELEGRAM_CREDENTIAL, type TelegramAccount } from './account';
import { toNodeError } from './call';
import { withTelegram, type TelegramSession } from './pool';
import { listenForUpdates } from './updates';

export { TELEGRAM_CREDENTIAL } from './account';
export { DEFAULT_MAX_FLOOD_WAIT_SECONDS, rpcFailureOf, toNodeError, type CallOptions } from './call';
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
export { closeAllTelegramClients, withTelegram, type TelegramSession } from './pool';
export { readAccount } from './account';
export type { MessageRecord } from './records';
export type { TelegramAccount } from './account';
export { acceptSecretChat, closeSecretChat, listSecretChats, sendSecretText, startSecretChat, UnknownSecretChatError, type SecretChatEvent, type SecretSendResult } from './secret/secretChats';
export { closeSecretChatStores } from './secret/chatStore';
export type { SecretChatState } from './secret/protocol';
export { subscribeToUpdates, usesSecretChats, type TelegramUpdateEvent, type UpdateSubscriber } from './updates';

/**
 * Runs `use` with the node's Telegram credential connected (a pooled client per account). The
 * client also applies pushed secret-chat updates while it is connected.
 */
export async function withTelegramAccount<T>(context: IExecuteFunctions, itemIndex: number, use: (session: TelegramSession, account: TelegramAccount) => Promise<T>): Promise<T> {
	const node = context.getNode();
	const outcome = await settle(
		(async () => {
			const account = readAccount(await context.getCredentials(TELEGRAM_CREDENTIAL, itemIndex));
			return await withTelegram(account, async (session) => {
				listenForUpdates(session, account, node);
				return await use(session, account);
			});
		})(),
	);
	if (outcome.ok) return outcome.value;
	throw toNodeError(node, outcome.error, { itemIndex, doing: 'talking to Telegram' });
}
