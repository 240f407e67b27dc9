import type { IExecuteFunctions } from 'n8n-workflow';
import { readMaxWait } from '../../../shared/options';
import { zulipRequest } from '../transport';

// One member list per node run: `this` of execute() is the same object for all its items, and
// GET /users returns the whole organization, so fetching it per item multiplied a large read.
const membersByRun = new WeakMap<IExecuteFunctions, Promise<Map<string, number>>>();

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
 * Zulip user IDs by lower-case email (and delivery email), read once per node run. A failed read
 * is not kept: the next item asks again.
 */
export async function memberIdsByEmail(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<Map<string, number>> {
	let members = membersByRun.get(context);
	if (!members) {
		members = fetchMembers(context, itemIndex);
		membersByRun.set(context, members);
		members.catch(() => {
			if (membersByRun.get(context) === members) membersByRun.delete(context);
		});
	}
	return await members;
}
