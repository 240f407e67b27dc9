import { settle } from '../../../../shared/errors';
import {
	findScheduledCopies,
	type CallOptions,
	type MessageRecord,
	type ResolvedChat,
	type TelegramSession,
} from '../../transport';
import { WHEN_ONLINE } from '../readers';

/**
 * For a send refused as RANDOM_ID_DUPLICATE: the messages an earlier attempt scheduled, so the
 * output still names their ids (for a Reschedule or Delete after it). A message sent at once
 * cannot be looked up this way; then none are found, and the output says so.
 */
export async function findEarlierCopies(
	session: TelegramSession,
	chat: ResolvedChat,
	texts: string[],
	scheduleDate: number | undefined,
	options: CallOptions,
): Promise<MessageRecord[]> {
	if (scheduleDate === undefined || scheduleDate === WHEN_ONLINE) return [];
	const found = await settle(findScheduledCopies(session, chat, texts, scheduleDate, options));
	return found.ok ? found.value : [];
}
