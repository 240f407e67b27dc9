import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { fieldError, settle } from '../../../../shared/errors';
import { downloadFile, type AlbumItem, type AlbumItemKind } from '../../transport';
import { messageRandomId } from '../idempotency';

export const ALBUM_MIN = 2;
export const ALBUM_MAX = 10;

export const albumItemsField: INodeProperties = {
	displayName: 'Media',
	name: 'media',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Photo, Video or Document',
	default: {},
	required: true,
	description: '2 to 10 items. Photos and videos may be mixed; documents only go with documents.',
	options: [
		{
			displayName: 'Item',
			name: 'items',
			values: [
				{
					displayName: 'Caption',
					name: 'caption',
					type: 'string',
					default: '',
					description:
						'Text shown under this item, up to 1024 characters (2048 from a Telegram Premium account)',
				},
				{
					displayName: 'Input Binary Field',
					name: 'binaryProperty',
					type: 'string',
					default: 'data',
					hint: 'The name of the binary field holding the file',
					displayOptions: { show: { source: ['binary'] } },
				},
				{
					displayName: 'Send As',
					name: 'kind',
					type: 'options',
					default: 'auto',
					options: [
						{
							name: 'Automatic',
							value: 'auto',
							description: 'Photo for JPEG/PNG/WebP, video for video files, else document',
						},
						{ name: 'Photo', value: 'photo' },
						{
							name: 'Video',
							value: 'video',
							description: 'From a URL, n8n downloads the file and uploads it as a video',
						},
						{ name: 'Document', value: 'document', description: 'A file, shown with its name' },
					],
				},
				{
					displayName: 'Source',
					name: 'source',
					type: 'options',
					default: 'binary',
					options: [
						{ name: 'Binary Property', value: 'binary', description: 'A file of the input item' },
						{
							name: 'URL',
							value: 'url',
							description:
								'A public address Telegram downloads the file from (a video is downloaded by n8n and uploaded)',
						},
					],
				},
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/photo.jpg',
					displayOptions: { show: { source: ['url'] } },
				},
			],
		},
	],
};

const PHOTO_MIME = /^image\/(jpeg|png|webp)$/i;
const PHOTO_EXTENSION = /\.(jpe?g|png|webp)$/i;
const VIDEO_EXTENSION = /\.(mp4|m4v|mov|webm|mkv)$/i;

function kindOf(chosen: unknown, mimeType: string | undefined, name: string): AlbumItemKind {
	if (chosen === 'photo' || chosen === 'video' || chosen === 'document') return chosen;
	if (mimeType ? PHOTO_MIME.test(mimeType) : PHOTO_EXTENSION.test(name)) return 'photo';
	if (mimeType ? mimeType.toLowerCase().startsWith('video/') : VIDEO_EXTENSION.test(name))
		return 'video';
	return 'document';
}

async function readItem(
	context: IExecuteFunctions,
	itemIndex: number,
	entry: IDataObject,
	part: number,
): Promise<AlbumItem> {
	const node = context.getNode();
	const caption = String(entry.caption ?? '');
	const randomId = messageRandomId(context, 'message.sendAlbum', itemIndex, part);
	if (entry.source === 'url') {
		const url = String(entry.url ?? '').trim();
		if (!/^https?:\/\/[^\s/]+\S*$/i.test(url)) {
			throw fieldError(
				node,
				`Media item ${part + 1} URL`,
				`("${url}") is not an http(s) address`,
				'Give a public URL of the file, e.g. https://example.com/photo.jpg.',
				itemIndex,
			);
		}
		const path = new URL(url).pathname;
		const kind = kindOf(entry.kind, undefined, path);
		// Telegram fetches photos and documents by URL, but has no video by URL (it would arrive
		// as a plain document): a video is fetched here and uploaded as a video.
		if (kind !== 'video') return { kind, source: { type: 'url', url }, caption, randomId };
		const fetched = await settle(downloadFile(context, url, 'video/mp4'));
		if (!fetched.ok)
			throw fieldError(
				node,
				`Media item ${part + 1} URL`,
				`("${url}") could not be downloaded to send as a video: ${fetched.error instanceof Error ? fetched.error.message : String(fetched.error)}`,
				'Check that the address is public and serves the file, or give the video as a binary property.',
				itemIndex,
			);
		return { kind, source: { type: 'bytes', ...fetched.value }, caption, randomId };
	}
	const property = String(entry.binaryProperty ?? 'data').trim() || 'data';
	const binary = context.helpers.assertBinaryData(itemIndex, property);
	const data = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const fileName =
		binary.fileName ?? `file-${part + 1}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	if (data.length === 0)
		throw fieldError(
			node,
			`Media item ${part + 1}`,
			`(binary field "${property}") is empty`,
			'Check the node that made the file.',
			itemIndex,
		);
	return {
		kind: kindOf(entry.kind, binary.mimeType, fileName),
		source: {
			type: 'bytes',
			data,
			fileName,
			mimeType: binary.mimeType || 'application/octet-stream',
		},
		caption,
		randomId,
	};
}

/** Reads and checks the album: 2..10 items, kinds Telegram accepts together, each file present. */
export async function readAlbumItems(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<AlbumItem[]> {
	const node = context.getNode();
	const entries = ((context.getNodeParameter('media', itemIndex, {}) as IDataObject).items ??
		[]) as IDataObject[];
	if (entries.length < ALBUM_MIN || entries.length > ALBUM_MAX) {
		throw fieldError(
			node,
			'Media',
			`has ${entries.length} item${entries.length === 1 ? '' : 's'}, but an album holds ${ALBUM_MIN} to ${ALBUM_MAX}`,
			entries.length < ALBUM_MIN
				? 'Add another item, or send a single file as a message instead.'
				: 'Split the items into several albums.',
			itemIndex,
		);
	}
	const items: AlbumItem[] = [];
	for (const [part, entry] of entries.entries())
		items.push(await readItem(context, itemIndex, entry, part));
	const documents = items.filter((item) => item.kind === 'document').length;
	if (documents > 0 && documents < items.length) {
		throw fieldError(
			node,
			'Media',
			`mixes ${documents} document${documents === 1 ? '' : 's'} with photos or videos, which Telegram refuses in one album`,
			"Photos and videos may share an album; documents only go with documents. Split them, or set every item's Send As to Document.",
			itemIndex,
		);
	}
	return items;
}
