import { createHash, randomBytes } from 'node:crypto';
import type { INode } from 'n8n-workflow';
import type { Api } from 'telegram';
import type { CallOptions } from '../call';
import { downloadParts, type MessageFile } from '../messageFiles';
import type { TelegramSession } from '../pool';
import { uploadBytes } from '../upload';
import { aesIgeDecrypt, aesIgeEncrypt } from './crypto';
import type { SecretMedia } from './media';
import type { DeliveredSecret, SecretChatState } from './protocol';

/**
 * Files of secret chats (core.telegram.org/api/end-to-end, "Sending encrypted files"): each file
 * has its own random 32-byte key and iv, unrelated to the chat key, and is AES-256-IGE encrypted,
 * padded to 16 bytes, then uploaded like any file. The key and iv go inside the encrypted message
 * (media.ts); outside, Telegram relays a 32-bit fingerprint of them, which the receiver checks.
 */

const BLOCK = 16;

/** Why a received file was not taken; never carries key material. */
export class SecretFileError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SecretFileError';
	}
}

/** digest = md5(key + iv); fingerprint = digest[0..4] XOR digest[4..8], a signed little-endian int. */
export function fileKeyFingerprint(key: Buffer, iv: Buffer): number {
	const digest = createHash('md5').update(key).update(iv).digest();
	return digest.readInt32LE(0) ^ digest.readInt32LE(4);
}

export interface EncryptedSecretFile {
	/** Whole AES blocks: the file and 0..15 random bytes. */
	encrypted: Buffer;
	key: Buffer;
	iv: Buffer;
	fingerprint: number;
}

/** Encrypts with a fresh key and iv, or with the ones given (a retry must repeat the first attempt's). */
export function encryptSecretFile(
	plain: Buffer,
	keys: { key: Buffer; iv: Buffer } = { key: randomBytes(32), iv: randomBytes(32) },
): EncryptedSecretFile {
	const padded = Buffer.concat([plain, randomBytes((BLOCK - (plain.length % BLOCK)) % BLOCK)]);
	return {
		encrypted: aesIgeEncrypt(padded, keys.key, keys.iv),
		key: keys.key,
		iv: keys.iv,
		fingerprint: fileKeyFingerprint(keys.key, keys.iv),
	};
}

/** Checks the relayed fingerprint and the size against the message's media, then decrypts and trims. */
export function decryptSecretFile(
	encrypted: Buffer,
	media: Pick<SecretMedia, 'key' | 'iv' | 'size'>,
	relayedFingerprint: number,
): Buffer {
	if (media.key.length !== 32 || media.iv.length !== 32)
		throw new SecretFileError(
			'the message gives the file a key or iv that is not 32 bytes: it cannot be decrypted',
		);
	if (fileKeyFingerprint(media.key, media.iv) !== relayedFingerprint)
		throw new SecretFileError(
			"the file's key fingerprint does not match the key in the message: the file was not sent with this message, or was altered, and is refused",
		);
	const expected = Math.ceil(media.size / BLOCK) * BLOCK;
	if (media.size <= 0 || encrypted.length !== expected)
		throw new SecretFileError(
			`the file has ${encrypted.length} encrypted bytes, but the message says ${media.size} bytes (${expected} encrypted): refused`,
		);
	return aesIgeDecrypt(encrypted, media.key, media.iv).subarray(0, media.size);
}

/** Uploads encrypted bytes (upload.saveFilePart / saveBigFilePart) as the input of sendEncryptedFile. */
export async function uploadEncrypted(
	session: TelegramSession,
	file: EncryptedSecretFile,
	fileName: string,
	options: CallOptions,
): Promise<Api.TypeInputEncryptedFile> {
	const { Api } = session.gram;
	const uploaded = await uploadBytes(session, file.encrypted, fileName, options);
	if (uploaded instanceof Api.InputFileBig)
		return new Api.InputEncryptedFileBigUploaded({
			id: uploaded.id,
			parts: uploaded.parts,
			keyFingerprint: file.fingerprint,
		});
	const small = uploaded as Api.InputFile;
	return new Api.InputEncryptedFileUploaded({
		id: small.id,
		parts: small.parts,
		md5Checksum: '',
		keyFingerprint: file.fingerprint,
	});
}

