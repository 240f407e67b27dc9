import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { fieldError } from '../../../../shared/errors';
import { sendKey, sendOnce } from '../../../../shared/executionMemo';
import { parameterOfRun } from '../../../../shared/parameterOfRun';
import { sendText, withTelegramAccount } from '../../transport';
import {
	chatField,
	formattingOption,
	maxRateLimitWaitOption,
	replyToOption,
	topicOption,
	sendWhenFields,
	silentOption,
	textField,
} from '../properties';
import {
	assertWhenOnlineFits,
	callOptions,
	findChat,
	readChat,
	readFormatting,
	readOptions,
	readReplyTo,
	readTopicId,
	readSendWhen,
} from '../readers';
import { alreadySentOutput, chatOutput, describeSchedule, messageOutput } from '../output';
import { messageRandomId } from '../idempotency';
import { findEarlierCopies } from './earlierCopies';
import { assertTextFits } from './lengths';

const OPERATION = 'message.sendText';
const displayOptions = { show: { resource: ['message'], operation: ['sendText'] } };

const properties: INodeProperties[] = [
	chatField,
	textField,
	...sendWhenFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Disable Link Preview',
				name: 'disableLinkPreview',
				type: 'boolean',
				default: false,
				description: 'Whether to send links without a preview',
			},
			formattingOption,
			maxRateLimitWaitOption,
			replyToOption,
			topicOption,
			silentOption,
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	// Everything is read and checked before the first call, so a bad item sends nothing.
	const reference = readChat(this, itemIndex);
	const text = String(parameterOfRun(this, 'text', itemIndex, '') ?? '');
	if (text.trim() === '')
		throw fieldError(this.getNode(), 'Text', 'is empty', 'Enter the message text.', itemIndex);
	const scheduleDate = readSendWhen(this, itemIndex);
	const options = readOptions(this, itemIndex);
	const replyToMessageId = readReplyTo(this, options, itemIndex);
	const topicId = readTopicId(this, options, itemIndex);
	const formatting = readFormatting(options);
	const zone = this.getTimezone();

	// Within one execution a retried item returns what the first attempt sent, without a call.
	return await sendOnce(
		sendKey(this, itemIndex, OPERATION),
		async () =>
			await withTelegramAccount(this, itemIndex, async (session) => {
				await assertTextFits(this, session, text, formatting, itemIndex);
				const chat = await findChat(this, session, reference, itemIndex);
				assertWhenOnlineFits(this, chat, scheduleDate, itemIndex);
				const result = await sendText(
					session,
					chat,
					{
						text,
						formatting,
						randomId: messageRandomId(this, OPERATION, itemIndex),
						scheduleDate,
						silent: options.silent === true,
						noWebpage: options.disableLinkPreview === true,
						replyToMessageId,
						topicId,
					},
					callOptions(
						this,
						itemIndex,
						scheduleDate === undefined ? 'sending the message' : 'scheduling the message',
					),
				);
				if (result.refusedAsDuplicate) {
					const copies = await findEarlierCopies(
						session,
						chat,
						[text],
						scheduleDate,
						callOptions(this, itemIndex, 'looking for the message sent earlier'),
					);
					return {
						messageId: copies[0]?.id ?? null,
						text,
						...alreadySentOutput(chat, copies, scheduleDate, zone),
					};
				}
				const [sent] = result.sent;
				if (sent.message) return { ...messageOutput(sent.message, zone, chat), alreadySent: false };
				return {
					messageId: sent.id ?? null,
					...chatOutput(chat),
					text,
					...describeSchedule(scheduleDate, zone),
					alreadySent: false,
				};
			}),
		() => false,
	);
}
