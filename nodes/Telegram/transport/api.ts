import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { oncePerRun } from '../../../shared/oncePerRun';
import { readAccount, TELEGRAM_CREDENTIAL, type TelegramAccount } from './account';
import { toNodeError } from './call';
import { withTelegram, type TelegramSession } from './pool';
import { listenForUpdates } from './updates';

export { TELEGRAM_CREDENTIAL } from './constants';
export {
	DEFAULT_MAX_FLOOD_WAIT_SECONDS,
	rpcFailureOf,
	toNodeError,
	type CallOptions,
} from './call';
export { ChatReferenceError, parseChatReference, type ChatReference } from './chatReference';
export type { Formatting } from './formatting';
export { DownloadError, downloadFile } from './download';
export { checkIdentity, describeIdentity } from './identity';
export { lengthLimits, sentLength, type LengthLimits } from './limits';
export {
	deleteScheduled,
	findScheduledCopies,
	listScheduled,
	reschedule,
	sendAlbum,
	sendScheduledNow,
	sendText,
	type AlbumItem,
	type AlbumItemKind,
	type SendResult,
} from './messages';
export type { FileContents, MessageFile } from './messageFiles';
export { listDialogs, type DialogRecord } from './dialogs';
export type { EditedMessageRecord, MessageChangeEvent } from './messageChanges';
export { resolveChat, UnknownChatError, type ResolvedChat } from './peers';
export { closeAllTelegramClients, type TelegramSession } from './pool';
export type { MessageRecord } from './records';
export type { TelegramAccount } from './account';
export {
	acceptSecretChat,
	closeSecretChat,
	listSecretChats,
	sendSecretText,
	setSecretChatTimer,
	startSecretChat,
	UnknownSecretChatError,
	type SecretChatEvent,
	type SecretSendResult,
} from './secret/secretChats';
export { closeSecretChatStores } from './secret/chatStore';
export type { SecretEntity } from './secret/entities';
export { sendSecretFile, type SecretFileToSend } from './secret/sendFile';
export type { SecretChatState } from './secret/protocol';
export type { SecretMedia } from './secret/media';
export {
	subscribeToUpdates,
	TelegramOutage,
	usesSecretChats,
	type TelegramUpdateEvent,
	type UpdateSubscriber,
} from './updates';

/** What reading the credential needs of n8n's context: node executions, list searches, triggers. */
export interface CredentialContext {
	getNode(): INode;
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

/** The credential as an account; a value that cannot work becomes a node error saying how to fix it. */
export async function readTelegramAccount(
	context: CredentialContext,
	itemIndex?: number,
): Promise<TelegramAccount> {
	const outcome = await settle(
		(async () => readAccount(await context.getCredentials(TELEGRAM_CREDENTIAL, itemIndex)))(),
	);
	if (outcome.ok) return outcome.value;
	throw toNodeError(context.getNode(), outcome.error, {
		itemIndex,
		doing: 'reading the credential',
	});
}

// An execution's items share one credential: reading it (n8n decrypts it on every call) and
// checking it for every item cost more than the send. So a node run reads it once, on its first
// item; an item whose read failed is read again, so each such item names its own error.
const readAccountOfRun = oncePerRun(
	(context: CredentialContext, itemIndex: number) => readTelegramAccount(context, itemIndex),
	{ retryFailures: true },
);

/**
 * Runs `use` with the node's Telegram credential connected (a pooled client per account). The
 * client also applies pushed secret-chat updates while it is connected.
 */
export async function withTelegramAccount<T>(
	context: CredentialContext,
	itemIndex: number | undefined,
	use: (session: TelegramSession, account: TelegramAccount) => Promise<T>,
	doing = 'talking to Telegram',
): Promise<T> {
	// getNode() deep-copies the node on every call; the node does not change during a run.
	const node = nodeOfRun(context);
	// Without an item (list searches, triggers) the context may outlive a credential change.
	const account = await (itemIndex === undefined
		? readTelegramAccount(context, itemIndex)
		: readAccountOfRun(context, itemIndex));
	const outcome = await settle(
		withTelegram(account, async (session) => {
			listenForUpdates(session, account, node);
			return await use(session, account);
		}),
	);
	if (outcome.ok) return outcome.value;
	throw toNodeError(node, outcome.error, { itemIndex, doing });
}
