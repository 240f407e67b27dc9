import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { fieldError } from '../../../../shared/errors';
import { parameterOfRun } from '../../../../shared/parameterOfRun';
import { sendSecretText } from '../../transport';
import { formattingOption, maxRateLimitWaitOption, silentOption, textField } from '../properties';
import { readFormatting, readOptions } from '../readers';
import { secretChatIdField } from './properties';
import { readSecretChatId, sendToSecretChatOnce } from './readers';
import { MAX_SELF_DESTRUCT_SECONDS, readSelfDestructSeconds } from './timer';

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
		options: [
			{
				...formattingOption,
				description:
					"Formatting the other side's app reads is kept: underline, strikethrough and quotes from layer 101, spoilers and custom emoji from layer 144 (older apps get the plain text)",
			},
			maxRateLimitWaitOption,
			{
				displayName: 'Self-Destruct After (Seconds)',
				name: 'ttlSeconds',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_SELF_DESTRUCT_SECONDS },
				default: 0,
				description:
					"Seconds this message lives once read (0: never). Not set: the chat's self-destruct timer.",
			},
			silentOption,
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chatId = readSecretChatId(this, itemIndex);
	const text = String(parameterOfRun(this, 'text', itemIndex, '') ?? '');
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
	const options = readOptions(this, itemIndex);
	const silent = options.silent === true;
	const formatting = readFormatting(options);
	const ttlSeconds =
		options.ttlSeconds === undefined
			? undefined
			: readSelfDestructSeconds(
					this.getNode(),
					'Self-Destruct After (Seconds)',
					options.ttlSeconds,
					itemIndex,
				);
	return await sendToSecretChatOnce(
		this,
		itemIndex,
		{ operation: OPERATION, chatId, doing: 'sending the secret message' },
		async ({ session, account, randomId, options: call }) => {
			const sent = await sendSecretText(
				session,
				account,
				{ chatId, text, randomId, silent, formatting, ttlSeconds },
				call,
			);
			return { sent, output: { text, silent, ttlSeconds: sent.ttlSeconds } };
		},
	);
}
