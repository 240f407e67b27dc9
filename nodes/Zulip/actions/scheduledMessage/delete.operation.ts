import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { removeOnce, sendKey } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { isScheduledMessageGone, zulipRequest } from '../../transport';
import { FEATURES, requireOperation, serverFor } from '../features';
import { optionsCollection, scheduledMessageIdField } from '../properties';
import { readScheduledMessageId } from '../readers';

const properties: INodeProperties[] = [scheduledMessageIdField, optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['scheduledMessage'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readScheduledMessageId(this, itemIndex);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.scheduledMessages, itemIndex);
	// Once per execution: under Retry On Fail an item deleted by the first attempt keeps its result,
	// and one whose answer was lost is found gone, instead of failing on Zulip's "does not exist".
	const deleted = { scheduled_message_id: id, deleted: true };
	return await removeOnce(
		sendKey(this, itemIndex, 'scheduledMessage.delete'),
		async () => {
			await zulipRequest(this, {
				method: 'DELETE',
				path: `/scheduled_messages/${id}`,
				itemIndex,
				maxRateLimitWaitSeconds,
			});
			return deleted;
		},
		isScheduledMessageGone,
		() => deleted,
	);
}
