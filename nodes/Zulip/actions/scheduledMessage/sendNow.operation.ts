import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { providerError } from '../../../../shared/errors';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { isScheduledMessageGone, zulipRequest } from '../../transport';
import { FEATURES, requireOperation, serverFor } from '../features';
import { optionsCollection, scheduledMessageIdField } from '../properties';
import { readScheduledMessageId } from '../readers';
import { findScheduledMessage } from './find';

const properties: INodeProperties[] = [
	{
		displayName:
			'Zulip has no "send now" for scheduled messages: this sends the same content as a new message, then deletes the scheduled one. If the send fails, the scheduled message is kept.',
		name: 'sendNowNotice',
		type: 'notice',
		default: '',
	},
	scheduledMessageIdField,
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['scheduledMessage'], operation: ['sendNow'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readScheduledMessageId(this, itemIndex);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.scheduledMessages, itemIndex);
	const key = sendKey(this, itemIndex, 'scheduledMessage.sendNow');

	// A retry of this node in the same execution finds the earlier send and only finishes the delete.
	const sent = await sendOnce(
		key,
		async () => {
			const scheduled = await findScheduledMessage(this, id, itemIndex, maxRateLimitWaitSeconds);
			const body: IDataObject = {
				type: scheduled.type,
				to: scheduled.to,
				content: scheduled.content,
			};
			if (scheduled.type === 'stream') body.topic = scheduled.topic;
			const reply = await zulipRequest(this, {
				method: 'POST',
				path: '/messages',
				body,
				creates: true,
				itemIndex,
				maxRateLimitWaitSeconds,
			});
			return {
				message_id: reply.id,
				type: scheduled.type,
				to: scheduled.to,
				topic: scheduled.topic,
				content: scheduled.content,
			};
		},
		isUnclearCreate,
	);

	try {
		await zulipRequest(this, {
			method: 'DELETE',
			path: `/scheduled_messages/${id}`,
			itemIndex,
			maxRateLimitWaitSeconds,
		});
	} catch (error) {
		// Gone already: a retry after the delete, say.
		if (!isScheduledMessageGone(error)) {
			throw providerError(this.getNode(), {
				provider: 'Zulip',
				message: `message ${String(sent.message_id)} was sent, but scheduled message ${id} could not be deleted: ${(error as Error).message}`,
				description: `Delete scheduled message ${id} now (Delete operation or the Zulip app), or Zulip will send it again at its scheduled time.`,
				itemIndex,
			});
		}
	}
	return { scheduled_message_id: id, ...sent, sent: true };
}
