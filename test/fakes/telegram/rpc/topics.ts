import { Api } from 'telegram';
import type { FakeUser } from '../state';
import { isChannelAdmin } from '../tlViews';
import { badRequest } from '../wire';
import type { ResolvedPeer } from './peerResolution';

/**
 * Where a send's reply_to puts it: the replied-to message, and in a forum the topic (top_msg_id,
 * or the topic's own id as reply_to_msg_id). A forum refuses a deleted or unknown topic
 * (TOPIC_DELETED) and, for non-admins, a closed one (TOPIC_CLOSED); a send with no topic goes
 * to General (topic 1), as on Telegram.
 */
export function placementOf(
	peer: ResolvedPeer,
	sender: FakeUser,
	replyTo: unknown,
): { replyToMsgId?: number; topicId?: number } {
	const reply = replyTo instanceof Api.InputReplyToMessage ? replyTo : undefined;
	const channel = peer.channel;
	if (!channel?.forum) return { replyToMsgId: reply?.replyToMsgId };
	const topics = channel.topics ?? [];
	const asked = reply?.topMsgId ?? reply?.replyToMsgId;
	if (asked === undefined || asked === 1) return { replyToMsgId: reply?.replyToMsgId };
	const topic = topics.find((t) => t.id === asked);
	if (!topic) {
		// A plain reply to a message inside a topic is not a topic id: it stays a reply.
		if (reply?.topMsgId === undefined) return { replyToMsgId: reply?.replyToMsgId };
		throw badRequest('TOPIC_DELETED');
	}
	if (topic.deleted) throw badRequest('TOPIC_DELETED');
	if (topic.closed && !isChannelAdmin(channel, sender.id)) throw badRequest('TOPIC_CLOSED');
	const replyToMsgId = reply?.replyToMsgId !== topic.id ? reply?.replyToMsgId : undefined;
	return { replyToMsgId, topicId: topic.id };
}
