import type { TelegramAccount } from '../account';
import type { CallOptions } from '../call';
import type { TelegramSession } from '../pool';
import { encryptSecretFile, uploadEncrypted } from './files';
import type { SecretMedia } from './media';
import { sendSecret, type SecretSendResult } from './secretChats';

export interface SecretFileToSend {
	chatId: number;
	randomId: bigint;
	silent: boolean;
	caption: string;
	bytes: Buffer;
	fileName: string;
	mimeType: string;
	/** A photo needs its width and height (clients size it before decrypting). */
	as: { type: 'photo'; width: number; height: number } | { type: 'document' };
}

/**
 * Sends a photo or document to a ready chat: encrypted and uploaded under the chat's lock, then
 * messages.sendEncryptedFile. A retry with the same random_id encrypts with the key and iv the
 * first attempt sealed into its message, so the repeated message still opens the new upload.
 */
export async function sendSecretFile(
	session: TelegramSession,
	account: TelegramAccount,
	file: SecretFileToSend,
	options: CallOptions,
): Promise<SecretSendResult> {
	return await sendSecret(session, account, file, options, async (earlier) => {
		const keys = earlier?.kind === 'message' ? earlier.media : undefined;
		const encrypted = encryptSecretFile(file.bytes, keys);
		const input = await uploadEncrypted(session, encrypted, file.fileName, {
			...options,
			doing: `uploading ${file.fileName}`,
		});
		const media: SecretMedia = {
			type: file.as.type,
			size: file.bytes.length,
			key: encrypted.key,
			iv: encrypted.iv,
			// Newer clients show the message text as the caption; the media's own stays empty.
			caption: '',
			mimeType: file.as.type === 'photo' ? 'image/jpeg' : file.mimeType,
			fileName: file.as.type === 'document' ? file.fileName : undefined,
			width: file.as.type === 'photo' ? file.as.width : undefined,
			height: file.as.type === 'photo' ? file.as.height : undefined,
		};
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
