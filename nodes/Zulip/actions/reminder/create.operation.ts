import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { readSendTime, toUnixSeconds } from '../../../../shared/time';
import { zulipRequest } from '../../transport';
import { FEATURES, requireOperation, requireOption, serverFor } from '../features';
import { scheduledMessageOutput } from '../output';
import { optionsCollection } from '../properties';
import { readId } from './readers';

const properties: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1234',
		description:
			'The message to be reminded of (the message_id Message > Send returns, or any message this user can see)',
	},
	{
		displayName: 'Remind At',
		name: 'remindAt',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			"When Notification Bot sends the reminder. A time without an offset is read in the workflow's time zone; Unix seconds and {{ $now.plus({ hours: 1 }) }} work too.",
	},
	optionsCollection([
		{
			displayName: 'Note',
			name: 'note',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'A note shown in the reminder (Zulip 11.0, feature level 415+)',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['reminder'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const messageId = readId(
		this,
		itemIndex,
		'messageId',
		'Message ID',
		'the message_id of a message this user can see',
	);
	const remindAt = this.getNodeParameter('remindAt', itemIndex);
	// Zulip takes any time after now, as for scheduled messages.
	const timestamp = toUnixSeconds(
		readSendTime(this, itemIndex, remindAt, { min: { seconds: 1 } }, 'Remind At'),
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const note = typeof options.note === 'string' && options.note.trim() !== '' ? options.note : '';
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.reminders, itemIndex);
	// An older server would drop the note without a word.
	if (note) requireOption(this, server, FEATURES.reminderNote, itemIndex);
	const body: IDataObject = { message_id: messageId, scheduled_delivery_timestamp: timestamp };
	if (note) body.note = note;

	const reply = await sendOnce(
		sendKey(this, itemIndex, 'reminder.create'),
		async () =>
			await zulipRequest(this, {
				method: 'POST',
				path: '/reminders',
				body,
				creates: true,
				itemIndex,
				maxRateLimitWaitSeconds,
			}),
		isUnclearCreate,
	);
	const reminder: IDataObject = {
		reminder_id: reply.reminder_id,
		reminder_target_message_id: messageId,
		scheduled_delivery_timestamp: timestamp,
	};
	if (note) reminder.note = note;
	return scheduledMessageOutput(reminder, this.getTimezone());
}
