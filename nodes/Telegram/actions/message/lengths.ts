import type { IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';
import {
	lengthLimits,
	sentLength,
	type AlbumItem,
	type Formatting,
	type LengthLimits,
	type TelegramSession,
} from '../../transport';
import { callOptions } from '../readers';

/*
 * Telegram refuses an over-long text (MESSAGE_TOO_LONG) or caption (MEDIA_CAPTION_TOO_LONG) only
 * once it arrives, after an album's files were uploaded. These checks run first, against the
 * limits Telegram's config gives this account, counted as Telegram counts (UTF-16 code units of
 * the text without its Markdown/HTML markup).
 */

const HOW_COUNTED = 'as Telegram counts: UTF-16 code units, without Markdown/HTML markup';

async function limitsFor(
	context: IExecuteFunctions,
	session: TelegramSession,
	itemIndex: number,
): Promise<LengthLimits> {
	return await lengthLimits(session, callOptions(context, itemIndex, 'reading length limits'));
}

/** Refuses a message text longer than this account may send, before anything is sent. */
export async function assertTextFits(
	context: IExecuteFunctions,
	session: TelegramSession,
	text: string,
	formatting: Formatting,
	itemIndex: number,
): Promise<void> {
	const limits = await limitsFor(context, session, itemIndex);
	const length = sentLength(session, text, formatting);
	if (length <= limits.text) return;
	throw fieldError(
		context.getNode(),
		'Text',
		`is ${length} characters long (${HOW_COUNTED}), more than the ${limits.text} Telegram allows in one message`,
		`Shorten it to ${limits.text} characters or fewer, or split it over several messages (items).`,
		itemIndex,
	);
}

function describeMedia(item: AlbumItem): string {
	const source = item.source.type === 'url' ? item.source.url : item.source.fileName;
	return `the ${item.kind} ${source}`;
}

function captionFix(limits: LengthLimits): string {
	const shorten = `Shorten it to ${limits.caption} characters or fewer`;
	if (limits.premium || limits.captionPremium <= limits.caption)
		return `${shorten}, or send the rest as a text message.`;
	return `${shorten}, or send from a Telegram Premium account, whose captions may have up to ${limits.captionPremium}.`;
}

/**
 * Refuses an album whose caption (each item carries its own, shown under that item) is longer
 * than this account may send, before any file is uploaded.
 */
export async function assertCaptionsFit(
	context: IExecuteFunctions,
	session: TelegramSession,
	items: AlbumItem[],
	formatting: Formatting,
	itemIndex: number,
): Promise<void> {
	const limits = await limitsFor(context, session, itemIndex);
	for (const [part, item] of items.entries()) {
		const length = sentLength(session, item.caption, formatting);
		if (length <= limits.caption) continue;
		const account = limits.premium ? 'this Premium account' : 'this account (without Premium)';
		throw fieldError(
			context.getNode(),
			`Caption of item ${part + 1} of the album`,
			`(under ${describeMedia(item)}) is ${length} characters long (${HOW_COUNTED}), more than the ${limits.caption} Telegram allows ${account} in a caption`,
			captionFix(limits),
			itemIndex,
		);
	}
}
