import { Api } from 'telegram';
import { channelToTl, isContact, userToTl } from '../tlViews';
import { badRequest, fromLong, toLong, vectorBytes } from '../wire';
import { normalizePhone } from './loginSettings';
import { findChannel, resolveInputUser } from './peerResolution';
import { on, type RpcRoute } from './route';

/** Finding accounts and channels: getMe (users.getUsers with inputUserSelf), usernames, phones. */

const USERNAME_SHAPE = /^[a-zA-Z][a-zA-Z0-9_]{3,31}$/;

export function peersRoutes(): RpcRoute[] {
	return [
		on(Api.users.GetUsers, (ctx, request) => {
			const me = ctx.user();
			const users = request.id.map((input) => {
				const user = resolveInputUser(ctx, input, { allowZeroHash: true });
				if (user) return userToTl(user, me.id);
				const id = input instanceof Api.InputUser ? input.userId : toLong(0n);
				return new Api.UserEmpty({ id });
			});
			return vectorBytes(users);
		}),
		on(Api.users.GetFullUser, (ctx, request) => {
			const me = ctx.user();
			const user = resolveInputUser(ctx, request.id, { allowZeroHash: true });
			if (!user) throw badRequest('USER_ID_INVALID');
			const fullUser = new Api.UserFull({
				id: toLong(user.id),
				settings: new Api.PeerSettings({}),
				notifySettings: new Api.PeerNotifySettings({}),
				commonChatsCount: 0,
			});
			return new Api.users.UserFull({
				fullUser,
				chats: [],
				users: [userToTl(user, me.id)],
			}).getBytes();
		}),
		on(Api.contacts.ResolveUsername, (ctx, request) => {
			const me = ctx.user();
			const username = request.username.replace(/^@/, '');
			if (!USERNAME_SHAPE.test(username)) throw badRequest('USERNAME_INVALID');
			const wanted = username.toLowerCase();
			const user = ctx.world.users.find((u) => u.username?.toLowerCase() === wanted);
			if (user)
				return new Api.contacts.ResolvedPeer({
					peer: new Api.PeerUser({ userId: toLong(user.id) }),
					chats: [],
					users: [userToTl(user, me.id)],
				}).getBytes();
			const channel = ctx.world.channels.find((c) => c.username?.toLowerCase() === wanted);
			if (channel) {
				return new Api.contacts.ResolvedPeer({
					peer: new Api.PeerChannel({ channelId: toLong(channel.id) }),
					chats: [channelToTl(channel, me.id)],
					users: [],
				}).getBytes();
			}
			throw badRequest('USERNAME_NOT_OCCUPIED');
		}),
		on(Api.contacts.ResolvePhone, (ctx, request) => {
			const me = ctx.user();
			const phone = normalizePhone(request.phone);
			const user = ctx.world.users.find((u) => u.phone === phone);
			if (!user) throw badRequest('PHONE_NOT_OCCUPIED');
			return new Api.contacts.ResolvedPeer({
				peer: new Api.PeerUser({ userId: toLong(user.id) }),
				chats: [],
				users: [userToTl(user, me.id)],
			}).getBytes();
		}),
		on(Api.contacts.GetContacts, (ctx) => {
			const me = ctx.user();
			const contacts = ctx.world.users.filter((u) => isContact(u, me.id));
			return new Api.contacts.Contacts({
				contacts: contacts.map((u) => new Api.Contact({ userId: toLong(u.id), mutual: true })),
				savedCount: 0,
				users: contacts.map((u) => userToTl(u, me.id)),
			}).getBytes();
		}),
		on(Api.channels.GetChannels, (ctx, request) => {
			const me = ctx.user();
			const chats = request.id.map((input) => {
				if (!(input instanceof Api.InputChannel)) throw badRequest('CHANNEL_INVALID');
				const hash = fromLong(input.accessHash);
				const channel = findChannel(ctx, fromLong(input.channelId), hash === 0n ? undefined : hash);
				if (!channel) throw badRequest('CHANNEL_INVALID');
				return channelToTl(channel, me.id);
			});
			return new Api.messages.Chats({ chats }).getBytes();
		}),
	];
}
