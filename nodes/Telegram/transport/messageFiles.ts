import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Api } from 'telegram';
import { settle } from '../../../shared/errors';
import { call, rpcFailureOf, toNodeError } from './call';
import type { TelegramSession } from './pool';

/**
 * Downloads a message's photo or document with upload.getFile, as Telegram's file guide says:
 * parts of 512 KB (a multiple of 4 KB that divides 1 MB, so no part crosses a 1 MB boundary),
 * until a short part. A file_reference that expired (FILE_REFERENCE_EXPIRED) is refreshed by
 * fetching the message again (messages.getMessages, or channels.getMessages for channels), once.
 */

export const PART_BYTES = 512 * 1024;

export interface FileContents {
	bytes: Buffer;
	fileName: string;
	mimeType: string;
}

/** A message's file, known before downloading: its size says whether it is under the cap. */
export interface MessageFile {
	size: number;
	fileName: string;
	mimeType: string;
	download(): Promise<FileContents>;
}

export interface FileSource {
	location: Api.TypeInputFileLocation;
	size: number;
	fileName: string;
	mimeType: string;
	dcId: number;
}

function largestPhotoSize(photo: Api.Photo): { type: string; size: number } | undefined {
	let best: { type: string; size: number } | undefined;
	for (const size of photo.sizes) {
		let bytes: number | undefined;
		if (size.className === 'PhotoSize') bytes = size.size;
		else if (size.className === 'PhotoSizeProgressive') bytes = Math.max(...size.sizes);
		if (bytes !== undefined && (!best || bytes > best.size))
			best = { type: size.type, size: bytes };
	}
	return best;
}

function sourceOf(gram: TelegramSession['gram'], message: Api.Message): FileSource | undefined {
	const { Api } = gram;
	const media = message.media;
	if (media instanceof Api.MessageMediaPhoto && media.photo instanceof Api.Photo) {
		const photo = media.photo;
		const size = largestPhotoSize(photo);
		if (!size) return undefined;
		return {
			location: new Api.InputPhotoFileLocation({
				id: photo.id,
				accessHash: photo.accessHash,
				fileReference: photo.fileReference,
				thumbSize: size.type,
			}),
			size: size.size,
			fileName: `photo_${message.id}.jpg`,
			mimeType: 'image/jpeg',
			dcId: photo.dcId,
		};
	}
	if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) {
		const document = media.document;
		const named = document.attributes.find(
			(attribute): attribute is Api.DocumentAttributeFilename =>
				attribute instanceof Api.DocumentAttributeFilename,
		);
		return {
			location: new Api.InputDocumentFileLocation({
				id: document.id,
				accessHash: document.accessHash,
				fileReference: document.fileReference,
				thumbSize: '',
			}),
			size: Number(document.size.toString()),
			fileName: named?.fileName ?? `file_${message.id}`,
			mimeType: document.mimeType || 'application/octet-stream',
			dcId: document.dcId,
		};
	}
	return undefined;
}

/** The message again, as Telegram has it now (with a fresh file_reference). */
async function refetch(
	session: TelegramSession,
	message: Api.Message,
	node: INode,
): Promise<Api.Message | undefined> {
	const { Api } = session.gram;
	const doing = 'fetching the message again for a fresh file reference';
	const id = [new Api.InputMessageID({ id: message.id })];
	let answer: Api.messages.TypeMessages;
	if (message.peerId instanceof Api.PeerChannel) {
		// gramjs keeps the access hashes of the channels its updates mentioned.
		const peer = await session.client.getInputEntity(message.peerId);
		if (!(peer instanceof Api.InputPeerChannel)) return undefined;
		const channel = new Api.InputChannel({
			channelId: peer.channelId,
			accessHash: peer.accessHash,
		});
		answer = await call(session, new Api.channels.GetMessages({ channel, id }), { node, doing });
	} else answer = await call(session, new Api.messages.GetMessages({ id }), { node, doing });
	if (answer instanceof Api.messages.MessagesNotModified) return undefined;
	const found = answer.messages.find((m) => m.id === message.id);
	return found instanceof Api.Message ? found : undefined;
}

/** upload.getFile in parts until a short one (or the size is reached): the raw bytes, as stored. */
export async function downloadParts(
	session: TelegramSession,
	source: FileSource,
	node: INode,
	dcId: number | undefined,
): Promise<Buffer> {
	const { Api } = session.gram;
	const parts: Buffer[] = [];
	let received = 0;
	for (let offset = 0; ; offset += PART_BYTES) {
		const part = await call(
			session,
			new Api.upload.GetFile({
				location: source.location,
				offset: session.gram.returnBigInt(offset),
				limit: PART_BYTES,
			}),
			{ node, doing: `downloading ${source.fileName}`, dcId },
		);
		if (!(part instanceof Api.upload.File))
			throw new NodeOperationError(
				node,
				`Telegram sent ${source.fileName} through a CDN, which the pack does not download`,
			);
		parts.push(Buffer.from(part.bytes));
		received += part.bytes.length;
		if (part.bytes.length < PART_BYTES || received >= source.size) break;
	}
	return Buffer.concat(parts);
}

/** The file of a message with a photo or document, or undefined (no media, a web page, a poll...). */
export function messageFileOf(
	session: TelegramSession,
	message: Api.Message,
	node: INode,
): MessageFile | undefined {
	const source = sourceOf(session.gram, message);
	if (!source) return undefined;
	return {
		size: source.size,
		fileName: source.fileName,
		mimeType: source.mimeType,
		download: async () => {
			const doing = `downloading ${source.fileName}`;
			const ownDc = session.client.session.dcId;
			let current = source;
			// A file stored on another DC is asked there (gramjs logs in there with an exported authorization).
			let dcId = current.dcId && current.dcId !== ownDc ? current.dcId : undefined;
			let refreshed = false;
			for (let attempt = 0; attempt < 3; attempt++) {
				const outcome = await settle(downloadParts(session, current, node, dcId));
				if (outcome.ok)
					return { bytes: outcome.value, fileName: current.fileName, mimeType: current.mimeType };
				const failure = rpcFailureOf(outcome.error);
				const name = failure?.name ?? '';
				if (
					name.startsWith('FILE_MIGRATE_') &&
					failure?.dcId !== undefined &&
					failure.dcId !== dcId
				) {
					dcId = failure.dcId;
					continue;
				}
				if (refreshed || !name.startsWith('FILE_REFERENCE_'))
					throw toNodeError(node, outcome.error, { doing }, session);
				refreshed = true;
				const again = await refetch(session, message, node);
				const fresh = again && sourceOf(session.gram, again);
				if (!fresh) throw toNodeError(node, outcome.error, { doing }, session);
				current = fresh;
			}
			throw new NodeOperationError(node, `${doing} failed: Telegram kept moving the file`);
		},
	};
}
