import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { isNodeError, settle } from '../../../../shared/errors';
import { recallSent, rememberSent, sendKey } from '../../../../shared/executionMemo';
import { rpcFailureOf, withTelegramAccount, type ChatReference, type ResolvedChat, type TelegramSession } from '../../transport';
import { findChat, readChat } from '../fields';
import { chatOutput } from '../output';
import { readMessageIds } from './messageIds';

/** Telegram takes at most 100 message ids per sendScheduledMessages / deleteScheduledMessages. */
export const IDS_PER_CALL = 100;

export interface ScheduledBatchOperation {
	/** For the execution memo, e.g. 'scheduledMessage.sendNow'. */
	name: string;
	/** One call for up to IDS_PER_CALL ids of one chat; returns what each id became, if anything. */
	act(context: IExecuteFunctions, session: TelegramSession, chat: ResolvedChat, ids: number[], itemIndex: number): Promise<Map<number, number> | void>;
	output(chat: ResolvedChat, ids: number[], resultIds: Map<number, number>): IDataObject;
}

interface ItemRequest {
	itemIndex: number;
	reference: ChatReference;
	ids: number[];
}

interface Batch {
	chat: ResolvedChat;
	requests: ItemRequest[];
	ids: number[];
}

type ItemOutcome = { ok: true; json: IDataObject } | { ok: false; error: Error };

function trySync<T>(read: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
	try {
		return { ok: true, value: read() };
	} catch (error) {
		return { ok: false, error };
	}
}

function asItemError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (isNodeError(error)) {
		// A batch's error belongs to each of its items: each gets its own copy with its index.
		const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as typeof error;
		copy.context = { ...(error.context ?? {}), itemIndex };
		return copy;
	}
	return new NodeOperationError(context.getNode(), error instanceof Error ? error : new Error(String(error)), { itemIndex });
}

/** Whole items per call while their ids fit; an item with more ids than fit gets calls of its own. */
export function packBatches(chat: ResolvedChat, requests: ItemRequest[], limit = IDS_PER_CALL): Batch[] {
	const batches: Batch[] = [];
	let current: Batch | undefined;
	for (const request of requests) {
		if (request.ids.length > limit) {
			for (let start = 0; start < request.ids.length; start += limit) batches.push({ chat, requests: [request], ids: request.ids.slice(start, start + limit) });
			current = undefined;
			continue;
		}
		const fresh = request.ids.filter((id) => !current?.ids.includes(id));
		if (!current || current.ids.length + fresh.length > limit) {
			current = { chat, requests: [], ids: [] };
			batches.push(current);
		}
		current.requests.push(request);
		current.ids.push(...request.ids.filter((id) => !current?.ids.includes(id)));
	}
	return batches;
}

/**
 * Send Now and Delete over all input items at once: items are checked first (a bad one stops
 * the run before any call, unless Continue On Fail), grouped by chat, and sent in as few calls
 * as Telegram allows. When a shared call fails because of one item's ids (MESSAGE_ID_INVALID),
 * each item of it is tried alone, so only the wrong item fails.
 */
export async function runScheduledBatch(context: IExecuteFunctions, operation: ScheduledBatchOperation): Promise<INodeExecutionData[][]> {
	const count = context.getInputData().length;
	const continueOnFail = context.continueOnFail();
	const outcomes: Array<ItemOutcome | undefined> = new Array(count);
	const pending: ItemRequest[] = [];

	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		const remembered = recallSent(sendKey(context, itemIndex, operation.name));
		if (remembered) {
			outcomes[itemIndex] = { ok: true, json: remembered };
			continue;
		}
		const read = trySync(() => ({ itemIndex, reference: readChat(context, itemIndex), ids: readMessageIds(context, itemIndex) }));
		if (read.ok) pending.push(read.value);
		else if (continueOnFail) outcomes[itemIndex] = { ok: false, error: asItemError(context, read.error, itemIndex) };
		else throw asItemError(context, read.error, itemIndex);
	}

	const failed = () => !continueOnFail && outcomes.some((outcome) => outcome?.ok === false);
	const succeed = (request: ItemRequest, chat: ResolvedChat, resultIds: Map<number, number>) => {
		const json = { ...chatOutput(chat), ...operation.output(chat, request.ids, resultIds) };
		rememberSent(sendKey(context, request.itemIndex, operation.name), json);
		outcomes[request.itemIndex] = { ok: true, json };
	};
	const fail = (request: ItemRequest, error: unknown) => {
		outcomes[request.itemIndex] = { ok: false, error: asItemError(context, error, request.itemIndex) };
	};

	if (pending.length > 0) {
		const connected = await settle(
			withTelegramAccount(context, pending[0].itemIndex, async (session) => {
				const groups = new Map<string, { chat: ResolvedChat; requests: ItemRequest[] }>();
				for (const request of pending) {
					if (failed()) return;
					const resolved = await settle(findChat(context, session, request.reference, request.itemIndex));
					if (!resolved.ok) {
						fail(request, resolved.error);
						continue;
					}
					const group = groups.get(resolved.value.id) ?? { chat: resolved.value, requests: [] };
					group.requests.push(request);
					groups.set(resolved.value.id, group);
				}
				for (const group of groups.values()) {
					for (const batch of packBatches(group.chat, group.requests)) {
						if (failed()) return;
						await runBatch(context, session, operation, batch, succeed, fail);
					}
				}
			}),
		);
		if (!connected.ok) for (const request of pending) if (!outcomes[request.itemIndex]) fail(request, connected.error);
	}

	const firstFailure = outcomes.find((outcome): outcome is { ok: false; error: Error } => outcome?.ok === false);
	if (firstFailure && !continueOnFail) throw firstFailure.error;
	const items: INodeExecutionData[] = [];
	outcomes.forEach((outcome, itemIndex) => {
		if (!outcome) return;
		const pairedItem = { item: itemIndex };
		if (outcome.ok) items.push({ json: outcome.json, pairedItem });
		else items.push({ json: { error: outcome.error.message, errorDescription: (outcome.error as { description?: string }).description ?? null }, pairedItem });
	});
	return [items];
}

/** Items whose ids span several batches (over 100 ids) succeed when all their batches do. */
const partialResults = new WeakMap<ItemRequest, Map<number, number>>();

async function runBatch(
	context: IExecuteFunctions,
	session: TelegramSession,
	operation: ScheduledBatchOperation,
	batch: Batch,
	succeed: (request: ItemRequest, chat: ResolvedChat, resultIds: Map<number, number>) => void,
	fail: (request: ItemRequest, error: unknown) => void,
) {
	const first = batch.requests[0];
	const outcome = await settle(operation.act(context, session, batch.chat, batch.ids, first.itemIndex));
	if (outcome.ok) {
		const resultIds = outcome.value ?? new Map<number, number>();
		for (const request of batch.requests) {
			const collected = partialResults.get(request) ?? new Map<number, number>();
			for (const id of batch.ids) if (resultIds.has(id)) collected.set(id, resultIds.get(id) as number);
			partialResults.set(request, collected);
			const isLastPart = request.ids.length <= IDS_PER_CALL || request.ids.at(-1) === batch.ids.at(-1);
			if (isLastPart) succeed(request, batch.chat, collected);
		}
		return;
	}
	const oneItemsFault = rpcFailureOf(outcome.error)?.name === 'MESSAGE_ID_INVALID';
	if (!oneItemsFault || batch.requests.length === 1) {
		for (const request of batch.requests) fail(request, outcome.error);
		return;
	}
	for (const request of batch.requests) await runBatch(context, session, operation, { chat: batch.chat, requests: [request], ids: request.ids }, succeed, fail);
}
