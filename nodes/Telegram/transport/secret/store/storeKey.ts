import {
	checkBinding,
	dataKeyBinding,
	deriveStoreKey,
	kdfIsWeak,
	kdfParamsAreSane,
	newDataKey,
	newKdfParams,
	openBlob,
	sealBlob,
	type KdfParams,
} from './sealing';
import { SecretStoreError } from './errors';

/**
 * The store's key file (store.json, or the Redis meta key). Version 2: a random data key, which
 * seals the chats, kept wrapped (AES-GCM) under a key derived from the storage secret with scrypt;
 * the scrypt settings and salt are recorded beside it. Raising the cost later only re-wraps the
 * data key, the chats stay as they are. Version 1 (older stores): the scrypt output itself was the
 * data key, proven by a sealed check value; such a file is upgraded to version 2 at today's cost
 * when opened, keeping that data key, so its chats open unchanged.
 * Either way a wrong secret is told apart from a damaged chat before any chat is read.
 */

const FORMAT = 'telegram-secret-chats';
const CHECK_TEXT = 'telegram-secret-chats store check';

interface KdfField {
	name: 'scrypt';
	N: number;
	r: number;
	p: number;
	salt: string;
}

interface StoreKeyFileV1 {
	format: typeof FORMAT;
	version: 1;
	accountId: string;
	kdf: KdfField;
	check: string;
}

interface StoreKeyFileV2 {
	format: typeof FORMAT;
	version: 2;
	accountId: string;
	kdf: KdfField;
	/** The data key sealed under the scrypt-derived key (base64). */
	dataKey: string;
}

export function checkStorageSecret(secret: unknown): asserts secret is string {
	if (typeof secret !== 'string' || secret === '') {
		throw new SecretStoreError(
			'The storage secret for secret chats is empty: enter a secret in the credential (keep a copy; without it saved secret chats cannot be opened).',
			'invalid',
		);
	}
}

/** A version 2 key file's text wrapping `dataKey` under `secret` at today's cost. */
async function wrapDataKey(secret: string, accountId: string, dataKey: Buffer): Promise<string> {
	const kdf = newKdfParams();
	const wrapping = await deriveStoreKey(secret, kdf);
	try {
		const file: StoreKeyFileV2 = {
			format: FORMAT,
			version: 2,
			accountId,
			kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt.toString('base64') },
			dataKey: sealBlob(wrapping, dataKey, dataKeyBinding(accountId)).toString('base64'),
		};
		return `${JSON.stringify(file, null, '\t')}\n`;
	} finally {
		wrapping.fill(0);
	}
}

/** A new key file's text and the (random) data key it wraps. */
export async function newStoreKeyFile(
	secret: string,
	accountId: string,
): Promise<{ text: string; key: Buffer }> {
	const key = newDataKey();
	return { text: await wrapDataKey(secret, accountId, key), key };
}

interface ParsedKeyFile {
	version: 1 | 2;
	accountId: string;
	kdf: KdfParams;
	/** v1: the check value; v2: the wrapped data key. */
	sealed: Buffer;
}

function readKeyFile(text: string): ParsedKeyFile | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return undefined;
	}
	const file = parsed as Partial<StoreKeyFileV1> | Partial<StoreKeyFileV2> | null;
	const kdf = file?.kdf;
	if (file?.format !== FORMAT || typeof file.accountId !== 'string') return undefined;
	const sealed = file.version === 1 ? file.check : file.version === 2 ? file.dataKey : undefined;
	if (typeof sealed !== 'string') return undefined;
	if (kdf?.name !== 'scrypt' || typeof kdf.salt !== 'string') return undefined;
	const params: KdfParams = {
		N: Number(kdf.N),
		r: Number(kdf.r),
		p: Number(kdf.p),
		salt: Buffer.from(kdf.salt, 'base64'),
	};
	if (!kdfParamsAreSane(params)) return undefined;
	return {
		version: file.version as 1 | 2,
		accountId: file.accountId,
		kdf: params,
		sealed: Buffer.from(sealed, 'base64'),
	};
}

/** The data key, or undefined when `secret` does not open the file. */
async function openDataKey(
	file: ParsedKeyFile,
	secret: string,
	accountId: string,
): Promise<Buffer | undefined> {
	const derived = await deriveStoreKey(secret, file.kdf);
	if (file.version === 1) {
		const check = openBlob(derived, file.sealed, checkBinding(accountId));
		if (check?.toString('utf8') === CHECK_TEXT) return derived;
		derived.fill(0);
		return undefined;
	}
	try {
		const key = openBlob(derived, file.sealed, dataKeyBinding(accountId));
		return key?.length === 32 ? key : undefined;
	} finally {
		derived.fill(0);
	}
}

export interface UnlockedStoreKey {
	key: Buffer;
	/** The key file re-sealed at today's cost, when the one read was older or cheaper: the backend saves it. */
	upgraded?: string;
}

/** Opens the data key with `secret`; says so clearly when the file is damaged or the secret wrong. */
export async function unlockStoreKeyFile(
	text: string,
	secret: string,
	accountId: string,
	where: string,
): Promise<UnlockedStoreKey> {
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
	const key = await openDataKey(file, secret, accountId);
	if (!key) {
		throw new SecretStoreError(
			`The storage secret does not open the secret-chat store of account "${accountId}" (${where}): it is not the secret the store was created with, or the store's key file is damaged. Nothing was changed or reset; enter the original storage secret.`,
			'wrong-secret',
		);
	}
	if (file.version === 2 && !kdfIsWeak(file.kdf)) return { key };
	return { key, upgraded: await wrapDataKey(secret, accountId, key) };
}
