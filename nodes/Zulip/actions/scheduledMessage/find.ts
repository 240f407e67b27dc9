import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { providerError } from '../../../../shared/errors';
import { zulipRequest } from '../../transport';

/** Zulip has no "get one scheduled message": list them and pick it. */
export async function findScheduledMessage(
	context: IExecuteFunctions,
	scheduledMessageId: number,
	itemIndex: number,
	maxRateLimitWaitSeconds: number,
): Promise<IDataObject> {
	const reply = await zulipRequest(context, {
		method: 'GET',
		path: '/scheduled_messages',
		itemIndex,
		maxRateLimitWaitSeconds,
	});
	const found = ((reply.scheduled_messages ?? []) as IDataObject[]).find(
		(message) => Number(message.scheduled_message_id) === scheduledMessageId,
	);
	if (!found) {
		throw providerError(context.getNode(), {
			provider: 'Zulip',
			message: `there is no scheduled message ${scheduledMessageId} for this user`,
			description:
				'It may have been sent or deleted already. Get Many lists the scheduled messages that remain.',
			httpCode: '404',
			itemIndex,
		});
	}
	return found;
}
