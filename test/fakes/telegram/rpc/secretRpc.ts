import { Api } from 'telegram';
import { checkUploadMd5, type EncryptedFileSource, type SecretChatRelay } from '../secretChats';
import { badRequest, boolBytes, fromLong, vectorBytes, type Long } from '../wire';
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
	request: {
		peer: Api.TypeInputEncryptedChat;
		randomId?: Long;
		data: Buffer;
		silent?: boolean;
		file?: Api.TypeInputEncryptedFile;
	},
	service: boolean,
): Buffer {
	const peer = encryptedPeerOf(request.peer);
	const input = request.file;
	const message = {
		randomId: request.randomId === undefined ? 0n : fromLong(request.randomId),
		bytes: request.data,
		service,
		silent: !!request.silent,
		file: input ? () => encryptedFileSource(ctx, input) : undefined,
	};
	const sent = relay.send(ctx.user(), peer.chatId, peer.accessHash, message);
	if (sent.file)
		return new Api.messages.SentEncryptedFile({
			date: sent.date,
			file: relay.fileToTl(sent.file),
		}).getBytes();
	return new Api.messages.SentEncryptedMessage({ date: sent.date }).getBytes();
}

/** The uploaded parts (every one present, FILE_PART_n_MISSING otherwise) or a file sent before. */
function encryptedFileSource(
	ctx: RpcContext,
	input: Api.TypeInputEncryptedFile,
): EncryptedFileSource {
	const { media } = ctx.services;
	if (input instanceof Api.InputEncryptedFileUploaded) {
		const bytes = media.fileBytes(
			new Api.InputFile({ id: input.id, parts: input.parts, name: '', md5Checksum: '' }),
		);
		media.checkPartLayout(fromLong(input.id), input.parts, false);
		checkUploadMd5(bytes, input.md5Checksum);
		return { type: 'uploaded', bytes, keyFingerprint: input.keyFingerprint };
	}
	if (input instanceof Api.InputEncryptedFileBigUploaded) {
		const bytes = media.fileBytes(
			new Api.InputFileBig({ id: input.id, parts: input.parts, name: '' }),
		);
		media.checkPartLayout(fromLong(input.id), input.parts, true);
		return { type: 'uploaded', bytes, keyFingerprint: input.keyFingerprint };
	}
	if (input instanceof Api.InputEncryptedFile)
		return { type: 'existing', id: fromLong(input.id), accessHash: fromLong(input.accessHash) };
	throw badRequest('FILE_EMTPY');
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
		on(Api.messages.SendEncryptedFile, (ctx, request) => sendTo(relay, ctx, request, false)),
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