/** Where Telegram keeps an incoming message's file (encryptedFile), stored while the message is held. */
export interface EncryptedFileRef {
	id: string;
	accessHash: string;
	size: number;
	dcId: number;
	keyFingerprint: number;
}

export function encryptedFileRef(
	gram: TelegramSession['gram'],
	file: Api.TypeEncryptedFile | undefined,
): EncryptedFileRef | undefined {
	if (!(file instanceof gram.Api.EncryptedFile)) return undefined;
	return {
		id: String(file.id),
		accessHash: String(file.accessHash),
		size: Number(String(file.size)),
		dcId: file.dcId,
		keyFingerprint: file.keyFingerprint,
	};
}

const EXTENSION: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'video/mp4': 'mp4',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
};

/**
 * An incoming secret file as the trigger downloads one: upload.getFile on its
 * inputEncryptedFileLocation, then the fingerprint and size checks and decryption.
 */
export function secretMessageFile(
	session: TelegramSession,
	ref: EncryptedFileRef,
	media: SecretMedia,
	randomId: bigint,
	node: INode,
): MessageFile {
	const { Api, returnBigInt } = session.gram;
	const extension = EXTENSION[media.mimeType];
	const fileName =
		media.fileName ??
		`${media.type}_${randomId < 0n ? -randomId : randomId}${extension ? `.${extension}` : ''}`;
	return {
		size: media.size,
		fileName,
		mimeType: media.mimeType || 'application/octet-stream',
		download: async () => {
			const ownDc = session.client.session.dcId;
			const encrypted = await downloadParts(
				session,
				{
					location: new Api.InputEncryptedFileLocation({
						id: returnBigInt(ref.id),
						accessHash: returnBigInt(ref.accessHash),
					}),
					size: ref.size,
					fileName,
					mimeType: media.mimeType,
					dcId: ref.dcId,
				},
				node,
				ref.dcId && ref.dcId !== ownDc ? ref.dcId : undefined,
			);
			return {
				bytes: decryptSecretFile(encrypted, media, ref.keyFingerprint),
				fileName,
				mimeType: media.mimeType || 'application/octet-stream',
			};
		},
	};
}

/** Files of held messages kept at most (as many as messages are held). */
const HELD_FILES_MAX = 100;

/**
 * Pairs delivered messages with their encryptedFile. The file of this update belongs to the
 * message its data opened, delivered first; a message held after a gap is delivered by a later
 * update, so its file's address waits in the chat's state under the update's random_id (which
 * clients make the message's own) until then.
 */
export function withFileRefs<S extends SecretChatState & { heldFiles?: unknown }>(
	state: S,
	incoming: { randomId: string; ref: EncryptedFileRef | undefined } | undefined,
	delivered: DeliveredSecret[],
): { state: S; filesOf: Map<DeliveredSecret, EncryptedFileRef> } {
	const waiting = { ...((state.heldFiles as Record<string, EncryptedFileRef> | undefined) ?? {}) };
	const filesOf = new Map<DeliveredSecret, EncryptedFileRef>();
	const first = delivered[0];
	if (incoming?.ref && first?.message.kind === 'message' && first.message.media)
		filesOf.set(first, incoming.ref);
	else if (incoming?.ref && delivered.length === 0) waiting[incoming.randomId] = incoming.ref;
	for (const item of delivered) {
		const key = item.message.randomId.toString();
		if (waiting[key] && !filesOf.has(item)) filesOf.set(item, waiting[key]);
		delete waiting[key];
	}
	const kept = Object.entries(waiting).slice(-HELD_FILES_MAX);
	const next: S = { ...state, heldFiles: Object.fromEntries(kept) };
	if (kept.length === 0) delete next.heldFiles;
	return { state: next, filesOf };
}
