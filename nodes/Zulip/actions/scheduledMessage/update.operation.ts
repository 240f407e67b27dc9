import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { fieldError } from '../../../../shared/errors';
import { readMaxWait } from '../../../../shared/options';
import { zulipRequest } from '../../transport';
import { FEATURES, channelType, directType, requireOperation, serverFor } from '../features';
import { checkContentLength, checkTopicLength, limitsFor } from '../limits';
import { scheduledMessageOutput } from '../output';
import {
	channelLocator,
	optionsCollection,
	scheduledMessageIdField,
	usersField,
} from '../properties';
import {
	readChannelId,
	readContent,
	readScheduledMessageId,
	readSendAt,
	readTopic,
	readUserIds,
} from '../readers';
import { findScheduledMessage } from './find';

const properties: INodeProperties[] = [
	scheduledMessageIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				...channelLocator,
				required: false,
				description:
					'Move the message to this channel (give Topic too when it was a direct message)',
			},
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				description: 'The new message text, in Zulip Markdown',
			},
			{
				displayName: 'Send At',
				name: 'sendAt',
				type: 'dateTime',
				default: '',
				description: "The new send time; without an offset it is read in the workflow's time zone",
			},
			{
				displayName: 'Topic',
				name: 'topic',
				type: 'string',
				default: '',
				description: 'The new topic (channel messages)',
			},
			{
				...usersField,
				required: false,
				description: 'Make it a direct message to these users (IDs or emails in an expression)',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['scheduledMessage'], operation: ['update'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const node = this.getNode();
	const id = readScheduledMessageId(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const given = (name: string) =>
		fields[name] !== undefined &&
		fields[name] !== '' &&
		!(Array.isArray(fields[name]) && fields[name].length === 0);
	const channelGiven =
		given('channel') && String((fields.channel as IDataObject).value ?? '') !== '';
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);

	if (channelGiven && given('users')) {
		throw fieldError(
			node,
			'Channel',
			'and Users are both set',
			'A message goes to a channel or to users: keep one of the two.',
			itemIndex,
		);
	}
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.updateScheduledMessage, itemIndex);
	const body: IDataObject = {};
	if (given('content')) body.content = readContent(this, itemIndex, 'updateFields.content');
	if (given('sendAt'))
		body.scheduled_delivery_timestamp = readSendAt(this, itemIndex, fields.sendAt);
	if (given('topic')) body.topic = readTopic(this, itemIndex, fields.topic);
	if (body.content !== undefined || body.topic !== undefined) {
		const limits = await limitsFor(this, itemIndex, maxRateLimitWaitSeconds);
		if (body.content !== undefined)
			checkContentLength(this, limits, String(body.content), itemIndex);
		if (body.topic !== undefined) checkTopicLength(this, limits, String(body.topic), itemIndex);
	}
	if (given('users'))
		Object.assign(body, {
			type: directType(server),
			to: await readUserIds(this, itemIndex, fields.users),
		});
	if (channelGiven) {
		Object.assign(body, {
			type: channelType(server),
			to: readChannelId(this, itemIndex, fields.channel),
		});
		if (body.topic === undefined) {
			// Zulip wants the topic whenever the type is sent: keep the current one if there is one.
			const current = await findScheduledMessage(this, id, itemIndex, maxRateLimitWaitSeconds);
			if (current.type !== 'stream' || !current.topic) {
				throw fieldError(
					node,
					'Topic',
					'is needed to move a direct message to a channel',
					'Add Topic to Update Fields.',
					itemIndex,
				);
			}
			body.topic = current.topic;
		}
	}
	if (Object.keys(body).length === 0) {
		throw fieldError(
			node,
			'Update Fields',
			'is empty',
			'Add at least one field to change: Channel, Content, Send At, Topic or Users.',
			itemIndex,
		);
	}
	await zulipRequest(this, {
		method: 'PATCH',
		path: `/scheduled_messages/${id}`,
		body,
		itemIndex,
		maxRateLimitWaitSeconds,
	});
	const updated = await findScheduledMessage(this, id, itemIndex, maxRateLimitWaitSeconds);
	return scheduledMessageOutput(updated, this.getTimezone());
}
