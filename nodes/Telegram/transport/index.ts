// The Telegram transport's front door. n8n requires every node file at start, and the transport
// behind it is ~50 modules plus `telegram`: those load on the first call that needs them (./api),
// so loading the pack stays cheap. Same exports as ./api, which holds the real code.
import type * as Api from './api';

export { DEFAULT_MAX_FLOOD_WAIT_SECONDS, TELEGRAM_CREDENTIAL } from './constants';
export type {
	AlbumItem,
	AlbumItemKind,
	CallOptions,
	ChatReference,
	CredentialContext,
	DialogRecord,
	EditedMessageRecord,
	FileContents,
	Formatting,
	LengthLimits,
	MessageChangeEvent,
	MessageFile,
	MessageRecord,
	ResolvedChat,
	SecretChatEvent,
	SecretChatState,
	SecretEntity,
	SecretFileToSend,
	SecretMedia,
	SecretSendResult,
	SendResult,
	TelegramAccount,
	TelegramSession,
	TelegramUpdateEvent,
	UpdateSubscriber,
} from './api';

let api: typeof Api | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): typeof Api => (api ??= require('./api') as typeof Api);

/** A function of ./api that loads it on its first call. */
function lazy<K extends keyof typeof Api>(name: K): (typeof Api)[K] {
	return ((...args: unknown[]) =>
		(load()[name] as (...args: unknown[]) => unknown)(...args)) as unknown as (typeof Api)[K];
}

/**
 * A class of ./api for `instanceof` only (only the transport makes them): nothing can be one while
 * ./api is not loaded, so the check does not load it.
 */
function lazyClass<K extends keyof typeof Api>(name: K): (typeof Api)[K] {
	return {
		[Symbol.hasInstance]: (value: unknown) =>
			api !== undefined && value instanceof (api[name] as new (...args: never[]) => unknown),
	} as unknown as (typeof Api)[K];
}

/** A close-all that has nothing to close while ./api is not loaded. */
function closer<K extends 'closeAllTelegramClients' | 'closeSecretChatStores'>(name: K) {
	return async (): Promise<void> => await api?.[name]();
}

export const ChatReferenceError = lazyClass('ChatReferenceError');
export const DownloadError = lazyClass('DownloadError');
export const UnknownChatError = lazyClass('UnknownChatError');
export const UnknownSecretChatError = lazyClass('UnknownSecretChatError');
export const TelegramOutage = lazyClass('TelegramOutage');
export type ChatReferenceError = Api.ChatReferenceError;
export type DownloadError = Api.DownloadError;
export type UnknownChatError = Api.UnknownChatError;
export type UnknownSecretChatError = Api.UnknownSecretChatError;
export type TelegramOutage = Api.TelegramOutage;

export const closeAllTelegramClients = closer('closeAllTelegramClients');
export const closeSecretChatStores = closer('closeSecretChatStores');

export const acceptSecretChat = lazy('acceptSecretChat');
export const checkIdentity = lazy('checkIdentity');
export const closeSecretChat = lazy('closeSecretChat');
export const deleteScheduled = lazy('deleteScheduled');
export const describeIdentity = lazy('describeIdentity');
export const downloadFile = lazy('downloadFile');
export const findScheduledCopies = lazy('findScheduledCopies');
export const lengthLimits = lazy('lengthLimits');
export const listDialogs = lazy('listDialogs');
export const listScheduled = lazy('listScheduled');
export const listSecretChats = lazy('listSecretChats');
export const parseChatReference = lazy('parseChatReference');
export const readTelegramAccount = lazy('readTelegramAccount');
export const reschedule = lazy('reschedule');
export const resolveChat = lazy('resolveChat');
export const rpcFailureOf = lazy('rpcFailureOf');
export const sendAlbum = lazy('sendAlbum');
export const sendScheduledNow = lazy('sendScheduledNow');
export const sendSecretFile = lazy('sendSecretFile');
export const sendSecretText = lazy('sendSecretText');
export const sendText = lazy('sendText');
export const sentLength = lazy('sentLength');
export const setSecretChatTimer = lazy('setSecretChatTimer');
export const startSecretChat = lazy('startSecretChat');
export const subscribeToUpdates = lazy('subscribeToUpdates');
export const toNodeError = lazy('toNodeError');
export const usesSecretChats = lazy('usesSecretChats');
export const withTelegramAccount = lazy('withTelegramAccount');
