/** Why the store refused; lets the caller pick what to tell the user. */
export type SecretStoreErrorReason =
	/** The storage secret does not open this store (or its key file is damaged). */
	| 'wrong-secret'
	/** A chat's saved state (or the store's key file) cannot be read back: damaged, truncated or copied. */
	| 'damaged'
	/** Another execution or worker kept the chat locked for longer than we wait. */
	| 'locked'
	/** Our lock on the chat expired and someone else took it; the change was not saved. */
	| 'lost-lock'
	/** The folder or Redis cannot be used (permissions, disk, connection). */
	| 'unavailable'
	/** The caller passed something the store cannot keep (bad id, bad state, store closed). */
	| 'invalid';

/**
 * Everything the store throws. Messages name the chat and the store's location and say what to
 * do; they never contain the storage secret, derived keys or any saved state.
 */
export class SecretStoreError extends Error {
	constructor(
		message: string,
		readonly reason: SecretStoreErrorReason,
		readonly chatId?: number,
	) {
		super(message);
		this.name = 'SecretStoreError';
	}
}

/** A system error's code (ENOENT, EEXIST, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** For .catch(): `undefined` when the error has this code (ENOENT, EEXIST), the error itself otherwise. */
export function undefinedOn(code: string) {
	return (error: unknown): undefined => {
		if (errorCode(error) === code) return undefined;
		throw error;
	};
}

/** A filesystem or Redis failure as a store error (store errors pass as they are); system messages carry no secrets. */
export function unavailable(what: string, error: unknown, chatId?: number): SecretStoreError {
	if (error instanceof SecretStoreError) return error;
	const detail = error instanceof Error ? error.message : String(error);
	return new SecretStoreError(`${what}: ${detail}`, 'unavailable', chatId);
}
