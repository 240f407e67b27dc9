import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { fieldError } from '../../../../shared/errors';
import { sendSecretFile } from '../../transport';
import { maxRateLimitWaitOption, silentOption } from '../properties';
import { readOptions } from '../readers';
import { readSendAs, readThumbnail, sendAsProperties, thumbnailOption } from './fileMedia';
import { secretChatIdField } from './properties';
import { readSecretChatId, sendToSecretChatOnce } from './readers';

const OPERATION = 'secretChat.sendFile';
const MAX_CAPTION_LENGTH = 1024;
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
	...sendAsProperties,
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
		options: [maxRateLimitWaitOption, silentOption, thumbnailOption],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

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
	const as = readSendAs(this, itemIndex, bytes, mimeType);
	const options = readOptions(this, itemIndex);
	const silent = options.silent === true;
	const thumbnail = await readThumbnail(
		this,
		itemIndex,
		String(options.thumbnailBinaryProperty ?? '').trim() || undefined,
	);
	const { type: sendAs, ...details } = as;
	return await sendToSecretChatOnce(
		this,
		itemIndex,
		{ operation: OPERATION, chatId, doing: 'sending the secret file' },
		async ({ session, account, randomId, options: call }) => ({
			sent: await sendSecretFile(
				session,
				account,
				{ chatId, randomId, silent, caption, bytes, fileName, mimeType, as, thumbnail },
				call,
			),
			output: {
				sendAs,
				...details,
				thumbnail: thumbnail !== undefined,
				fileName,
				mimeType: sendAs === 'photo' ? 'image/jpeg' : mimeType,
				size: bytes.length,
				caption,
				silent,
			},
		}),
	);
}
