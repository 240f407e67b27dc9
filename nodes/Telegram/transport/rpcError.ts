/**
 * A Telegram RPC error by its name (errorMessage), as Telegram sent it. gramjs turns some names
 * into subclasses whose errorMessage is a generic word ("FLOOD", or a sentence for *_MIGRATE_X)
 * and keeps the number as `seconds` or `newDc`; this puts the original name back, so the rest of
 * the pack matches names and never classes.
 */
export interface RpcFailure {
	name: string;
	code?: number;
	/** The X of FLOOD_WAIT_X / SLOWMODE_WAIT_X. */
	seconds?: number;
	/** The X of *_MIGRATE_X. */
	dcId?: number;
}

interface GramjsRpcErrorShape {
	errorMessage?: unknown;
	code?: unknown;
	seconds?: unknown;
	newDc?: unknown;
	message?: unknown;
}

const MIGRATE_KINDS: Array<[RegExp, string]> = [
	[/^The user whose identity/, 'USER_MIGRATE'],
	[/^The phone number a user/, 'PHONE_MIGRATE'],
	[/^The file to be accessed/, 'FILE_MIGRATE'],
	[/^The source IP address/, 'NETWORK_MIGRATE'],
];

export function readRpcFailure(error: unknown): RpcFailure | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const shape = error as GramjsRpcErrorShape;
	if (typeof shape.errorMessage !== 'string') return undefined;
	const code = typeof shape.code === 'number' ? shape.code : undefined;
	const text = typeof shape.message === 'string' ? shape.message : '';
	if (typeof shape.seconds === 'number') {
		const seconds = shape.seconds;
		const kind = /in this chat/.test(text)
			? 'SLOWMODE_WAIT'
			: /test servers/.test(text)
				? 'FLOOD_TEST_PHONE_WAIT'
				: 'FLOOD_WAIT';
		return { name: `${kind}_${seconds}`, code: code ?? 420, seconds };
	}
	if (typeof shape.newDc === 'number') {
		const kind = MIGRATE_KINDS.find(([pattern]) => pattern.test(text))?.[1] ?? 'USER_MIGRATE';
		return { name: `${kind}_${shape.newDc}`, code: code ?? 303, dcId: shape.newDc };
	}
	const name = shape.errorMessage;
	const wait = /^(?:FLOOD_WAIT|FLOOD_PREMIUM_WAIT|SLOWMODE_WAIT|FLOOD_TEST_PHONE_WAIT)_(\d+)$/.exec(
		name,
	);
	if (wait) return { name, code, seconds: Number(wait[1]) };
	const migrate = /_MIGRATE_(\d+)$/.exec(name);
	if (migrate) return { name, code, dcId: Number(migrate[1]) };
	return { name, code };
}

export function isFloodWait(
	failure: RpcFailure | undefined,
): failure is RpcFailure & { seconds: number } {
	return failure?.seconds !== undefined;
}
