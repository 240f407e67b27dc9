import { Api } from 'telegram';
import { isChannelAdmin } from '../tlViews';
import { badRequest, fromLong } from '../wire';
import { findChannel } from './peerResolution';
import { on, type RpcRoute } from './route';

/**
 * messages.deleteMessages (the account's box: private chats) and channels.deleteMessages: the
 * messages go for everyone, the account's sessions get updateDeleteMessages /
 * updateDeleteChannelMessages, the caller messages.affectedMessages with the new pts.
 */

export function deleteRoutes(): RpcRoute[] {
	return [
		on(Api.messages.DeleteMessages, (ctx, request) => {
			const user = ctx.user();
			const affected = ctx.services.inbox.deleteAsAccount(user.id, request.id);
			return new Api.messages.AffectedMessages(affected).getBytes();
		}),
		on(Api.channels.DeleteMessages, (ctx, request) => {
			const user = ctx.user();
			const input = request.channel;
			if (!(input instanceof Api.InputChannel)) throw badRequest('CHANNEL_INVALID');
			const channel = findChannel(ctx, fromLong(input.channelId), fromLong(input.accessHash));
			if (!channel) throw badRequest('CHANNEL_INVALID');
			const key = `channel:${channel.id}`;
			// Others' posts need an admin; one's own supergroup messages do not.
			const others = ctx.world.messages.some(
				(m) => m.peerKey === key && request.id.includes(m.id) && m.fromId !== user.id,
			);
			if (others && !isChannelAdmin(channel, user.id)) throw badRequest('MESSAGE_DELETE_FORBIDDEN');
			const affected = ctx.services.inbox.deleteAsAccount(user.id, request.id, key);
			return new Api.messages.AffectedMessages(affected).getBytes();
		}),
	];
}
