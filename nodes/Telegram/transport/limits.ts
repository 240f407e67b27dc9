import type { Api, TelegramClient } from 'telegram';
import { settle } from '../../../shared/errors';
import { call, type CallOptions } from './call';
import { formatText, type Formatting } from './formatting';
import type { TelegramSession } from './pool';

/** How long a text or caption may be for this account, as Telegram's config says. */
export interface LengthLimits {
	/** A text message (help.getConfig `message_length_max`). */
	text: number;
	/** A caption sent by this account: the Premium limit when the account has Premium. */
	caption: number;
	/** The caption limits of accounts without and with Premium (help.getAppConfig). */
	captionDefault: number;
	captionPremium: number;
	premium: boolean;
}

/**
 * Read once per connection: the client object is the connection (a reconnect after a DC
 * migration is a new client, which reads them again). A failed read is forgotten.
 */
const limitsByClient = new WeakMap<TelegramClient, Promise<LengthLimits>>();

function appConfigNumber(config: Api.TypeJSONValue | undefined, key: string): number | undefined {
	if (config?.className !== 'JsonObject') return undefined;
	const value = config.value.find((entry) => entry.key === key)?.value;
	return value?.className === 'JsonNumber' && value.value > 0 ? value.value : undefined;
}

async function readLimits(session: TelegramSession, options: CallOptions): Promise<LengthLimits> {
	const { Api } = session.gram;
	const doing = "reading this account's length limits";
	const config = await call(session, new Api.help.GetConfig(), { ...options, doing });
	// Newer clients read the caption limits, Premium's too, from the app config; a server that has
	// none (or refuses the call) leaves the one of help.getConfig for everyone.
	const app = await settle(call(session, new Api.help.GetAppConfig({ hash: 0 }), options));
	const appConfig =
		app.ok && app.value.className === 'help.AppConfig' ? app.value.config : undefined;
	const [self] = await call(session, new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }), {
		...options,
		doing,
	});
	const premium = self?.className === 'User' && self.premium === true;
	const captionDefault =
		appConfigNumber(appConfig, 'caption_length_limit_default') ?? config.captionLengthMax;
	const captionPremium =
		appConfigNumber(appConfig, 'caption_length_limit_premium') ?? captionDefault;
	return {
		text: config.messageLengthMax,
		caption: premium ? captionPremium : captionDefault,
		captionDefault,
		captionPremium,
		premium,
	};
}

/** This account's length limits, read from Telegram on the connection's first use. */
export async function lengthLimits(
	session: TelegramSession,
	options: CallOptions,
): Promise<LengthLimits> {
	const client = session.client;
	let limits = limitsByClient.get(client);
	if (!limits) {
		limits = readLimits(session, options);
		limitsByClient.set(client, limits);
		limits.catch(() => limitsByClient.delete(client));
	}
	return await limits;
}

/**
 * A text's length as Telegram counts it: UTF-16 code units (JavaScript's length) of the text that
 * is sent, i.e. with Markdown/HTML markup already turned into entities.
 */
export function sentLength(session: TelegramSession, text: string, formatting: Formatting): number {
	return formatText(session.gram, text, formatting).text.length;
}
