import { Api } from 'telegram';
import type { SecretChatRelay } from '../secretChats';
import type { FakeMedia } from '../state';
import { entitiesFor } from '../tlViews';
import { badRequest, fromLong, RpcFailure } from '../wire';
import type { RpcContext } from './context';
import { findChannel } from './peerResolution';
import { on, type RpcRoute } from './route';

/**
 * Downloads as Telegram serves them (upload.getFile): without `precise`, offset and limit are
 * multiples of 4 KB, 1 MB is a multiple of limit, and a part never crosses a 1 MB boundary; with
 * it, limit is a multiple of 1 KB up to 1 MB, same boundary. A short part is the end of the file.
 * The file_reference must be the one messages carry now (FILE_REFERENCE_EXPIRED after
 * expireFileReferences(), until the message is fetched again with messages.getMessages /
 * channels.getMessages).
 */

const KB = 1024;
const MB = 1024 * 1024;

export function checkFilePart(offset: number, limit: number, precise: boolean): void {
	if (offset < 0 || (!precise && offset % (4 * KB) !== 0)) throw badRequest('OFFSET_INVALID');
	if (limit <= 0 || limit > MB) throw badRequest('LIMIT_INVALID');
	if (precise ? limit % KB !== 0 : limit % (4 * KB) !== 0 || MB % limit !== 0)
		throw badRequest('LIMIT_INVALID');
	if (Math.floor(offset / MB) !== Math.floor((offset + limit - 1) / MB))
		throw badRequest('LIMIT_INVALID');
}

function mediaAt(ctx: RpcContext, location: unknown): FakeMedia {
	const photo = location instanceof Api.InputPhotoFileLocation;
	if (!photo && !(location instanceof Api.InputDocumentFileLocation))
		throw badRequest('LOCATION_INVALID');
	const media = ctx.services.media.find(
		fromLong(location.id),
		fromLong(location.accessHash),
		photo ? ['photo'] : ['video', 'document'],
	);
	if (!media) throw badRequest('FILE_ID_INVALID');
	// The fake's photos have one size, 'y'; a document's file itself is asked with an empty thumb_size.
	if (photo ? location.thumbSize !== 'y' : location.thumbSize !== '')
		throw badRequest('LOCATION_INVALID');
	if (!ctx.services.media.fileReferenceOf(media).equals(location.fileReference))
		throw badRequest('FILE_REFERENCE_EXPIRED');
	// A file is served by the DC it is stored on; the client's next key (DH) is for that DC.
	const fileDc = ctx.services.media.identityOf(media).dcId ?? ctx.world.dcId;
	if (fileDc !== ctx.auth.dcId) throw new RpcFailure(303, `FILE_MIGRATE_${fileDc}`, fileDc);
	return media;
}

function messagesAnswer(ctx: RpcContext, messages: Api.TypeMessage[], peerKeys: string[]) {
	const viewerId = ctx.user().id;
	return new Api.messages.Messages({
		messages,
		...entitiesFor(ctx.world, viewerId, peerKeys),
	}).getBytes();
}

function idsOf(inputs: Api.TypeInputMessage[]): number[] {
	return inputs.map((input) => {
		if (!(input instanceof Api.InputMessageID)) throw badRequest('MESSAGE_ID_INVALID');
		return input.id;
	});
}

export function downloadRoutes(secretChats: SecretChatRelay): RpcRoute[] {
	return [
		on(Api.upload.GetFile, (ctx, request) => {
			const user = ctx.user();
			const offset = Number(request.offset.toString());
			checkFilePart(offset, request.limit, !!request.precise);
			const location = request.location;
			if (location instanceof Api.InputEncryptedFileLocation) {
				// A secret chat's file: served as uploaded (still encrypted), from the DC it is on.
				const file = secretChats.encryptedFileAt(
					user,
					fromLong(location.id),
					fromLong(location.accessHash),
				);
				if (file.dcId !== ctx.auth.dcId)
					throw new RpcFailure(303, `FILE_MIGRATE_${file.dcId}`, file.dcId);
				return new Api.upload.File({
					type: new Api.storage.FileUnknown(),
					mtime: 0,
					bytes: file.bytes.subarray(offset, offset + request.limit),
				}).getBytes();
			}
			const media = mediaAt(ctx, request.location);
			const bytes = ctx.services.media.bytesOf(media);
			return new Api.upload.File({
				type: media.kind === 'photo' ? new Api.storage.FileJpeg() : new Api.storage.FileUnknown(),
				mtime: ctx.services.media.identityOf(media).date,
				bytes: bytes.subarray(offset, offset + request.limit),
			}).getBytes();
		}),
		// Messages of the account's box by id: what it received and what it sent (fresh file references).
		on(Api.messages.GetMessages, (ctx, request) => {
			const me = ctx.user();
			const { inbox, outbox } = ctx.services;
			const peerKeys = new Set<string>();
			const messages = idsOf(request.id).map((id): Api.TypeMessage => {
				const received = inbox.find(id, { toUserId: me.id });
				if (received) {
					peerKeys.add(received.peerKey);
					return inbox.view(received, me.id);
				}
				const sent = ctx.world.messages.find(
					(m) => m.id === id && m.fromId === me.id && !m.peerKey.startsWith('channel:'),
				);
				if (sent) {
					peerKeys.add(sent.peerKey);
					return outbox.view(sent, me.id, false);
				}
				return new Api.MessageEmpty({ id });
			});
			return messagesAnswer(ctx, messages, [...peerKeys]);
		}),
		on(Api.channels.GetMessages, (ctx, request) => {
			const me = ctx.user();
			const input = request.channel;
			if (!(input instanceof Api.InputChannel)) throw badRequest('CHANNEL_INVALID');
			const channel = findChannel(ctx, fromLong(input.channelId), fromLong(input.accessHash));
			if (!channel) throw badRequest('CHANNEL_INVALID');
			const peerKey = `channel:${channel.id}`;
			const { inbox, outbox } = ctx.services;
			const messages = idsOf(request.id).map((id): Api.TypeMessage => {
				const received = inbox.find(id, { channelId: channel.id });
				if (received) return inbox.view(received, me.id);
				const sent = ctx.world.messages.find((m) => m.id === id && m.peerKey === peerKey);
				if (sent) return outbox.view(sent, me.id, false);
				return new Api.MessageEmpty({ id });
			});
			return messagesAnswer(ctx, messages, [peerKey]);
		}),
	];
}
