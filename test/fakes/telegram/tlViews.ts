import { Api } from 'telegram';
import type { MediaStore } from './mediaStore';
import {
	parsePeerKey,
	type FakeChannel,
	type FakeMedia,
	type FakeMessage,
	type FakeUser,
	type FakeWorld,
} from './state';
import { toLong } from './wire';

/** The fake's records as the Api.* objects Telegram would send for them. */

export function userToTl(user: FakeUser, viewerId: bigint | undefined): Api.User {
	const self = user.id === viewerId;
	return new Api.User({
		id: toLong(user.id),
		accessHash: toLong(user.accessHash),
		self,
		contact: isContact(user, viewerId),
		mutualContact: isContact(user, viewerId),
		bot: user.bot,
		premium: user.premium || undefined,
		firstName: user.firstName,
		lastName: user.lastName,
		username: user.username,
		phone: user.phone,
		status: user.bot ? undefined : new Api.UserStatusRecently({}),
	});
}

/** Every other account is a contact unless it says `contact: false` (bots never are). */
export function isContact(user: FakeUser, viewerId: bigint | undefined): boolean {
	return user.id !== viewerId && !user.bot && user.contact !== false;
}

export function isChannelAdmin(channel: FakeChannel, userId: bigint): boolean {
	return (channel.adminIds ?? []).includes(userId);
}

export function channelToTl(channel: FakeChannel, viewerId: bigint | undefined): Api.Channel {
	const admin = viewerId !== undefined && isChannelAdmin(channel, viewerId);
	return new Api.Channel({
		id: toLong(channel.id),
		accessHash: toLong(channel.accessHash),
		title: channel.title,
		username: channel.username,
		broadcast: !channel.megagroup,
		megagroup: channel.megagroup,
		forum: channel.forum || undefined,
		photo: new Api.ChatPhotoEmpty(),
		date: 0,
		adminRights: admin
			? new Api.ChatAdminRights({ postMessages: true, editMessages: true, deleteMessages: true })
			: undefined,
	});
}

export function peerToTl(peerKey: string): Api.TypePeer {
	const { kind, id } = parsePeerKey(peerKey);
	if (kind === 'user') return new Api.PeerUser({ userId: toLong(id) });
	if (kind === 'channel') return new Api.PeerChannel({ channelId: toLong(id) });
	return new Api.PeerChat({ chatId: toLong(id) });
}

export function mediaToTl(
	media: FakeMedia,
	store: MediaStore,
	defaultDcId: number,
): Api.TypeMessageMedia {
	const identity = store.identityOf(media);
	const { id, accessHash, date } = identity;
	const dcId = identity.dcId ?? defaultDcId;
	const fileReference = store.fileReferenceOf(media);
	if (media.kind === 'photo') {
		const sizes = [new Api.PhotoSize({ type: 'y', w: 1280, h: 960, size: media.size })];
		return new Api.MessageMediaPhoto({
			photo: new Api.Photo({
				id: toLong(id),
				accessHash: toLong(accessHash),
				fileReference,
				date,
				sizes,
				dcId,
			}),
		});
	}
	const attributes: Api.TypeDocumentAttribute[] = [];
	if (media.fileName)
		attributes.push(new Api.DocumentAttributeFilename({ fileName: media.fileName }));
	if (media.kind === 'video')
		attributes.push(new Api.DocumentAttributeVideo({ duration: 0, w: 1280, h: 720 }));
	const document = new Api.Document({
		id: toLong(id),
		accessHash: toLong(accessHash),
		fileReference,
		date,
		mimeType: media.mimeType ?? 'application/octet-stream',
		size: toLong(BigInt(media.size)),
		dcId,
		attributes,
	});
	return new Api.MessageMediaDocument({ document, video: media.kind === 'video' || undefined });
}

export interface MessageViewOptions {
	world: FakeWorld;
	store: MediaStore;
	viewerId: bigint;
	scheduled: boolean;
}

export function messageToTl(message: FakeMessage, options: MessageViewOptions): Api.Message {
	const channel = findChannelOfPeer(options.world, message.peerKey);
	const broadcastPost = channel !== undefined && !channel.megagroup;
	return new Api.Message({
		id: message.id,
		out: message.fromId === options.viewerId,
		post: broadcastPost || undefined,
		peerId: peerToTl(message.peerKey),
		fromId: broadcastPost ? undefined : new Api.PeerUser({ userId: toLong(message.fromId) }),
		// A scheduled message carries its due time in `date`, as Telegram sends it.
		date:
			options.scheduled && message.scheduleDate !== undefined ? message.scheduleDate : message.date,
		message: message.text,
		entities:
			message.entities.length > 0 ? (message.entities as Api.TypeMessageEntity[]) : undefined,
		media: message.media ? mediaToTl(message.media, options.store, options.world.dcId) : undefined,
		silent: message.silent || undefined,
		fromScheduled: message.fromScheduled || undefined,
		groupedId: message.groupedId !== undefined ? toLong(message.groupedId) : undefined,
		replyTo: replyHeaderOf(message),
		editDate: message.editDate,
	});
}

/** A reply, or a post in a forum topic (forum_topic; reply_to_top_id when it answers another message there). */
function replyHeaderOf(message: FakeMessage): Api.MessageReplyHeader | undefined {
	if (message.topicId !== undefined) {
		const replyToMsgId = message.replyToMsgId ?? message.topicId;
		return new Api.MessageReplyHeader({
			forumTopic: true,
			replyToMsgId,
			replyToTopId: replyToMsgId !== message.topicId ? message.topicId : undefined,
		});
	}
	return message.replyToMsgId !== undefined
		? new Api.MessageReplyHeader({ replyToMsgId: message.replyToMsgId })
		: undefined;
}

export function findChannelOfPeer(world: FakeWorld, peerKey: string): FakeChannel | undefined {
	const { kind, id } = parsePeerKey(peerKey);
	return kind === 'channel' ? world.channels.find((c) => c.id === id) : undefined;
}

/** The users and chats an answer about these peers must carry. */
export function entitiesFor(
	world: FakeWorld,
	viewerId: bigint | undefined,
	peerKeys: string[],
	extraUserIds: bigint[] = [],
) {
	const userIds = new Set<bigint>(extraUserIds);
	if (viewerId !== undefined) userIds.add(viewerId);
	const channelIds = new Set<bigint>();
	for (const key of peerKeys) {
		const { kind, id } = parsePeerKey(key);
		if (kind === 'user') userIds.add(id);
		if (kind === 'channel') channelIds.add(id);
	}
	return {
		users: world.users.filter((u) => userIds.has(u.id)).map((u) => userToTl(u, viewerId)),
		chats: world.channels.filter((c) => channelIds.has(c.id)).map((c) => channelToTl(c, viewerId)),
	};
}
