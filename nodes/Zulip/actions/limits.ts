import type { IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from '../../../shared/errors';
import { zulipLimits, type ZulipLimits } from '../transport/serverFacts';

/**
 * Zulip cuts content and topics over the realm's limits without saying so (content ends in
 * "[message truncated]", a topic in "..."): these checks refuse them before any request instead.
 */

/** Length as Zulip measures it: Unicode code points (an emoji is 1, not 2 UTF-16 units). */
export function codePoints(text: string): number {
	return Array.from(text).length;
}

/** The realm's limits, read once per server and credential (see transport/serverFacts). */
export async function limitsFor(
	context: IExecuteFunctions,
	itemIndex: number,
	maxRateLimitWaitSeconds: number,
): Promise<ZulipLimits> {
	return await zulipLimits(context, { itemIndex, maxRateLimitWaitSeconds });
}

function refuseOverLong(
	context: IExecuteFunctions,
	field: string,
	measured: string,
	limit: number,
	fix: string,
	itemIndex: number,
): void {
	const length = codePoints(measured);
	if (length <= limit) return;
	throw fieldError(
		context.getNode(),
		field,
		`is ${length} characters long (Unicode code points, as Zulip counts them), over this organization's limit of ${limit}`,
		`${fix} Zulip would cut it to ${limit} without an error.`,
		itemIndex,
	);
}

/** Content as Zulip measures it: after dropping trailing whitespace and leading blank lines. */
export function checkContentLength(
	context: IExecuteFunctions,
	limits: ZulipLimits,
	content: string,
	itemIndex: number,
	field = 'Content',
): void {
	const measured = content.trimEnd().replace(/^\n+/, '');
	const fix = 'Shorten it, or split it into several messages.';
	refuseOverLong(context, field, measured, limits.maxMessageLength, fix, itemIndex);
}

export function checkTopicLength(
	context: IExecuteFunctions,
	limits: ZulipLimits,
	topic: string,
	itemIndex: number,
): void {
	refuseOverLong(
		context,
		'Topic',
		topic.trim(),
		limits.maxTopicLength,
		'Shorten the topic.',
		itemIndex,
	);
}
