import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';
import { INT32_MAX } from '../../../../shared/ids';
import { readBoundedNumber } from '../../../../shared/options';
import type { SecretFileToSend } from '../../transport';
import { imageSizeOf } from './imageSize';
import { mp4InfoOf } from './mp4Info';
import { oggOpusSeconds } from './oggOpus';

/** Telegram's apps send larger pictures as documents. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const PHOTO_MIME = /^image\/(jpeg|png)$/i;
/** Telegram's apps make thumbnails of at most 90 px a side. */
const MAX_THUMBNAIL_SIDE = 90;
/** Such a thumbnail is a few KB; it travels inside the encrypted message, which has to stay small. */
const MAX_THUMBNAIL_BYTES = 32 * 1024;

type SendAs = SecretFileToSend['as'];
const PLAYS = ['video', 'audio', 'voice'];

/** Send As and the fields of what each kind of file carries (duration, size, title...). */
export const sendAsProperties: INodeProperties[] = [
	{
		displayName: 'Send As',
		name: 'sendAs',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Audio',
				value: 'audio',
				description: 'A track for the music player, with its title and performer',
			},
			{
				name: 'Automatic',
				value: 'auto',
				description: 'Photo for a JPEG or PNG up to 10 MB, else document',
			},
			{ name: 'Document', value: 'document', description: 'A file, shown with its name' },
			{ name: 'Photo', value: 'photo', description: 'A JPEG or PNG picture, shown inline' },
			{
				name: 'Video',
				value: 'video',
				description: 'An MP4 video, played inline, with its duration and size',
			},
			{
				name: 'Voice Message',
				value: 'voice',
				description: 'An OGG (Opus) recording, played as a voice message',
			},
		],
	},
	{
		displayName: 'Duration (Seconds)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: INT32_MAX },
		default: 0,
		displayOptions: { show: { sendAs: PLAYS } },
		description:
			'How long it plays, shown before it is downloaded (0: read from an MP4 video or an Ogg Opus voice message)',
	},
	...(['Width', 'Height'] as const).map(
		(name): INodeProperties => ({
			displayName: name,
			name: name.toLowerCase(),
			type: 'number',
			typeOptions: { minValue: 0, maxValue: INT32_MAX },
			default: 0,
			displayOptions: { show: { sendAs: ['video'] } },
			description: `The video's ${name.toLowerCase()} in pixels, the player's frame before it is downloaded (0: read from the MP4)`,
		}),
	),
	...(['Title', 'Performer'] as const).map(
		(name): INodeProperties => ({
			displayName: name,
			name: name.toLowerCase(),
			type: 'string',
			default: '',
			displayOptions: { show: { sendAs: ['audio'] } },
			description: `The track's ${name.toLowerCase()}, shown by the music player`,
		}),
	),
];

export const thumbnailOption: INodeProperties = {
	displayName: 'Thumbnail Binary Field',
	name: 'thumbnailBinaryProperty',
	type: 'string',
	default: '',
	description:
		"Binary field holding a JPEG of at most 90×90 pixels, shown until the file is downloaded (Telegram's apps make one; this node does not resize pictures)",
};

function whole(context: IExecuteFunctions, itemIndex: number, name: string, field: string) {
	const value = context.getNodeParameter(name, itemIndex, 0);
	return readBoundedNumber(context, itemIndex, value, {
		field,
		min: 0,
		max: INT32_MAX,
		whole: true,
	});
}

function text(context: IExecuteFunctions, itemIndex: number, name: string): string | undefined {
	return String(context.getNodeParameter(name, itemIndex, '') ?? '').trim() || undefined;
}

function photoOf(
	context: IExecuteFunctions,
	itemIndex: number,
	bytes: Buffer,
	mimeType: string,
): SendAs {
	const size = imageSizeOf(bytes);
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

/** What the file goes as, with what that kind carries. */
export function readSendAs(
	context: IExecuteFunctions,
	itemIndex: number,
	bytes: Buffer,
	mimeType: string,
): SendAs {
	const chosen = context.getNodeParameter('sendAs', itemIndex, 'auto') as string;
	const duration = () => whole(context, itemIndex, 'duration', 'Duration (Seconds)');
	switch (chosen) {
		case 'photo':
			return photoOf(context, itemIndex, bytes, mimeType);
		case 'video': {
			// A field left at 0 is what the MP4 says (Telegram's apps read it from the file too).
			const found = mp4InfoOf(bytes);
			return {
				type: 'video',
				duration: duration() || (found?.duration ?? 0),
				width: whole(context, itemIndex, 'width', 'Width') || (found?.width ?? 0),
				height: whole(context, itemIndex, 'height', 'Height') || (found?.height ?? 0),
			};
		}
		case 'audio': {
			const [title, performer] = [
				text(context, itemIndex, 'title'),
				text(context, itemIndex, 'performer'),
			];
			return {
				type: 'audio',
				duration: duration(),
				...(title && { title }),
				...(performer && { performer }),
			};
		}
		case 'voice':
			// Left at 0: what the Ogg Opus recording says, as Telegram's apps record voice messages.
			return { type: 'voice', duration: duration() || (oggOpusSeconds(bytes) ?? 0) };
		case 'auto': {
			const size = PHOTO_MIME.test(mimeType) ? imageSizeOf(bytes) : undefined;
			return size && bytes.length <= MAX_PHOTO_BYTES
				? { type: 'photo', ...size }
				: { type: 'document' };
		}
		default:
			return { type: 'document' };
	}
}

/** The Thumbnail Binary Field's JPEG, checked to be one Telegram's apps show; undefined when not set. */
export async function readThumbnail(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string | undefined,
): Promise<SecretFileToSend['thumbnail']> {
	if (!property) return undefined;
	const field = 'Thumbnail Binary Field';
	context.helpers.assertBinaryData(itemIndex, property);
	const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const isJpeg = bytes.length > 2 && bytes[0] === 0xff && bytes[1] === 0xd8;
	const size = isJpeg ? imageSizeOf(bytes) : undefined;
	const fail = (problem: string, fix: string) =>
		fieldError(context.getNode(), field, `("${property}") ${problem}`, fix, itemIndex);
	if (!size)
		throw fail('is not a JPEG picture', 'Give a JPEG thumbnail, or leave the field empty.');
	if (size.width > MAX_THUMBNAIL_SIDE || size.height > MAX_THUMBNAIL_SIDE)
		throw fail(
			`is ${size.width}×${size.height} pixels, larger than 90×90`,
			'Resize it (e.g. with the Edit Image node) to at most 90 pixels a side.',
		);
	if (bytes.length > MAX_THUMBNAIL_BYTES)
		throw fail(
			`has ${bytes.length} bytes, more than the 32 KB a thumbnail may have`,
			'Save it with a lower JPEG quality.',
		);
	return { bytes, ...size };
}
