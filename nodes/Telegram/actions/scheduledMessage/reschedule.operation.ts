import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { reschedule, withTelegramAccount } from '../../transport';
import { chatField, floodWaitOnlyOptions, sendAtField } from '../properties';
import { callOptions, findChat, readChat, readScheduleTime } from '../readers';
import { chatOutput, describeSchedule, messageOutput } from '../output';
import { messageIdField, readMessageId } from './messageIds';

const displayOptions = { show: { resource: ['scheduledMessage'], operation: ['reschedule'] } };

const properties: INodeProperties[] = [
	chatField,
	messageIdField,
	{ ...sendAtField, displayName: 'New Send Time', name: 'newSendAt' },
	floodWaitOnlyOptions,
];

export const description = updateDisplayOptions(displayOptions, properties);

/** Moves one scheduled message (and the rest of its album, which Telegram moves with it). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const reference = readChat(this, itemIndex);
	const messageId = readMessageId(this, itemIndex);
	const scheduleDate = readScheduleTime(this, itemIndex, 'newSendAt', 'New Send Time');
	const zone = this.getTimezone();
	return await withTelegramAccount(this, itemIndex, async (session) => {
		const chat = await findChat(this, session, reference, itemIndex);
		const moved = await reschedule(
			session,
			chat,
			messageId,
			scheduleDate,
			callOptions(this, itemIndex, `rescheduling message ${messageId}`),
		);
		const messages =
			moved === 'unchanged' ? [] : moved.map((message) => messageOutput(message, zone));
		return {
			...chatOutput(chat),
			messageId,
			...describeSchedule(scheduleDate, zone),
			rescheduled: true,
			alreadyAtThatTime: moved === 'unchanged',
			messages,
		};
	});
}
