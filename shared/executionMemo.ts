import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { settle } from './errors';
import { nodeOfRun } from './nodeOfRun';
import { oncePerRun } from './oncePerRun';
import { sha256 } from './sha256';
import { stopSignalOf } from './stop';

/**
 * What a send in this execution already did, so that n8n's Retry On Fail, which re-runs the whole
 * node for every item, neither sends an item twice nor re-sends one whose outcome was unclear.
 * Kept in process memory: a retry runs in the same process as the attempt it repeats.
 */
type Outcome = { kind: 'sent'; result: IDataObject } | { kind: 'unclear'; error: Error };
type Store = Map<string, { outcome: Outcome; expiresAt: number }>;

const TTL_MS = 6 * 60 * 60 * 1000;
const MAX_ENTRIES = 50_000;
// One store per execution, held by the execution's cancel signal: n8n makes one per execution and
// passes the same one to every run and retry of a node in it, so the store lives exactly as long
// as the execution and nothing of its items stays in memory after it. Contexts without a signal
// share one store bounded by TTL and size.
const storeByExecution = new WeakMap<AbortSignal, Store>();
const sharedStore: Store = new Map();

function storeOf(context: IExecuteFunctions): Store {
	const signal = stopSignalOf(context);
	if (!signal) return sharedStore;
	let store = storeByExecution.get(signal);
	if (!store) storeByExecution.set(signal, (store = new Map()));
	return store;
}

/** The once-only memory's key of one send, in its execution's store (see sendKey). */
export interface MemoKey {
	/** sha256 of the send's identity (see sendIdentity). */
	id: string;
	store: Store;
}

/** The node's run index: a loop, two branches or a Merge run a node several times in one execution. */
export function runIndexOf(context: IExecuteFunctions): number {
	// n8n-core's execution contexts carry it as a public field; Retry On Fail keeps it.
	const runIndex = (context as unknown as { runIndex?: unknown }).runIndex;
	return typeof runIndex === 'number' && Number.isInteger(runIndex) ? runIndex : 0;
}

function instanceIdOf(context: IExecuteFunctions): string {
	try {
		return context.getInstanceId() ?? '';
	} catch {
		return '';
	}
}

// The parts of a send's identity that are the same for every item of a node run, found once per
// run (`this` of execute() is one object for all its items) rather than for every send.
const runPartsOf = oncePerRun((context: IExecuteFunctions) => {
	const node = nodeOfRun(context);
	return {
		instanceId: instanceIdOf(context),
		workflowId: context.getWorkflow().id ?? '',
		nodeId: node.id ?? node.name,
	};
});

/**
 * What makes one send unique: n8n instance, workflow, execution, node, the node's run index,
 * operation, item and part (album part, batch). A retry of the node (same run index) repeats it;
 * the next pass of a loop or another branch (next run index) is a new send. The request body is
 * not part of it: a retry re-evaluates expressions, so a `{{ $now }}` send time differs between
 * attempts. Undefined without an execution id: nothing can then be recognised again.
 */
export function sendIdentity(
	context: IExecuteFunctions,
	operation: string,
	itemIndex: number,
	part: number | string = 0,
): string | undefined {
	const executionId = context.getExecutionId();
	if (!executionId || executionId === '__UNKNOWN__') return undefined;
	const { instanceId, workflowId, nodeId } = runPartsOf(context);
	return JSON.stringify([
		instanceId,
		workflowId,
		executionId,
		nodeId,
		runIndexOf(context),
		operation,
		itemIndex,
		part,
	]);
}

/** The once-only memory's key of one send (see sendIdentity). */
export function sendKey(
	context: IExecuteFunctions,
	itemIndex: number,
	operation: string,
	part: number | string = 0,
): MemoKey | undefined {
	const identity = sendIdentity(context, operation, itemIndex, part);
	if (identity === undefined) return undefined;
	return { id: sha256(identity).toString('hex'), store: storeOf(context) };
}

function recall(key: MemoKey | undefined): Outcome | undefined {
	const entry = key?.store.get(key.id);
	return entry && entry.expiresAt > Date.now() ? entry.outcome : undefined;
}

function remember({ id, store }: MemoKey, outcome: Outcome) {
	const now = Date.now();
	if (store.size >= MAX_ENTRIES) {
		for (const [oldKey, entry] of store)
			if (entry.expiresAt < now || store.size >= MAX_ENTRIES) store.delete(oldKey);
	}
	store.set(id, { outcome, expiresAt: now + TTL_MS });
}

/**
 * Runs `send` unless this execution already sent the same item (its result is returned again)
 * or already failed it in a way that may have sent it (that error is thrown again).
 */
export async function sendOnce(
	key: MemoKey | undefined,
	send: () => Promise<IDataObject>,
	isUnclear: (error: unknown) => boolean,
): Promise<IDataObject> {
	const previous = recall(key);
	if (previous) {
		if (previous.kind === 'sent') return previous.result;
		throw previous.error;
	}
	const outcome = await settle(send());
	if (outcome.ok) {
		if (key) remember(key, { kind: 'sent', result: outcome.value });
		return outcome.value;
	}
	if (key && isUnclear(outcome.error))
		remember(key, { kind: 'unclear', error: outcome.error as Error });
	throw outcome.error;
}

/** Flags an error after which the provider may have acted on a create request (sendOnce remembers it). */
export function markUnclearCreate<E extends Error>(error: E): E {
	return Object.assign(error, { unclearCreate: true });
}

/** For sendOnce: whether an error came from a create whose outcome is unknown. */
export function isUnclearCreate(error: unknown): boolean {
	return (error as { unclearCreate?: boolean } | undefined)?.unclearCreate === true;
}

/** What this execution already sent for `key`, for sends made in batches rather than through sendOnce. */
export function recallSent(key: MemoKey | undefined): IDataObject | undefined {
	const previous = recall(key);
	return previous?.kind === 'sent' ? previous.result : undefined;
}

/** Records a batched send's result for `key`, so a retry of the node finds it (see recallSent). */
export function rememberSent(key: MemoKey | undefined, result: IDataObject): void {
	if (key) remember(key, { kind: 'sent', result });
}

/** Flags an error after which the provider may have acted on the request, whatever it was. */
export function markMayHaveActed<E extends Error>(error: E): E {
	return Object.assign(error, { mayHaveActed: true });
}

export function mayHaveActed(error: unknown): boolean {
	return (error as { mayHaveActed?: boolean } | undefined)?.mayHaveActed === true;
}

/**
 * A removal (delete, cancel) at most once per execution. A removed item returns its earlier
 * result; after an attempt whose answer was lost (the provider may have acted), a retry that
 * finds the target gone counts as done (`alreadyGone` says what to output), not as a failure.
 */
export async function removeOnce(
	key: MemoKey | undefined,
	remove: () => Promise<IDataObject>,
	isGone: (error: unknown) => boolean,
	alreadyGone: (error: unknown) => IDataObject,
): Promise<IDataObject> {
	const earlier = recall(key);
	if (earlier?.kind === 'sent') return earlier.result;
	const outcome = await settle(remove());
	let result: IDataObject | undefined = outcome.ok ? outcome.value : undefined;
	if (!outcome.ok && earlier?.kind === 'unclear' && isGone(outcome.error))
		result = alreadyGone(outcome.error);
	if (result) {
		if (key) remember(key, { kind: 'sent', result });
		return result;
	}
	const { error } = outcome as { error: unknown };
	if (key && mayHaveActed(error)) remember(key, { kind: 'unclear', error: error as Error });
	throw error;
}
