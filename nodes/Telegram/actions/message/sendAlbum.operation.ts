import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { sendKey, sendOnce } from '../../../../shared/executionMemo';
import { sendAlbum, withTelegramAccount } from '../../transport';
import {
	chatField,
	formattingOption,
	maxRateLimitWaitOption,
	replyToOption,
	topicOption,
	sendWhenFields,
	silentOption,
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
import { alreadySentOutput, chatOutput, messageOutput, sendOutcomeOutput } from '../output';
import { findEarlierCopies } from './earlierCopies';
import { albumItemsField, readAlbumItems } from './albumItems';
import { assertCaptionsFit } from './lengths';

const OPERATION = 'message.sendAlbum';
const displayOptions = { show: { resource: ['message'], operation: ['sendAlbum'] } };

const properties: INodeProperties[] = [
	chatField,
	albumItemsField,
	...sendWhenFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Background',
				name: 'background',
				type: 'boolean',
				default: false,
				description: 'Whether to send as a background message',
			},
			{
				displayName: 'Clear Draft',
				name: 'clearDraft',
				type: 'boolean',
				default: false,
				description: "Whether to clear this account's draft in the chat",
			},
			{ ...formattingOption, description: 'How captions are formatted' },
			maxRateLimitWaitOption,
			replyToOption,
			topicOption,
			silentOption,
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	// Files, kinds and counts are checked before the first call, so a bad album sends nothing.
	const reference = readChat(this, itemIndex);
	const items = await readAlbumItems(this, itemIndex);
	const scheduleDate = readSendWhen(this, itemIndex);
	const options = readOptions(this, itemIndex);
	const replyToMessageId = readReplyTo(this, options, itemIndex);
	const topicId = readTopicId(this, options, itemIndex);
	const formatting = readFormatting(options);
	const zone = this.getTimezone();

	return await sendOnce(
		sendKey(this, itemIndex, OPERATION),
		async () =>
			await withTelegramAccount(this, itemIndex, async (session) => {
				// Before the chat lookup and every upload: an album Telegram would refuse costs nothing.
				await assertCaptionsFit(this, session, items, formatting, itemIndex);
				const chat = await findChat(this, session, reference, itemIndex);
				assertWhenOnlineFits(this, chat, scheduleDate, itemIndex);
				const result = await sendAlbum(
					session,
					chat,
					{
						items,
						formatting,
						scheduleDate,
						silent: options.silent === true,
						background: options.background === true,
						clearDraft: options.clearDraft === true,
						replyToMessageId,
						topicId,
					},
					callOptions(
						this,
						itemIndex,
						scheduleDate === undefined ? 'sending the album' : 'scheduling the album',
					),
				);
				if (result.refusedAsDuplicate) {
					const captions = items.map((item) => item.caption);
					const copies = await findEarlierCopies(
						session,
						chat,
						captions,
						scheduleDate,
						callOptions(this, itemIndex, 'looking for the album sent earlier'),
					);
					return {
						...alreadySentOutput(chat, copies, scheduleDate, zone),
						albumId: copies[0]?.groupedId ?? null,
						itemCount: items.length,
					};
				}
				const records = result.sent.flatMap((sent) => (sent.message ? [sent.message] : []));
				const messages = result.sent.map((sent, part) =>
					sent.message
						? messageOutput(sent.message, zone)
						: { messageId: sent.id ?? null, text: items[part].caption },
				);
				return {
					...chatOutput(chat),
					...sendOutcomeOutput(records, scheduleDate, zone),
					albumId: messages.find((message) => message.albumId)?.albumId ?? null,
					messageIds: messages.map((message) => message.messageId as number),
					messages,
					alreadySent: false,
				};
			}),
		() => false,
	);
}
