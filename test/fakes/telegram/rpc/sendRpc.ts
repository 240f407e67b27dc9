import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import type { Draft } from '../outbox';
import { parsePeerKey } from '../state';
import { badRequest, fromLong, type Long } from '../wire';
import { resolveInputMedia } from './inputMedia';
import { resolveInputPeer } from './peerResolution';
import { on, type RpcRoute } from './route';
import { placementOf } from './topics';

/** messages.sendMessage / sendMedia / sendMultiMedia, delivered at once or scheduled. */

const ALBUM_MAX = 10;

function randomIdOf(randomId: Long | undefined): bigint {
	if (randomId === undefined || fromLong(randomId) === 0n) throw badRequest('RANDOM_ID_EMPTY');
	return fromLong(randomId);
}

export function sendRoutes(): RpcRoute[] {
	return [
		on(Api.messages.SendMessage, (ctx, request) => {
			const sender = ctx.user();
			const peer = resolveInputPeer(ctx, request.peer);
			const outbox = ctx.services.outbox;
			outbox.checkText(request.message);
			const dueDate = outbox.dueDateFor(sender, peer.key, request.scheduleDate);
			const draft: Draft = {
				text: request.message,
				entities: request.entities ?? [],
				randomId: randomIdOf(request.randomId),
				...placementOf(peer, sender, request.replyTo),
			};
			const originals = outbox.originalsOf(sender, peer.key, [draft]);
			if (originals)
				return outbox
					.updates(outbox.repeatedUpdates(originals, sender.id), sender.id, [peer.key])
					.getBytes();
			const [message] = outbox.send(sender, peer.key, [draft], {
				silent: !!request.silent,
				noWebpage: !!request.noWebpage,
				dueDate,
			});
			// Telegram answers a plain text sent at once to a private chat in short form.
			if (dueDate === undefined && parsePeerKey(peer.key).kind !== 'channel') {
				// Numbered and kept like any new message, so getDifference returns it to other sessions.
				const { pts } = outbox.newMessageUpdate(message, sender.id) as Api.UpdateNewMessage;
				return new Api.UpdateShortSentMessage({
					out: true,
					id: message.id,
					pts,
					ptsCount: 1,
					date: message.date,
					entities: request.entities ?? undefined,
				}).getBytes();
			}
			return outbox
				.updates(outbox.sentUpdates([message], sender.id), sender.id, [peer.key])
				.getBytes();
		}),
		on(Api.messages.SendMedia, (ctx, request) => {
			const sender = ctx.user();
			const peer = resolveInputPeer(ctx, request.peer);
			const outbox = ctx.services.outbox;
			outbox.checkCaption(sender, request.message);
			const dueDate = outbox.dueDateFor(sender, peer.key, request.scheduleDate);
			outbox.checkCanWrite(sender, peer.key);
			const draft: Draft = {
				text: request.message,
				entities: request.entities ?? [],
				media: resolveInputMedia(ctx, request.media),
				randomId: randomIdOf(request.randomId),
				...placementOf(peer, sender, request.replyTo),
			};
			const originals = outbox.originalsOf(sender, peer.key, [draft]);
			if (originals)
				return outbox
					.updates(outbox.repeatedUpdates(originals, sender.id), sender.id, [peer.key])
					.getBytes();
			const messages = outbox.send(sender, peer.key, [draft], {
				silent: !!request.silent,
				noWebpage: false,
				dueDate,
			});
			return outbox
				.updates(outbox.sentUpdates(messages, sender.id), sender.id, [peer.key])
				.getBytes();
		}),
		on(Api.messages.SendMultiMedia, (ctx, request) => {
			const sender = ctx.user();
			const peer = resolveInputPeer(ctx, request.peer);
			const items = request.multiMedia;
			if (items.length === 0) throw badRequest('MEDIA_EMPTY');
			if (items.length > ALBUM_MAX) throw badRequest('MULTI_MEDIA_TOO_LONG');
			const outbox = ctx.services.outbox;
			const dueDate = outbox.dueDateFor(sender, peer.key, request.scheduleDate);
			outbox.checkCanWrite(sender, peer.key);
			const placement = placementOf(peer, sender, request.replyTo);
			const groupedId = randomBytes(8).readBigInt64LE(0) & 0x7fffffffffffffffn;
			const drafts = items.map((item): Draft => {
				outbox.checkCaption(sender, item.message);
				// Album items must be uploaded with messages.uploadMedia first: Telegram refuses raw
				// inputMediaUploaded* here.
				if (
					item.media instanceof Api.InputMediaUploadedPhoto ||
					item.media instanceof Api.InputMediaUploadedDocument
				)
					throw badRequest('MEDIA_INVALID');
				return {
					text: item.message,
					entities: item.entities ?? [],
					media: resolveInputMedia(ctx, item.media),
					randomId: randomIdOf(item.randomId),
					...placement,
					groupedId,
				};
			});
			// Photos and videos may share an album; documents only go with documents.
			const kinds = new Set(
				drafts.map((d) => (d.media?.kind === 'document' ? 'document' : 'visual')),
			);
			if (kinds.size > 1) throw badRequest('MEDIA_INVALID');
			const originals = outbox.originalsOf(sender, peer.key, drafts);
			if (originals)
				return outbox
					.updates(outbox.repeatedUpdates(originals, sender.id), sender.id, [peer.key])
					.getBytes();
			const messages = outbox.send(sender, peer.key, drafts, {
				silent: !!request.silent,
				noWebpage: false,
				dueDate,
			});
			return outbox
				.updates(outbox.sentUpdates(messages, sender.id), sender.id, [peer.key])
				.getBytes();
		}),
	];
}
