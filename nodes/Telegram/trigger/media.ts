import type { IBinaryData, IDataObject, INodeProperties } from 'n8n-workflow';
import type { MessageFile } from '../transport';

/** Download Media: a message's photo or document as the item's binary data, up to a size. */

export const MEDIA_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Download Media',
		name: 'downloadMedia',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the photo or document of each new message into the item\'s binary data ("data"; album parts "data_0", "data_1", ...); secret chat files are decrypted',
		displayOptions: { show: { events: ['message', 'secretMessage'] } },
	},
	{
		displayName: 'Max File Size (MB)',
		name: 'maxMediaSizeMb',
		type: 'number',
		default: 20,
		typeOptions: { minValue: 0.001, numberPrecision: 3 },
		description:
			'Larger files are not downloaded: the item comes without them, and "mediaNotDownloaded" says why',
		displayOptions: { show: { events: ['message', 'secretMessage'], downloadMedia: [true] } },
	},
];

export interface MediaOptions {
	download: boolean;
	maxMb: number;
}

export type PrepareBinary = (
	bytes: Buffer,
	fileName: string,
	mimeType: string,
) => Promise<IBinaryData>;

const MB = 1024 * 1024;

/**
 * Downloads `file` (when asked and under the cap) into `binary[key]`; otherwise `json` gets
 * `mediaNotDownloaded` saying why. A failed download does not lose the message: it says so too.
 */
export async function attachFile(
	json: IDataObject,
	binary: Record<string, IBinaryData>,
	key: string,
	file: MessageFile | undefined,
	options: MediaOptions,
	prepare: PrepareBinary,
): Promise<void> {
	if (!options.download || !file) return;
	if (file.size > options.maxMb * MB) {
		json.mediaNotDownloaded = `The file is ${(file.size / MB).toFixed(1)} MB, over Max File Size (${options.maxMb} MB): raise it to download files this large.`;
		return;
	}
	try {
		const downloaded = await file.download();
		binary[key] = await prepare(downloaded.bytes, downloaded.fileName, downloaded.mimeType);
		json.binaryProperty = key;
	} catch (error) {
		json.mediaNotDownloaded = `Downloading it failed: ${(error as Error)?.message ?? String(error)}`;
	}
}
