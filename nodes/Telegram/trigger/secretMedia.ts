import type { IDataObject } from 'n8n-workflow';
import type { SecretMedia } from '../transport';

/** A secret file's description in the trigger's item; its key and iv never leave the transport. */
export function secretMediaOutput(media: SecretMedia, text: string): IDataObject {
	const output: IDataObject = { type: media.type };
	if (media.fileName !== undefined) output.fileName = media.fileName;
	output.mimeType = media.mimeType;
	output.size = media.size;
	if (media.width !== undefined) output.width = media.width;
	if (media.height !== undefined) output.height = media.height;
	if (media.duration !== undefined) output.duration = media.duration;
	if (media.title) output.title = media.title;
	if (media.performer) output.performer = media.performer;
	// Older clients put the caption in the media, newer ones in the message text.
	output.caption = media.caption || text;
	return output;
}
