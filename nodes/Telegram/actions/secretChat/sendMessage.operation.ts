import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';
import { sendKey, sendOnce } from '../../../../shared/executionMemo';
import { sendSecretText, withTelegramAccount } from '../../transport';
import { maxRateLimitWaitOption, silentOption, textField } from '../properties';
import { callOptions, readOptions } from '../readers';
import { messageRandomId } from '../idempotency';
import { secretChatIdField } from './properties';
import { onSecretChat, readSecretChatId } from './readers';

const OPERATION = 'secretChat.sendMessage';
/** What Telegram's apps accept in one secret message. */
const MAX_TEXT_LENGTH = 4096;
const displayOptions = { show: { resource: ['secretChat'], operation: ['sendMessage'] } };

const properties: INodeProperties[] = [
	secretChatIdField,
	{ ...textField, description: 'The message, end-to-end encrypted, up to 4096 characters' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [maxRateLimitWaitOption, silentOption],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chatId = readSecretChatId(this, itemIndex);
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	if (text.trim() === '')
		throw fieldError(this.getNode(), 'Text', 'is empty', 'Enter the message text.', itemIndex);
	if ([...text].length > MAX_TEXT_LENGTH)
		throw fieldError(
			this.getNode(),
			'Text',
			`has ${[...text].length} characters, more than ${MAX_TEXT_LENGTH}`,
			'Shorten the text or split it over several items.',
			itemIndex,
		);
	const silent = readOptions(this, itemIndex).silent === true;
	return await sendOnce(
		sendKey(this, itemIndex, OPERATION),
		async () =>
			await withTelegramAccount(this, itemIndex, async (session, account) => {
				// The same random_id on a retry: an unclear first attempt is repeated byte for byte, never sent twice.
				const randomId = messageRandomId(this, OPERATION, itemIndex);
				const sent = await onSecretChat(
					this,
					itemIndex,
					sendSecretText(
						session,
						account,
						{ chatId, text, randomId, silent },
						callOptions(this, itemIndex, 'sending the secret message'),
					),
				);
				const { outSeqNo, alreadySent } = sent;
				return { chatId, randomId: randomId.toString(), text, silent, outSeqNo, alreadySent };
			}),
		() => false,
	);
}
