import {
	checkBinding,
	deriveStoreKey,
	kdfParamsAreSane,
	newKdfParams,
	openBlob,
	sealBlob,
	type KdfParams,
} from './sealing';
import { SecretStoreError } from './errors';

/**
 * The store's key file (store.json, or the Redis meta key): scrypt settings and salt, plus a check
 * value sealed with the derived key. The check tells "wrong secret" apart from "damaged chat"
 * before any chat is read, so neither is ever mistaken for an empty store.
 */

const FORMAT = 'telegram-secret-chats';
const CHECK_TEXT = 'telegram-secret-chats store check';

interface StoreKeyFile {
	format: typeof FORMAT;
	version: 1;
	accountId: string;
	kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
	check: string;
}

export function checkStorageSecret(secret: unknown): asserts secret is string {
	if (typeof secret !== 'string' || secret === '') {
		throw new SecretStoreError(
			'The storage secret for secret chats is empty: enter a secret in the credential (keep a copy; without it saved secret chats cannot be opened).',
			'invalid',
		);
	}
}

/** A new key file's text and the key derived for it. */
export async function newStoreKeyFile(
	secret: string,
	accountId: string,
): Promise<{ text: string; key: Buffer }> {
	const kdf = newKdfParams();
	const key = await deriveStoreKey(secret, kdf);
	const file: StoreKeyFile = {
		format: FORMAT,
		version: 1,
		accountId,
		kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt.toString('base64') },
		check: sealBlob(key, Buffer.from(CHECK_TEXT, 'utf8'), checkBinding(accountId)).toString(
			'base64',
		),
	};
	return { text: `${JSON.stringify(file, null, '\t')}\n`, key };
}

function readKeyFile(
	text: string,
): { accountId: string; kdf: KdfParams; check: Buffer } | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return undefined;
	}
	const file = parsed as Partial<StoreKeyFile> | null;
	const kdf = file?.kdf;
	if (
		file?.format !== FORMAT ||
		file.version !== 1 ||
		typeof file.accountId !== 'string' ||
		typeof file.check !== 'string'
	)
		return undefined;
	if (kdf?.name !== 'scrypt' || typeof kdf.salt !== 'string') return undefined;
	const params: KdfParams = {
		N: Number(kdf.N),
		r: Number(kdf.r),
		p: Number(kdf.p),
		salt: Buffer.from(kdf.salt, 'base64'),
	};
	if (!kdfParamsAreSane(params)) return undefined;
	return { accountId: file.accountId, kdf: params, check: Buffer.from(file.check, 'base64') };
}

/** Derives the store key from `secret` and proves it against the check value. */
export async function unlockStoreKeyFile(
	text: string,
	secret: string,
	accountId: string,
	where: string,
): Promise<Buffer> {
	const file = readKeyFile(text);
	if (!file) {
		throw new SecretStoreError(
			`The key file of the secret-chat store (${where}) is damaged: it is not a store key file any more. Nothing was reset; restore it from a backup, otherwise the chats saved beside it cannot be opened.`,
			'damaged',
		);
	}
	if (file.accountId !== accountId) {
		throw new SecretStoreError(
			`The key file of the secret-chat store (${where}) belongs to account "${file.accountId}", not "${accountId}": it was copied or moved. Nothing was reset; put the account's own key file back.`,
			'damaged',
		);
	}
	const key = await deriveStoreKey(secret, file.kdf);
	const check = openBlob(key, file.check, checkBinding(accountId));
	if (!check || check.toString('utf8') !== CHECK_TEXT) {
		key.fill(0);
		throw new SecretStoreError(
			`The storage secret does not open the secret-chat store of account "${accountId}" (${where}): it is not the secret the store was created with, or the store's key file is damaged. Nothing was changed or reset; enter the original storage secret.`,
			'wrong-secret',
		);
	}
	return key;
}
