import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { acceptSecretChat, withTelegramAccount } from '../../transport';
import { floodWaitOnlyOptions } from '../properties';
import { callOptions } from '../readers';
import { secretChatIdField } from './properties';
import { onSecretChat, readSecretChatId } from './readers';
import { secretChatOutput } from './output';

const displayOptions = { show: { resource: ['secretChat'], operation: ['accept'] } };

const properties: INodeProperties[] = [secretChatIdField, floodWaitOnlyOptions];

export const description = updateDisplayOptions(displayOptions, properties);

/** Accepts a request someone sent us (the trigger's "Secret Chat Request", or Get Many's "requested"). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chatId = readSecretChatId(this, itemIndex);
	return await withTelegramAccount(this, itemIndex, async (session, account) => {
		const accepted = await onSecretChat(
			this,
			itemIndex,
			acceptSecretChat(
				session,
				account,
				chatId,
				callOptions(this, itemIndex, 'accepting the secret chat'),
			),
		);
		return secretChatOutput(accepted, this.getTimezone());
	});
}
