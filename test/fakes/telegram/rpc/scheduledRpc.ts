import { Api } from 'telegram';
import type { FakeMessage } from '../state';
import { entitiesFor } from '../tlViews';
import { badRequest } from '../wire';
import type { RpcContext } from './context';
import { resolveInputMedia } from './inputMedia';
import { resolveInputPeer } from './peerResolution';
import { on, type RpcRoute } from './route';

/**
 * The scheduled queue of a chat: list it, send some now, delete some, and edit (text, media or
 * the due date). Ids that are not in the queue answer MESSAGE_ID_INVALID and change nothing,
 * except for deleteScheduledMessages, which deletes those that are there and says nothing.
 */

function pickScheduled(ctx: RpcContext, peerKey: string, ids: number[]): FakeMessage[] {
	const queue = ctx.services.outbox.scheduledIn(ctx.user().id, peerKey);
	const picked = ids.map((id) => queue.find((m) => m.id === id));
	if (ids.length === 0 || picked.some((m) => m === undefined))
		throw badRequest('MESSAGE_ID_INVALID');
	return picked as FakeMessage[];
}

function messagesAnswer(ctx: RpcContext, peerKey: string, messages: FakeMessage[]): Buffer {
	const viewerId = ctx.user().id;
	const { users, chats } = entitiesFor(ctx.world, viewerId, [peerKey]);
	const views = messages.map((m) => ctx.services.outbox.view(m, viewerId, true));
	return new Api.messages.Messages({ messages: views, chats, users }).getBytes();
}

export function scheduledRoutes(): RpcRoute[] {
	return [
		on(Api.messages.GetScheduledHistory, (ctx, request) => {
			const peer = resolveInputPeer(ctx, request.peer);
			// Newest first, like Telegram; `hash` is ignored, so the answer is never "not modified".
			const queue = [...ctx.services.outbox.scheduledIn(ctx.user().id, peer.key)].sort(
				(a, b) => b.id - a.id,
			);
			return messagesAnswer(ctx, peer.key, queue);
		}),
		on(Api.messages.GetScheduledMessages, (ctx, request) => {
			const peer = resolveInputPeer(ctx, request.peer);
			const queue = ctx.services.outbox.scheduledIn(ctx.user().id, peer.key);
			const found = request.id
				.map((id) => queue.find((m) => m.id === id))
				.filter((m): m is FakeMessage => m !== undefined);
			return messagesAnswer(ctx, peer.key, found);
		}),
		on(Api.messages.SendScheduledMessages, (ctx, request) => {
			const sender = ctx.user();
			const peer = resolveInputPeer(ctx, request.peer);
			const picked = pickScheduled(ctx, peer.key, request.id);
			const outbox = ctx.services.outbox;
			const sent = outbox.release(sender, picked);
			const updates = [
				outbox.scheduledRemovedUpdate(
					peer.key,
					picked.map((m) => m.id),
					sent.map((m) => m.id),
				),
				...sent.map((m) => outbox.newMessageUpdate(m, sender.id)),
			];
			return outbox.updates(updates, sender.id, [peer.key]).getBytes();
		}),
		on(Api.messages.DeleteScheduledMessages, (ctx, request) => {
			const sender = ctx.user();
			const peer = resolveInputPeer(ctx, request.peer);
			// Telegram deletes the ids that are in the queue and ignores the others, without an error.
			const picked = new Set(
				ctx.services.outbox
					.scheduledIn(sender.id, peer.key)
					.filter((m) => request.id.includes(m.id)),
			);
			ctx.world.scheduled = ctx.world.scheduled.filter((m) => !picked.has(m));
			const outbox = ctx.services.outbox;
			const removed = [...picked].map((m) => m.id);
			return outbox
				.updates([outbox.scheduledRemovedUpdate(peer.key, removed)], sender.id, [peer.key])
				.getBytes();
		}),
		on(Api.messages.EditMessage, (ctx, request) => {
			const editor = ctx.user();
			const peer = resolveInputPeer(ctx, request.peer);
			const outbox = ctx.services.outbox;
			// With schedule_date the id is one of the chat's scheduled queue, else a sent message.
			const scheduled = request.scheduleDate !== null && request.scheduleDate !== undefined;
			const pool = scheduled
				? outbox.scheduledIn(editor.id, peer.key)
				: outbox.deliveredIn(editor.id, peer.key);
			const target = pool.find((m) => m.id === request.id);
			if (!target) throw badRequest('MESSAGE_ID_INVALID');
			if (target.fromId !== editor.id && !peer.channel) throw badRequest('MESSAGE_AUTHOR_REQUIRED');

			const text = request.message ?? target.text;
			const entities =
				request.entities ??
				(request.message !== null && request.message !== undefined ? [] : target.entities);
			const media = request.media ? resolveInputMedia(ctx, request.media) : target.media;
			if (media) outbox.checkCaption(editor, text);
			else outbox.checkText(text);
			const newDate = scheduled ? (request.scheduleDate as number) : undefined;
			if (newDate !== undefined) outbox.checkRescheduleDate(peer.key, editor.id, newDate);
			const unchanged =
				text === target.text &&
				request.entities == null &&
				media === target.media &&
				(newDate === undefined || newDate === target.scheduleDate);
			if (unchanged) throw badRequest('MESSAGE_NOT_MODIFIED');

			const textSent = request.message !== null && request.message !== undefined;
			Object.assign(target, {
				text,
				entities,
				media,
				noWebpage: textSent ? !!request.noWebpage : target.noWebpage,
			});
			if (!scheduled) {
				target.editDate = ctx.now();
				return outbox
					.updates([outbox.editedMessageUpdate(target, editor.id)], editor.id, [peer.key])
					.getBytes();
			}
			// Rescheduling one item of an album moves the whole album, as Telegram does.
			const moved =
				target.groupedId === undefined
					? [target]
					: pool.filter((m) => m.groupedId === target.groupedId);
			for (const m of moved) m.scheduleDate = newDate;
			const updates = moved.map(
				(m) => new Api.UpdateNewScheduledMessage({ message: outbox.view(m, editor.id, true) }),
			);
			return outbox.updates(updates, editor.id, [peer.key]).getBytes();
		}),
	];
}
