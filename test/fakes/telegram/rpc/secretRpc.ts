import { Api } from 'telegram';
import type { SecretChatRelay } from '../secretChats';
import { boolBytes, fromLong, vectorBytes, type Long } from '../wire';
import type { RpcContext } from './context';
import { resolveInputUser } from './peerResolution';
import { on, type RpcRoute } from './route';

/** Secret chats: the DH config, the chat handshake and the encrypted relay (rules in secretChats.ts). */

interface EncryptedPeer {
	chatId: number;
	accessHash: bigint;
}

function encryptedPeerOf(input: Api.TypeInputEncryptedChat): EncryptedPeer {
	return { chatId: input.chatId, accessHash: fromLong(input.accessHash) };
}

function sendTo(
	relay: SecretChatRelay,
	ctx: RpcContext,
	request: { peer: Api.TypeInputEncryptedChat; randomId?: Long; data: Buffer; silent?: boolean },
	service: boolean,
): Buffer {
	const peer = encryptedPeerOf(request.peer);
	const message = {
		randomId: request.randomId === undefined ? 0n : fromLong(request.randomId),
		bytes: request.data,
		service,
		silent: !!request.silent,
	};
	const sent = relay.send(ctx.user(), peer.chatId, peer.accessHash, message);
	return new Api.messages.SentEncryptedMessage({ date: sent.date }).getBytes();
}

export function secretRoutes(relay: SecretChatRelay): RpcRoute[] {
	return [
		on(Api.messages.GetDhConfig, (ctx, request) => {
			ctx.user();
			return relay.dhConfigAnswer(request.version, request.randomLength).getBytes();
		}),
		on(Api.messages.RequestEncryption, (ctx, request) => {
			const admin = ctx.user();
			const participant = resolveInputUser(ctx, request.userId);
			const chat = relay.request(admin, participant, request.gA, request.randomId);
			return relay.chatToTl(chat, admin.id).getBytes();
		}),
		on(Api.messages.AcceptEncryption, (ctx, request) => {
			const user = ctx.user();
			const peer = encryptedPeerOf(request.peer);
			const chat = relay.accept(
				user,
				peer.chatId,
				peer.accessHash,
				request.gB,
				fromLong(request.keyFingerprint),
			);
			return relay.chatToTl(chat, user.id).getBytes();
		}),
		on(Api.messages.DiscardEncryption, (ctx, request) => {
			relay.discard(ctx.user(), request.chatId, !!request.deleteHistory);
			return boolBytes(true);
		}),
		on(Api.messages.SendEncrypted, (ctx, request) => sendTo(relay, ctx, request, false)),
		on(Api.messages.SendEncryptedService, (ctx, request) => sendTo(relay, ctx, request, true)),
		on(Api.messages.ReadEncryptedHistory, (ctx, request) => {
			const peer = encryptedPeerOf(request.peer);
			relay.read(ctx.user(), peer.chatId, peer.accessHash, request.maxDate);
			return boolBytes(true);
		}),
		on(Api.messages.SetEncryptedTyping, (ctx, request) => {
			const peer = encryptedPeerOf(request.peer);
			relay.typing(ctx.user(), peer.chatId, peer.accessHash, request.typing);
			return boolBytes(true);
		}),
		on(Api.messages.ReceivedQueue, (ctx, request) => {
			relay.checkReceivedQueue(ctx.user(), request.maxQts);
			// The random_ids whose push notifications were cancelled: the fake sends none.
			return vectorBytes([]);
		}),
	];
}
