import type { RpcFailure } from './rpcError';

/** What a Telegram error means for the user: what happened, and what to do about it. */
export interface ErrorExplanation {
	message: string;
	fix: string;
	/** The session cannot be used any more: the pooled client is dropped. */
	sessionDead?: boolean;
	/** The request was refused before Telegram acted on it (safe to assume nothing was sent). */
	refused?: boolean;
}

const RELOGIN =
	'Log in again with `npx n8n-nodes-scheduled-messaging telegram-login` and paste the new session string into the credential.';
/** How one session is shared by n8n's processes; said wherever a second connection is the problem. */
export const QUEUE_MODE_SETUP =
	'A session string may be connected from one process at a time (Telegram revokes it when two connections use it at once, from the same or different hosts). In n8n queue mode run every process (main and workers) with EXECUTIONS_MODE=queue and the same queue Redis, so they take turns on the session; give the Telegram Trigger its own credential (a second login of the account), since it keeps its connection open; and use the session string nowhere else.';
const CHECK_CHAT =
	'Give the chat as @username, a t.me link, a phone number starting with +, a numeric ID of a chat this account is in, or "me".';

const CATALOG: Record<string, Omit<ErrorExplanation, 'refused'>> = {
	AUTH_KEY_UNREGISTERED: {
		message: 'the session is not logged in (AUTH_KEY_UNREGISTERED)',
		fix: RELOGIN,
		sessionDead: true,
	},
	AUTH_KEY_INVALID: {
		message: 'the session key is not valid (AUTH_KEY_INVALID)',
		fix: RELOGIN,
		sessionDead: true,
	},
	AUTH_KEY_PERM_EMPTY: {
		message: 'the session has no permanent key (AUTH_KEY_PERM_EMPTY)',
		fix: RELOGIN,
		sessionDead: true,
	},
	AUTH_KEY_DUPLICATED: {
		message:
			'the same session is used from two places at once (AUTH_KEY_DUPLICATED), so Telegram revoked it',
		fix: `${RELOGIN} ${QUEUE_MODE_SETUP}`,
		sessionDead: true,
	},
	SESSION_REVOKED: {
		message: 'the session was ended, e.g. from Settings > Devices (SESSION_REVOKED)',
		fix: RELOGIN,
		sessionDead: true,
	},
	SESSION_EXPIRED: {
		message: 'the session expired (SESSION_EXPIRED)',
		fix: RELOGIN,
		sessionDead: true,
	},
	USER_DEACTIVATED: {
		message: 'the account of this session was deleted or deactivated (USER_DEACTIVATED)',
		fix: 'Use a credential with another Telegram account.',
		sessionDead: true,
	},
	USER_DEACTIVATED_BAN: {
		message: 'the account of this session was banned (USER_DEACTIVATED_BAN)',
		fix: 'Contact Telegram support (recover@telegram.org), or use another account.',
		sessionDead: true,
	},
	API_ID_INVALID: {
		message: 'the API ID and API Hash do not match (API_ID_INVALID)',
		fix: 'Copy both again from https://my.telegram.org > API development tools.',
		sessionDead: true,
	},
	API_ID_PUBLISHED_FLOOD: {
		message: 'this API ID was published somewhere and is blocked (API_ID_PUBLISHED_FLOOD)',
		fix: 'Create your own API ID at https://my.telegram.org.',
		sessionDead: true,
	},

	PEER_ID_INVALID: {
		message: 'this account does not know that chat (PEER_ID_INVALID)',
		fix: CHECK_CHAT,
	},
	CHANNEL_INVALID: {
		message: 'the channel is not valid for this account (CHANNEL_INVALID)',
		fix: CHECK_CHAT,
	},
	CHANNEL_PRIVATE: {
		message: 'the channel is private and this account is not in it (CHANNEL_PRIVATE)',
		fix: 'Join the channel with this account first.',
	},
	CHAT_ID_INVALID: { message: 'the chat ID is not valid (CHAT_ID_INVALID)', fix: CHECK_CHAT },
	USERNAME_NOT_OCCUPIED: {
		message: 'no user or chat has that username (USERNAME_NOT_OCCUPIED)',
		fix: 'Check the spelling of the @username.',
	},
	USERNAME_INVALID: {
		message: 'that is not a valid username (USERNAME_INVALID)',
		fix: 'A username has 5 to 32 letters, digits or underscores.',
	},
	PHONE_NOT_OCCUPIED: {
		message: 'no Telegram user has that phone number (PHONE_NOT_OCCUPIED)',
		fix: 'Check the number (with country code), or use the @username.',
	},
	CHAT_WRITE_FORBIDDEN: {
		message: 'this account may not write in that chat (CHAT_WRITE_FORBIDDEN)',
		fix: 'Ask an admin of the chat for permission to post.',
	},
	CHAT_ADMIN_REQUIRED: {
		message: 'only admins of that chat may do this (CHAT_ADMIN_REQUIRED)',
		fix: 'Use an account that is an admin of the chat.',
	},
	CHAT_SEND_MEDIA_FORBIDDEN: {
		message: 'media may not be sent in that chat (CHAT_SEND_MEDIA_FORBIDDEN)',
		fix: 'Ask an admin of the chat to allow media.',
	},
	USER_BANNED_IN_CHANNEL: {
		message: 'this account is banned from sending in channels and groups (USER_BANNED_IN_CHANNEL)',
		fix: 'Contact Telegram support (@SpamBot).',
	},
	USER_IS_BLOCKED: {
		message: 'that user blocked this account (USER_IS_BLOCKED)',
		fix: 'Nothing can be sent to this user.',
	},
	YOU_BLOCKED_USER: {
		message: 'this account blocked that user (YOU_BLOCKED_USER)',
		fix: 'Unblock the user in Telegram first.',
	},
	PRIVACY_PREMIUM_REQUIRED: {
		message:
			'that user only accepts messages from Telegram Premium accounts (PRIVACY_PREMIUM_REQUIRED)',
		fix: 'Send from a Premium account, or ask the user to change the setting.',
	},

	MESSAGE_ID_INVALID: {
		message: 'there is no such scheduled message in that chat (MESSAGE_ID_INVALID)',
		fix: 'It may have been sent or deleted already. Get Many lists the scheduled messages that remain.',
	},
	MESSAGE_EMPTY: { message: 'the message is empty (MESSAGE_EMPTY)', fix: 'Enter some text.' },
	MESSAGE_TOO_LONG: {
		message: 'the message is longer than Telegram allows (MESSAGE_TOO_LONG)',
		fix: 'Keep a message within 4096 characters, or split it.',
	},
	MEDIA_CAPTION_TOO_LONG: {
		message: 'a caption is longer than Telegram allows (MEDIA_CAPTION_TOO_LONG)',
		fix: 'Keep captions within 1024 characters (4096 with Premium).',
	},
	ENTITY_BOUNDS_INVALID: {
		message: 'the formatting does not fit the text (ENTITY_BOUNDS_INVALID)',
		fix: 'Check the Markdown/HTML, or set Formatting to None.',
	},
	REPLY_MESSAGE_ID_INVALID: {
		message: 'the message to reply to does not exist in that chat (REPLY_MESSAGE_ID_INVALID)',
		fix: "Check 'Reply To Message ID'.",
	},
	REPLY_TO_INVALID: {
		message: 'the message to reply to is not valid (REPLY_TO_INVALID)',
		fix: "Check 'Reply To Message ID'.",
	},

	MULTI_MEDIA_TOO_LONG: {
		message: 'the album has too many items (MULTI_MEDIA_TOO_LONG)',
		fix: 'An album holds 2 to 10 items: split it.',
	},
	MEDIA_INVALID: {
		message: 'a media item was refused (MEDIA_INVALID)',
		fix: 'Check each file: photos and videos may be mixed, documents only with documents.',
	},
	MEDIA_EMPTY: {
		message: 'a media item is empty (MEDIA_EMPTY)',
		fix: 'Check that each binary property holds a file, and each URL gives one.',
	},
	PHOTO_INVALID_DIMENSIONS: {
		message: 'a photo has dimensions Telegram refuses (PHOTO_INVALID_DIMENSIONS)',
		fix: 'Send it as a document, or resize it (width + height at most 10000, ratio at most 20).',
	},
	PHOTO_SAVE_FILE_INVALID: {
		message: 'a photo could not be read (PHOTO_SAVE_FILE_INVALID)',
		fix: 'Check that the file is a JPEG, PNG or WebP image, or send it as a document.',
	},
	IMAGE_PROCESS_FAILED: {
		message: 'an image could not be processed (IMAGE_PROCESS_FAILED)',
		fix: 'Check the image, or send it as a document.',
	},
	WEBPAGE_CURL_FAILED: {
		message: 'a media URL could not be downloaded (WEBPAGE_CURL_FAILED)',
		fix: 'Make sure the URL is public and serves the file directly.',
	},
	WEBPAGE_MEDIA_EMPTY: {
		message: 'a media URL gave nothing Telegram can send (WEBPAGE_MEDIA_EMPTY)',
		fix: 'Check that the URL serves the file itself, not a web page.',
	},
	FILE_PARTS_INVALID: {
		message: 'an upload was incomplete (FILE_PARTS_INVALID)',
		fix: 'Run the item again.',
	},
	FILE_PART_SIZE_INVALID: {
		message: 'an upload part had a wrong size (FILE_PART_SIZE_INVALID)',
		fix: 'Run the item again.',
	},

	SCHEDULE_DATE_TOO_LATE: {
		message: 'the schedule date is too far ahead (SCHEDULE_DATE_TOO_LATE)',
		fix: 'Pick a time within a year from now.',
	},
	SCHEDULE_DATE_INVALID: {
		message: 'the schedule date is not valid (SCHEDULE_DATE_INVALID)',
		fix: 'Pick a time in the future, within a year.',
	},
	SCHEDULE_TOO_MUCH: {
		message:
			'that chat already holds the most scheduled messages Telegram allows (100) (SCHEDULE_TOO_MUCH)',
		fix: 'Send or delete some of its scheduled messages first (Scheduled Message > Get Many lists them).',
	},
	SCHEDULE_STATUS_PRIVATE: {
		message:
			'"when online" needs to see the user\'s online status, which they hide (SCHEDULE_STATUS_PRIVATE)',
		fix: 'Schedule at a time instead.',
	},
	SCHEDULE_BOT_NOT_ALLOWED: {
		message: 'bots cannot schedule messages (SCHEDULE_BOT_NOT_ALLOWED)',
		fix: 'Use the session of a user account, not a bot.',
	},
	BOT_METHOD_INVALID: {
		message: 'this is a bot session, and bots cannot do this (BOT_METHOD_INVALID)',
		fix: 'Use the session of a user account, not a bot.',
	},

	PHONE_NUMBER_INVALID: {
		message: 'the phone number is not valid (PHONE_NUMBER_INVALID)',
		fix: 'Enter it in international format, e.g. +4915123456789.',
	},
	PHONE_NUMBER_BANNED: {
		message: 'this phone number is banned from Telegram (PHONE_NUMBER_BANNED)',
		fix: 'Contact Telegram support (recover@telegram.org).',
	},
	PHONE_NUMBER_FLOOD: {
		message: 'too many login codes were asked for this number (PHONE_NUMBER_FLOOD)',
		fix: 'Wait some hours, then try again.',
	},
	PHONE_NUMBER_UNOCCUPIED: {
		message: 'no Telegram account uses this phone number (PHONE_NUMBER_UNOCCUPIED)',
		fix: 'Sign up in a Telegram app first, then log in here.',
	},
	PHONE_CODE_INVALID: {
		message: 'the login code is wrong (PHONE_CODE_INVALID)',
		fix: 'Type the code Telegram sent again.',
	},
	PHONE_CODE_EMPTY: {
		message: 'no login code was given (PHONE_CODE_EMPTY)',
		fix: 'Type the code Telegram sent.',
	},
	PHONE_CODE_EXPIRED: {
		message: 'the login code expired (PHONE_CODE_EXPIRED)',
		fix: 'Start the login again to get a new code.',
	},
	PASSWORD_HASH_INVALID: {
		message: 'the two-step verification password is wrong (PASSWORD_HASH_INVALID)',
		fix: 'Type the password again (Telegram Settings > Privacy > Two-Step Verification).',
	},
	TOPIC_CLOSED: {
		message: 'the forum topic is closed (TOPIC_CLOSED): only its admins may post there',
		fix: 'Reopen the topic in Telegram, send from an admin account, or choose another Topic ID.',
	},
	TOPIC_DELETED: {
		message: 'the forum topic does not exist (any more) (TOPIC_DELETED)',
		fix: "Check the Topic ID: it is the ID of the message that opened the topic (in the topic's link t.me/c/<chat>/<topic ID>).",
	},
	AUTH_TOKEN_EXPIRED: {
		message: 'the QR code expired before it was scanned (AUTH_TOKEN_EXPIRED)',
		fix: 'Start the QR login again.',
	},
};

/** Names Telegram answers when it did not act on the request at all. */
const REFUSED =
	/^(PEER_ID_INVALID|CHANNEL_|CHAT_|USERNAME_|PHONE_|MESSAGE_|MEDIA_|MULTI_MEDIA|SCHEDULE_|ENTITY_|REPLY_|USER_|YOU_|PRIVACY_|WEBPAGE_|PHOTO_|IMAGE_|FILE_|BOT_|AUTH_|SESSION_|API_ID_|FLOOD_|SLOWMODE_|TOPIC_)/;

export function explainRpcFailure(failure: RpcFailure): ErrorExplanation {
	const known = CATALOG[failure.name];
	const refused = REFUSED.test(failure.name);
	if (known) return { ...known, refused };
	if (failure.code === 401)
		return {
			message: `the session cannot be used (${failure.name})`,
			fix: RELOGIN,
			sessionDead: true,
			refused: true,
		};
	return {
		message: `Telegram answered ${failure.name}${failure.code ? ` (code ${failure.code})` : ''}`,
		fix: 'See https://core.telegram.org/api/errors for what it means; if it says "internal", try again later.',
		refused,
	};
}
