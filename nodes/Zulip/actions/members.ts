import type { IExecuteFunctions } from 'n8n-workflow';
import { oncePerRun } from '../../../shared/oncePerRun';
import { readMaxWait } from '../../../shared/options';
import { zulipRequest } from '../transport';

async function fetchMembers(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<Map<string, number>> {
	const reply = await zulipRequest(context, {
		method: 'GET',
		path: '/users',
		itemIndex,
		maxRateLimitWaitSeconds: readMaxWait(context, itemIndex),
	});
	const members = (reply.members ?? []) as Array<{
		user_id: number;
		email: string;
		delivery_email?: string;
	}>;
	const idByEmail = new Map<string, number>();
	for (const member of members) {
		idByEmail.set(member.email.toLowerCase(), member.user_id);
		if (member.delivery_email) idByEmail.set(member.delivery_email.toLowerCase(), member.user_id);
	}
	return idByEmail;
}

/**
 * Zulip user IDs by lower-case email (and delivery email), read once per node run: GET /users
 * returns the whole organization, so a read per item multiplied a large read. A failed read is
 * not kept: the next item asks again.
 */
export const memberIdsByEmail: (
	context: IExecuteFunctions,
	itemIndex: number,
) => Promise<Map<string, number>> = oncePerRun(fetchMembers, { retryFailures: true });
