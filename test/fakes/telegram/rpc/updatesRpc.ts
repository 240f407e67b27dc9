import { Api } from 'telegram';
import type { SecretChatRelay } from '../secretChats';
import { entitiesFor } from '../tlViews';
import { messageOf, type LoggedUpdate } from '../updateLog';
import { badRequest, fromLong, toLong } from '../wire';
import type { RpcContext } from './context';
import { on, type RpcRoute } from './route';

/**
 * updates.getState, updates.getDifference and updates.getChannelDifference over the fake's update
 * log, as Telegram answers them: what came after the client's pts (and qts for encrypted
 * messages), in pages (differenceSlice / channelDifference without `final`), and "too long" when
 * the gap is larger than the fake keeps. Channels with news are named by updateChannelTooLong.
 */

/** The users and chats the updates mention, so the client can read them. */
function entitiesOf(
	ctx: RpcContext,
	entries: LoggedUpdate[],
	userId: bigint,
	alsoPeerKeys: string[] = [],
) {
	const peerKeys = new Set<string>(alsoPeerKeys);
	const userIds: bigint[] = [];
	for (const { update } of entries) {
		const message = messageOf(update) ?? editedMessageOf(update);
		if (message instanceof Api.Message) {
			const peer = message.peerId;
			if (peer instanceof Api.PeerUser) peerKeys.add(`user:${fromLong(peer.userId)}`);
			if (peer instanceof Api.PeerChannel) peerKeys.add(`channel:${fromLong(peer.channelId)}`);
			if (message.fromId instanceof Api.PeerUser) userIds.push(fromLong(message.fromId.userId));
		}
	}
	return entitiesFor(ctx.world, userId, [...peerKeys], userIds);
}

function editedMessageOf(update: Api.TypeUpdate): Api.TypeMessage | undefined {
	return update instanceof Api.UpdateEditMessage || update instanceof Api.UpdateEditChannelMessage
		? update.message
		: undefined;
}

function split(entries: LoggedUpdate[]) {
	const newMessages: Api.TypeMessage[] = [];
	const otherUpdates: Api.TypeUpdate[] = [];
	for (const { update } of entries) {
		const message =
			update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage
				? update.message
				: undefined;
		if (message) newMessages.push(message);
		else otherUpdates.push(update);
	}
	return { newMessages, otherUpdates };
}

export function updatesRoutes(relay: SecretChatRelay): RpcRoute[] {
	return [
		on(Api.updates.GetState, (ctx) => {
			const user = ctx.user();
			const log = ctx.services.updateLog;
			return new Api.updates.State({
				pts: log.commonPts(user.id),
				qts: relay.qtsOf(user.id),
				date: ctx.now(),
				seq: 0,
				unreadCount: 0,
			}).getBytes();
		}),
		on(Api.updates.GetDifference, (ctx, request) => {
			const user = ctx.user();
			const log = ctx.services.updateLog;
			const { limits } = log;
			const remotePts = log.commonPts(user.id);
			if (request.pts > remotePts || request.pts < 0)
				throw badRequest('PERSISTENT_TIMESTAMP_INVALID');
			if (request.date <= 0) throw badRequest('DATE_EMPTY');
			const tooLongAfter = Math.min(limits.differenceTooLong, request.ptsTotalLimit ?? Infinity);
			if (remotePts - request.pts > tooLongAfter)
				return new Api.updates.DifferenceTooLong({ pts: remotePts }).getBytes();
			const pending = log.commonAfter(user.id, request.pts);
			const page = pending.slice(0, limits.differencePage);
			const sliced = page.length < pending.length;
			const encrypted = relay.differenceFor(user, request.qts);
			const now = ctx.now();
			// Channels are not in the common box: a client learns which have news and asks each.
			const active = sliced
				? []
				: log
						.channelsActiveSince(request.date)
						.filter(({ channelId }) => ctx.world.channels.some((c) => c.id === channelId));
			const channels = active.map(
				({ channelId, pts }) => new Api.UpdateChannelTooLong({ channelId: toLong(channelId), pts }),
			);
			if (page.length === 0 && encrypted.messages.length === 0 && channels.length === 0)
				return new Api.updates.DifferenceEmpty({ date: now, seq: 0 }).getBytes();
			const { newMessages, otherUpdates } = split(page);
			const { users, chats } = entitiesOf(
				ctx,
				page,
				user.id,
				active.map(({ channelId }) => `channel:${channelId}`),
			);
			const reached = sliced ? page[page.length - 1].pts : remotePts;
			const state = new Api.updates.State({
				pts: reached,
				qts: encrypted.qts,
				date: now,
				seq: 0,
				unreadCount: 0,
			});
			const body = {
				newMessages,
				newEncryptedMessages: encrypted.messages,
				otherUpdates: [...otherUpdates, ...channels],
				chats,
				users,
			};
			return (
				sliced
					? new Api.updates.DifferenceSlice({ ...body, intermediateState: state })
					: new Api.updates.Difference({ ...body, state })
			).getBytes();
		}),
		on(Api.updates.GetChannelDifference, (ctx, request) => {
			const user = ctx.user();
			const input = request.channel;
			if (!(input instanceof Api.InputChannel)) throw badRequest('CHANNEL_INVALID');
			const channel = ctx.world.channels.find(
				(c) => c.id === fromLong(input.channelId) && c.accessHash === fromLong(input.accessHash),
			);
			if (!channel) throw badRequest('CHANNEL_INVALID');
			if (request.limit <= 0) throw badRequest('LIMIT_INVALID');
			const log = ctx.services.updateLog;
			const remotePts = log.channelPts(channel.id);
			if (request.pts <= 0 || request.pts > Math.max(remotePts, 1))
				throw badRequest('PERSISTENT_TIMESTAMP_INVALID');
			const pending = log.channelAfter(channel.id, request.pts);
			if (pending.length === 0)
				return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: remotePts }).getBytes();
			const peerKey = `channel:${channel.id}`;
			if (remotePts - request.pts > log.limits.channelDifferenceTooLong) {
				const latest = log.channelAfter(channel.id, 0).slice(-log.limits.channelTooLongMessages);
				const messages = latest
					.map((entry) => messageOf(entry.update))
					.filter((message): message is Api.TypeMessage => message !== undefined);
				const topMessage = messages.length > 0 ? messages[messages.length - 1].id : 0;
				const dialog = new Api.Dialog({
					peer: new Api.PeerChannel({ channelId: toLong(channel.id) }),
					topMessage,
					readInboxMaxId: topMessage,
					readOutboxMaxId: topMessage,
					unreadCount: 0,
					unreadMentionsCount: 0,
					unreadReactionsCount: 0,
					notifySettings: new Api.PeerNotifySettings({}),
					pts: remotePts,
				});
				return new Api.updates.ChannelDifferenceTooLong({
					final: true,
					dialog,
					messages,
					...entitiesFor(ctx.world, user.id, [peerKey]),
				}).getBytes();
			}
			const page = pending.slice(0, request.limit);
			const final = page.length === pending.length;
			const { newMessages, otherUpdates } = split(page);
			const { users, chats } = entitiesOf(ctx, page, user.id);
			return new Api.updates.ChannelDifference({
				final,
				pts: page[page.length - 1].pts,
				newMessages,
				otherUpdates,
				users,
				chats,
			}).getBytes();
		}),
	];
}
