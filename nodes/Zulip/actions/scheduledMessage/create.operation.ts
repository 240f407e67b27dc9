import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { parameterOfRun } from '../../../../shared/parameterOfRun';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { zulipRequest } from '../../transport';
import {
	FEATURES,
	channelType,
	directType,
	requireOperation,
	requireOption,
	serverFor,
} from '../features';
import { checkContentLength, checkTopicLength, limitsFor } from '../limits';
import { scheduledMessageOutput } from '../output';
import { contentField, optionsCollection, recipientFields, sendAtField } from '../properties';
import { readContent, readRecipient, readSendAt } from '../readers';

const properties: INodeProperties[] = [
	...recipientFields,
	contentField,
	sendAtField,
	optionsCollection([
		{
			displayName: 'Mark as Read by Sender',
			name: 'readBySender',
			type: 'boolean',
			default: true,
			description:
				'Whether the message starts out read for the sender once it is sent (Zulip 8.0+)',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['scheduledMessage'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	// Everything is checked before the create request, so a bad item creates nothing.
	const content = readContent(this, itemIndex);
	const scheduledDeliveryTimestamp = readSendAt(
		this,
		itemIndex,
		parameterOfRun(this, 'sendAt', itemIndex),
	);
	const options = parameterOfRun(this, 'options', itemIndex, {}) as IDataObject;
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.scheduledMessages, itemIndex);
	if (typeof options.readBySender === 'boolean')
		requireOption(this, server, FEATURES.readBySender, itemIndex);
	const recipient = await readRecipient(this, itemIndex);
	const limits = await limitsFor(this, itemIndex, maxRateLimitWaitSeconds);
	checkContentLength(this, limits, content, itemIndex);
	if (recipient.topic !== undefined) checkTopicLength(this, limits, recipient.topic, itemIndex);
	const body: IDataObject = {
		type: recipient.type === 'direct' ? directType(server) : channelType(server),
		to: recipient.to,
		content,
		scheduled_delivery_timestamp: scheduledDeliveryTimestamp,
	};
	if (recipient.topic !== undefined) body.topic = recipient.topic;
	if (typeof options.readBySender === 'boolean') body.read_by_sender = options.readBySender;

	const reply = await sendOnce(
		sendKey(this, itemIndex, 'scheduledMessage.create'),
		async () =>
			await zulipRequest(this, {
				method: 'POST',
				path: '/scheduled_messages',
				body,
				creates: true,
				itemIndex,
				maxRateLimitWaitSeconds,
			}),
		isUnclearCreate,
	);
	// The same shape Get Many gives (Zulip lists direct messages as type "private").
	const listedType = recipient.type === 'direct' ? 'private' : 'stream';
	const message: IDataObject = {
		scheduled_message_id: reply.scheduled_message_id,
		type: listedType,
		to: recipient.to,
	};
	if (recipient.topic !== undefined) message.topic = recipient.topic;
	Object.assign(message, {
		content,
		scheduled_delivery_timestamp: scheduledDeliveryTimestamp,
		failed: false,
	});
	return scheduledMessageOutput(message, this.getTimezone());
}
