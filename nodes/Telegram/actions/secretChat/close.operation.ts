import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { closeSecretChat, withTelegramAccount } from '../../transport';
import { floodWaitOnlyOptions } from '../properties';
import { callOptions } from '../readers';
import { secretChatIdField } from './properties';
import { onSecretChat, readSecretChatId } from './readers';
import { secretChatOutput } from './output';

const displayOptions = { show: { resource: ['secretChat'], operation: ['close'] } };

const properties: INodeProperties[] = [
	secretChatIdField,
	{
		displayName: 'Delete History',
		name: 'deleteHistory',
		type: 'boolean',
		default: false,
		description: "Whether to ask the other side's apps to delete the chat's messages too",
	},
	floodWaitOnlyOptions,
];

export const description = updateDisplayOptions(displayOptions, properties);

/** Discards the chat on Telegram and forgets its keys; closing a closed chat changes nothing. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chatId = readSecretChatId(this, itemIndex);
	const deleteHistory = this.getNodeParameter('deleteHistory', itemIndex, false) as boolean;
	return await withTelegramAccount(this, itemIndex, async (session, account) => {
		const closed = await onSecretChat(
			this,
			itemIndex,
			closeSecretChat(
				session,
				account,
				chatId,
				deleteHistory,
				callOptions(this, itemIndex, 'closing the secret chat'),
			),
		);
		return secretChatOutput(closed, this.getTimezone());
	});
}
