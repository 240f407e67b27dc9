import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { fieldError } from '../../../../shared/errors';
import { sendKey, sendOnce } from '../../../../shared/executionMemo';
import { sendSecretFile, withTelegramAccount, type SecretFileToSend } from '../../transport';
import { maxRateLimitWaitOption, silentOption } from '../properties';
import { callOptions, readOptions } from '../readers';
import { messageRandomId } from '../idempotency';
import { imageSizeOf } from './imageSize';
import { secretChatIdField } from './properties';
import { onSecretChat, readSecretChatId } from './readers';

const OPERATION = 'secretChat.sendFile';
const MAX_CAPTION_LENGTH = 1024;
/** Telegram's apps send larger pictures as documents. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const PHOTO_MIME = /^image\/(jpeg|png)$/i;
const displayOptions = { show: { resource: ['secretChat'], operation: ['sendFile'] } };

const properties: INodeProperties[] = [
	secretChatIdField,
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the binary field holding the file',
	},
	{
		displayName: 'Send As',
		name: 'sendAs',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Automatic',
				value: 'auto',
				description: 'Photo for a JPEG or PNG up to 10 MB, else document',
			},
			{ name: 'Photo', value: 'photo', description: 'A JPEG or PNG picture, shown inline' },
			{ name: 'Document', value: 'document', description: 'A file, shown with its name' },
		],
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		description: 'Text shown with the file, up to 1024 characters',
	},
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

function sendAsOf(
	context: IExecuteFunctions,
	itemIndex: number,
	bytes: Buffer,
	mimeType: string,
): SecretFileToSend['as'] {
	const chosen = context.getNodeParameter('sendAs', itemIndex, 'auto') as string;
	if (chosen === 'document') return { type: 'document' };
	const size = PHOTO_MIME.test(mimeType) || chosen === 'photo' ? imageSizeOf(bytes) : undefined;
	if (chosen === 'auto')
		return size && bytes.length <= MAX_PHOTO_BYTES
			? { type: 'photo', ...size }
			: { type: 'document' };
	if (!size)
		throw fieldError(
			context.getNode(),
			'Send As',
			`is Photo, but the file (${mimeType}) is not a JPEG or PNG picture`,
			'Send it as a document, or convert it to JPEG first.',
			itemIndex,
		);
	if (bytes.length > MAX_PHOTO_BYTES)
		throw fieldError(
			context.getNode(),
			'Send As',
			`is Photo, but the picture has ${bytes.length} bytes, over the 10 MB of a photo`,
			'Send it as a document, or make it smaller.',
			itemIndex,
		);
	return { type: 'photo', ...size };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const node = this.getNode();
	const chatId = readSecretChatId(this, itemIndex);
	const property =
		String(this.getNodeParameter('binaryProperty', itemIndex, 'data') ?? '').trim() || 'data';
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	if (bytes.length === 0)
		throw fieldError(
			node,
			'Input Binary Field',
			`("${property}") holds an empty file`,
			'Check the node that made the file.',
			itemIndex,
		);
	const caption = String(this.getNodeParameter('caption', itemIndex, '') ?? '');
	if ([...caption].length > MAX_CAPTION_LENGTH)
		throw fieldError(
			node,
			'Caption',
			`has ${[...caption].length} characters, more than ${MAX_CAPTION_LENGTH}`,
			'Shorten the caption.',
			itemIndex,
		);
	const mimeType = binary.mimeType || 'application/octet-stream';
	const fileName =
		binary.fileName ?? `file${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const as = sendAsOf(this, itemIndex, bytes, mimeType);
	const silent = readOptions(this, itemIndex).silent === true;
	return await sendOnce(
		sendKey(this, itemIndex, OPERATION),
		async () =>
			await withTelegramAccount(this, itemIndex, async (session, account) => {
				// The same random_id on a retry: an unclear first attempt is repeated, never sent twice.
				const randomId = messageRandomId(this, OPERATION, itemIndex);
				const sent = await onSecretChat(
					this,
					itemIndex,
					sendSecretFile(
						session,
						account,
						{ chatId, randomId, silent, caption, bytes, fileName, mimeType, as },
						callOptions(this, itemIndex, 'sending the secret file'),
					),
				);
				return {
					chatId,
					randomId: randomId.toString(),
					sendAs: as.type,
					fileName,
					mimeType: as.type === 'photo' ? 'image/jpeg' : mimeType,
					size: bytes.length,
					caption,
					silent,
					outSeqNo: sent.outSeqNo,
					alreadySent: sent.alreadySent,
				};
			}),
		() => false,
	);
}
