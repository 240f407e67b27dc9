import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { removeOnce, sendKey } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { isScheduledMessageGone, zulipRequest } from '../../transport';
import { FEATURES, requireOperation, serverFor } from '../features';
import { optionsCollection } from '../properties';
import { readId } from './readers';

const properties: INodeProperties[] = [
	{
		displayName: 'Reminder ID',
		name: 'reminderId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 42',
		description: 'The reminder_id that Create or Get Many returned',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['reminder'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readId(
		this,
		itemIndex,
		'reminderId',
		'Reminder ID',
		'the reminder_id from Create or Get Many',
	);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.deleteReminders, itemIndex);
	// Once per execution, as for scheduled messages: a retry after a lost answer finds it gone.
	const deleted = { reminder_id: id, deleted: true };
	return await removeOnce(
		sendKey(this, itemIndex, 'reminder.delete'),
		async () => {
			await zulipRequest(this, {
				method: 'DELETE',
				path: `/reminders/${id}`,
				itemIndex,
				maxRateLimitWaitSeconds,
			});
			return deleted;
		},
		// Zulip answers an unknown reminder as it does an unknown scheduled message.
		isScheduledMessageGone,
		() => deleted,
	);
}
