import type { TelegramAccount } from '../account';
import type { CallOptions } from '../call';
import type { TelegramSession } from '../pool';
import { secretChatsOf } from './chatStore';
import { encryptSecretFile, uploadEncrypted } from './files';
import type { SecretMedia, SecretThumbnail } from './media';
import { SecretChatError } from './protocol';
import { sendSecret, UnknownSecretChatError, type SecretSendResult } from './secretChats';
import { sentBefore } from './sentLog';

export interface SecretFileToSend {
	chatId: number;
	randomId: bigint;
	silent: boolean;
	caption: string;
	bytes: Buffer;
	fileName: string;
	mimeType: string;
	/** A photo needs its width and height (clients size it before decrypting). */
	as:
		| { type: 'photo'; width: number; height: number }
		| { type: 'document' }
		| { type: 'video'; duration: number; width: number; height: number }
		| { type: 'audio'; duration: number; title?: string; performer?: string }
		| { type: 'voice'; duration: number };
	/** A JPEG of at most 90 px a side, shown until the file is downloaded. */
	thumbnail?: SecretThumbnail;
}

/**
 * Sends a photo, document, video, audio or voice message to a ready chat: encrypted and uploaded first, outside the chat's
 * lock (a long upload must not hold up the trigger reading that chat), then sealed and sent with
 * messages.sendEncryptedFile. A retry with the same random_id encrypts with the key and iv the
 * first attempt sealed into its message, so the repeated message still opens the new upload.
 */
export async function sendSecretFile(
	session: TelegramSession,
	account: TelegramAccount,
	file: SecretFileToSend,
	options: CallOptions,
): Promise<SecretSendResult> {
	const before = await (await secretChatsOf(session, account)).get(file.chatId);
	if (!before) throw new UnknownSecretChatError(file.chatId);
	if (before.status !== 'ready')
		throw new SecretChatError(
			before.status === 'closed' ? 'closed' : 'not-ready',
			`secret chat ${file.chatId} is ${before.status}: files go only to a chat both sides accepted`,
		);
	const earlier = sentBefore(before, file.randomId)?.envelope?.message;
	const encrypted = encryptSecretFile(
		file.bytes,
		earlier?.kind === 'message' ? earlier.media : undefined,
	);
	const input = await uploadEncrypted(session, encrypted, file.fileName, {
		...options,
		doing: `uploading ${file.fileName}`,
	});
	const { type, ...details } = file.as;
	const media: SecretMedia = {
		type,
		...details,
		size: file.bytes.length,
		key: encrypted.key,
		iv: encrypted.iv,
		// Newer clients show the message text as the caption; the media's own stays empty.
		caption: '',
		mimeType: type === 'photo' ? 'image/jpeg' : file.mimeType,
		fileName: type === 'photo' ? undefined : file.fileName,
		thumbnail: file.thumbnail,
	};
	return await sendSecret(session, account, file, options, async (_state, earlier) => {
		// The same random_id sealed by another run meanwhile, under another key: this upload cannot go with it.
		if (earlier?.kind === 'message' && earlier.media && !earlier.media.key.equals(media.key))
			throw new SecretChatError(
				'replayed',
				`message ${file.randomId} was sent to secret chat ${file.chatId} meanwhile with another file key; it is not sent twice`,
			);
		return {
			message: {
				kind: 'message',
				randomId: file.randomId,
				ttl: 0,
				text: file.caption,
				hasMedia: true,
				media,
			},
			file: input,
		};
	});
}
