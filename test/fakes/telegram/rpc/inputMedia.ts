import path from 'node:path';
import { Api } from 'telegram';
import { sha256Hex } from '../mediaStore';
import type { FakeMedia } from '../state';
import { badRequest, fromLong } from '../wire';
import type { RpcContext } from './context';

/** InputMedia as a client sends it (uploaded, by reference, by URL) -> the fake's media record. */

export function resolveInputMedia(ctx: RpcContext, input: unknown): FakeMedia {
	const store = ctx.services.media;
	if (input instanceof Api.InputMediaUploadedPhoto) {
		const bytes = store.fileBytes(input.file);
		return store.store(
			{
				kind: 'photo',
				fileName: fileNameOf(input.file),
				mimeType: 'image/jpeg',
				size: bytes.length,
				sha256: sha256Hex(bytes),
			},
			ctx.now(),
			bytes,
		);
	}
	if (input instanceof Api.InputMediaUploadedDocument) {
		const bytes = store.fileBytes(input.file);
		const nameAttribute = input.attributes.find(
			(a): a is Api.DocumentAttributeFilename => a instanceof Api.DocumentAttributeFilename,
		);
		const isVideo =
			!input.forceFile && input.attributes.some((a) => a instanceof Api.DocumentAttributeVideo);
		return store.store(
			{
				kind: isVideo ? 'video' : 'document',
				fileName: nameAttribute?.fileName ?? fileNameOf(input.file),
				mimeType: input.mimeType,
				size: bytes.length,
				sha256: sha256Hex(bytes),
			},
			ctx.now(),
			bytes,
		);
	}
	if (input instanceof Api.InputMediaPhoto && input.id instanceof Api.InputPhoto) {
		const media = store.find(fromLong(input.id.id), fromLong(input.id.accessHash), ['photo']);
		if (!media) throw badRequest('MEDIA_INVALID');
		return media;
	}
	if (input instanceof Api.InputMediaDocument && input.id instanceof Api.InputDocument) {
		const media = store.find(fromLong(input.id.id), fromLong(input.id.accessHash), [
			'video',
			'document',
		]);
		if (!media) throw badRequest('MEDIA_INVALID');
		return media;
	}
	if (
		input instanceof Api.InputMediaPhotoExternal ||
		input instanceof Api.InputMediaDocumentExternal
	) {
		// Telegram downloads the URL; the fake only records it.
		if (!/^https?:\/\/[^\s/]+/.test(input.url)) throw badRequest('WEBPAGE_CURL_FAILED');
		const kind = input instanceof Api.InputMediaPhotoExternal ? 'photo' : 'document';
		const fileName = path.posix.basename(new URL(input.url).pathname) || undefined;
		return store.store(
			{ kind, fileName, size: 0, sha256: sha256Hex(Buffer.alloc(0)), url: input.url },
			ctx.now(),
		);
	}
	throw badRequest('MEDIA_INVALID');
}

function fileNameOf(file: Api.TypeInputFile): string | undefined {
	return 'name' in file && file.name ? file.name : undefined;
}
