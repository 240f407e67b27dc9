import type * as Telegram from 'telegram';
import type * as TelegramEvents from 'telegram/events';
import type * as TelegramExtensions from 'telegram/extensions';
import type * as TelegramHelpers from 'telegram/Helpers';
import type * as TelegramHtml from 'telegram/extensions/html';
import type * as TelegramLogger from 'telegram/extensions/Logger';
import type * as TelegramMarkdown from 'telegram/extensions/markdown';
import type * as TelegramNetwork from 'telegram/network';
import type * as TelegramPassword from 'telegram/Password';
import type * as TelegramSessions from 'telegram/sessions';

/** The parts of gramjs this pack uses; everything else in the pack sees only these names. */
export interface Gramjs {
	Api: typeof Telegram.Api;
	TelegramClient: typeof Telegram.TelegramClient;
	StringSession: typeof TelegramSessions.StringSession;
	Logger: typeof TelegramLogger.Logger;
	silentLogLevel: TelegramLogger.LogLevel;
	ConnectionTCPFull: typeof TelegramNetwork.ConnectionTCPFull;
	PromisedNetSockets: typeof TelegramExtensions.PromisedNetSockets;
	utils: typeof Telegram.utils;
	returnBigInt: typeof TelegramHelpers.returnBigInt;
	readBigIntFromBuffer: typeof TelegramHelpers.readBigIntFromBuffer;
	computePasswordCheck: typeof TelegramPassword.computeCheck;
	HTMLParser: typeof TelegramHtml.HTMLParser;
	MarkdownParser: typeof TelegramMarkdown.MarkdownParser;
	/** Event filter that passes every update as Telegram sent it (the trigger and secret chats). */
	Raw: typeof TelegramEvents.Raw;
}

let loading: Promise<Gramjs> | undefined;

/** Loads gramjs on first use: it is large, and n8n loads every node's module at start-up. */
export async function loadGramjs(): Promise<Gramjs> {
	loading ??= (async () => {
		const [main, sessions, network, extensions, logger, helpers, password, html, markdown, events] =
			await Promise.all([
				import('telegram'),
				import('telegram/sessions'),
				import('telegram/network'),
				import('telegram/extensions'),
				import('telegram/extensions/Logger'),
				import('telegram/Helpers'),
				import('telegram/Password'),
				import('telegram/extensions/html'),
				import('telegram/extensions/markdown'),
				import('telegram/events'),
			]);
		return {
			Api: main.Api,
			TelegramClient: main.TelegramClient,
			StringSession: sessions.StringSession,
			Logger: logger.Logger,
			silentLogLevel: logger.LogLevel.NONE,
			ConnectionTCPFull: network.ConnectionTCPFull,
			PromisedNetSockets: extensions.PromisedNetSockets,
			utils: main.utils,
			returnBigInt: helpers.returnBigInt,
			readBigIntFromBuffer: helpers.readBigIntFromBuffer,
			computePasswordCheck: password.computeCheck,
			HTMLParser: html.HTMLParser,
			MarkdownParser: markdown.MarkdownParser,
			Raw: events.Raw,
		};
	})();
	return await loading;
}
