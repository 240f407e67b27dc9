import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { fieldError } from '../../../../shared/errors';
import { sendKey, sendOnce } from '../../../../shared/executionMemo';
import { startSecretChat, withTelegramAccount } from '../../transport';
import { chatField, floodWaitOnlyOptions } from '../properties';
import { callOptions, findChat, readChat } from '../readers';
import { secretChatOutput } from './output';

const OPERATION = 'secretChat.start';
const displayOptions = { show: { resource: ['secretChat'], operation: ['start'] } };

const properties: INodeProperties[] = [
	{
		...chatField,
		displayName: 'User',
		description: 'Who to start the secret chat with: @username, t.me link, phone or user ID',
	},
	floodWaitOnlyOptions,
];

export const description = updateDisplayOptions(displayOptions, properties);

/** Asks the user for an end-to-end encrypted chat; it is usable once they accept. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const reference = readChat(this, itemIndex);
	// One request per item and execution: a retried item does not ask the user twice.
	return await sendOnce(
		sendKey(this, itemIndex, OPERATION),
		async () =>
			await withTelegramAccount(this, itemIndex, async (session, account) => {
				const user = await findChat(this, session, reference, itemIndex);
				if (user.type !== 'user' || user.inputPeer.className === 'InputPeerSelf') {
					throw fieldError(
						this.getNode(),
						'User',
						`${user.title} is not another user`,
						'Secret chats are one-to-one: name a user, not a group, channel or yourself.',
						itemIndex,
					);
				}
				const state = await startSecretChat(
					session,
					account,
					user,
					callOptions(this, itemIndex, 'starting the secret chat'),
				);
				return { ...secretChatOutput(state, this.getTimezone()), user: user.title };
			}),
		() => false,
	);
}
