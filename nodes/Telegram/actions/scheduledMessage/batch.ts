import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { attempt, isNodeError, settle } from '../../../../shared/errors';
import { recallSent, rememberSent, sendKey } from '../../../../shared/executionMemo';
import { outputOfOutcomes, type ItemOutcome } from '../../../../shared/items';
import { ExecutionStoppedError, stopSignalOf } from '../../../../shared/stop';
import {
	listScheduled,
	rpcFailureOf,
	withTelegramAccount,
	type ChatReference,
	type ResolvedChat,
	type TelegramSession,
} from '../../transport';
import { callOptions, findChat, readChat } from '../readers';
import { chatOutput } from '../output';
import { readMessageIds } from './messageIds';

/** Telegram takes at most 100 message ids per sendScheduledMessages / deleteScheduledMessages. */
export const IDS_PER_CALL = 100;

export interface ScheduledBatchOperation {
	/** For the execution memo, e.g. 'scheduledMessage.sendNow'. */
	name: string;
	/** One call for up to IDS_PER_CALL ids of one chat; returns what each id became, if anything. */
	act(
		context: IExecuteFunctions,
		session: TelegramSession,
		chat: ResolvedChat,
		ids: number[],
		itemIndex: number,
	): Promise<Map<number, number> | void>;
	output(chat: ResolvedChat, ids: number[], resultIds: Map<number, number | null>): IDataObject;
}

export interface ItemRequest {
	itemIndex: number;
	reference: ChatReference;
	/** The ids the item asked for. */
	ids: number[];
	/** The ids acted on: the asked ones with the rest of their albums (set from the queue). */
	albumIds?: number[];
}

const idsToAct = (request: ItemRequest) => request.albumIds ?? request.ids;

export interface Batch {
	chat: ResolvedChat;
	requests: ItemRequest[];
	ids: number[];
}

/** Whole items per call while their ids fit; an item with more ids than fit gets calls of its own. */
export function packBatches(
	chat: ResolvedChat,
	requests: ItemRequest[],
	limit = IDS_PER_CALL,
): Batch[] {
	const batches: Batch[] = [];
	let current: Batch | undefined;
	for (const request of requests) {
		if (request.ids.length > limit) {
			for (let start = 0; start < request.ids.length; start += limit)
				batches.push({ chat, requests: [request], ids: request.ids.slice(start, start + limit) });
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
 * One run of Send Now or Delete over all input items: what each item's ids became so far, kept
 * per execution, node, run and item, so Retry On Fail continues where the last attempt stopped
 * instead of repeating calls into MESSAGE_ID_INVALID.
 */
class BatchRun {
	readonly outcomes: Array<ItemOutcome | undefined>;
	private readonly stop: AbortSignal | undefined;
	private readonly continueOnFail: boolean;

	constructor(
		readonly context: IExecuteFunctions,
		readonly operation: ScheduledBatchOperation,
	) {
		this.outcomes = new Array(context.getInputData().length);
		this.stop = stopSignalOf(context);
		this.continueOnFail = context.continueOnFail();
	}

	get mustEnd(): boolean {
		return (
			this.stop?.aborted === true ||
			(!this.continueOnFail && this.outcomes.some((outcome) => outcome?.ok === false))
		);
	}

	private progressKey(itemIndex: number) {
		return sendKey(this.context, itemIndex, this.operation.name, 'progress');
	}

	/** Ids of the item already acted on in this execution (by this or an earlier attempt), with what they became. */
	progressOf(itemIndex: number): Map<number, number | null> {
		const saved = recallSent(this.progressKey(itemIndex));
		const ids = (saved?.ids ?? []) as number[];
		const results = (saved?.results ?? []) as Array<number | null>;
		return new Map(ids.map((id, index) => [id, results[index] ?? null]));
	}

	/** Records that `ids` were acted on (`results`: what each became, when Telegram said). */
	record(batch: Batch, ids: number[], results?: Map<number, number> | void) {
		for (const request of batch.requests) {
			const progress = this.progressOf(request.itemIndex);
			for (const id of ids)
				if (idsToAct(request).includes(id))
					progress.set(id, results?.get(id) ?? progress.get(id) ?? null);
			rememberSent(this.progressKey(request.itemIndex), {
				ids: [...progress.keys()],
				results: [...progress.values()],
			});
		}
	}

	fail(request: ItemRequest, error: unknown) {
		if (!this.outcomes[request.itemIndex])
			this.outcomes[request.itemIndex] = {
				ok: false,
				error: itemError(this.context, error, request.itemIndex),
			};
	}

	/** An item whose ids are all acted on succeeds (and is remembered whole); others end stopped or failed. */
	finish(request: ItemRequest, chat: ResolvedChat) {
		if (this.outcomes[request.itemIndex]) return;
		const progress = this.progressOf(request.itemIndex);
		// A retry that finds everything done already knows the album members from the progress.
		const ids =
			request.albumIds ?? [...new Set([...request.ids, ...progress.keys()])].sort((a, b) => a - b);
		if (ids.every((id) => progress.has(id))) {
			const json = {
				...chatOutput(chat),
				requestedMessageIds: request.ids,
				...this.operation.output(chat, ids, progress),
				expandedFromAlbum: ids.length > request.ids.length,
			};
			rememberSent(sendKey(this.context, request.itemIndex, this.operation.name), json);
			this.outcomes[request.itemIndex] = { ok: true, json };
		} else if (this.stop?.aborted) {
			this.fail(request, new ExecutionStoppedError());
		}
	}
}

function itemError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (isNodeError(error)) {
		// A batch's error belongs to each of its items: each gets its own copy with its index.
		const copy = Object.create(
			Object.getPrototypeOf(error) as object,
			Object.getOwnPropertyDescriptors(error),
		) as typeof error;
		copy.context = { ...(error.context ?? {}), itemIndex };
		return copy;
	}
	return new NodeOperationError(
		context.getNode(),
		error instanceof Error ? error : new Error(String(error)),
		{ itemIndex },
	);
}

function notScheduledError(
	context: IExecuteFunctions,
	chat: ResolvedChat,
	ids: number[],
	itemIndex: number,
): Error {
	const list = ids.join(', ');
	return new NodeOperationError(
		context.getNode(),
		`Telegram: ${ids.length === 1 ? 'message' : 'messages'} ${list} ${ids.length === 1 ? 'is' : 'are'} not scheduled in ${chat.title} (MESSAGE_ID_INVALID)`,
		{
			description:
				'Nothing was done for this item. The message may have been sent or deleted already, or the ID belongs to another chat: check the IDs with Get Many.',
			itemIndex,
		},
	);
}

/**
 * Send Now and Delete over all input items at once: items are checked first (a bad one stops
 * the run before any call, unless Continue On Fail), grouped by chat, checked against the chat's
 * scheduled queue (one read per chat: a wrong id fails its own item without costing calls),
 * and sent in as few calls as Telegram allows. A call whose answer was lost is settled by reading
 * the queue again, never by repeating it blindly.
 */
export async function runScheduledBatch(
	context: IExecuteFunctions,
	operation: ScheduledBatchOperation,
	checkItem: (itemIndex: number) => void,
): Promise<INodeExecutionData[][]> {
	const run = new BatchRun(context, operation);
	const pending: ItemRequest[] = [];

	for (let itemIndex = 0; itemIndex < run.outcomes.length; itemIndex++) {
		const remembered = recallSent(sendKey(context, itemIndex, operation.name));
		if (remembered) {
			run.outcomes[itemIndex] = { ok: true, json: remembered };
			continue;
		}
		const read = attempt(() => {
			checkItem(itemIndex);
			return {
				itemIndex,
				reference: readChat(context, itemIndex),
				ids: readMessageIds(context, itemIndex),
			};
		});
		if (read.ok) pending.push(read.value);
		else if (context.continueOnFail())
			run.fail({ itemIndex, reference: { kind: 'self' }, ids: [] }, read.error);
		else throw itemError(context, read.error, itemIndex);
	}

	if (pending.length > 0) {
		const connected = await settle(
			withTelegramAccount(context, pending[0].itemIndex, async (session) => {
				const groups = new Map<string, { chat: ResolvedChat; requests: ItemRequest[] }>();
				for (const request of pending) {
					if (run.mustEnd) break;
					const resolved = await settle(
						findChat(context, session, request.reference, request.itemIndex),
					);
					if (!resolved.ok) {
						run.fail(request, resolved.error);
						continue;
					}
					const group = groups.get(resolved.value.id) ?? { chat: resolved.value, requests: [] };
					group.requests.push(request);
					groups.set(resolved.value.id, group);
				}
				for (const { chat, requests } of groups.values()) {
					if (!run.mustEnd) await actInChat(run, session, chat, requests);
					for (const request of requests) run.finish(request, chat);
				}
			}),
		);
		if (!connected.ok) for (const request of pending) run.fail(request, connected.error);
		if (stopSignalOf(context)?.aborted)
			for (const request of pending) run.fail(request, new ExecutionStoppedError());
	}
	return outputOfOutcomes(context, run.outcomes);
}

/** The chat's scheduled queue: id -> album (grouped_id), '' for a message on its own. */
async function scheduledIds(
	run: BatchRun,
	session: TelegramSession,
	chat: ResolvedChat,
	itemIndex: number,
): Promise<Map<number, string>> {
	const queue = await listScheduled(
		session,
		chat,
		callOptions(run.context, itemIndex, `reading the scheduled messages of ${chat.title}`),
	);
	return new Map(queue.map((message) => [message.id, message.groupedId ?? '']));
}

/**
 * The ids with every other message of their albums, in queue order: Telegram sends or deletes
 * only the ids given, so one message of an album would leave the album split (Telegram Desktop
 * expands the selection the same way).
 */
function withTheirAlbums(ids: number[], queue: Map<number, string>): number[] {
	const albums = new Set(ids.map((id) => queue.get(id)).filter((album) => !!album));
	const members = [...queue]
		.filter(([id, album]) => albums.has(album) && !ids.includes(id))
		.map(([id]) => id);
	return [...ids, ...members].sort((a, b) => a - b);
}

async function actInChat(
	run: BatchRun,
	session: TelegramSession,
	chat: ResolvedChat,
	requests: ItemRequest[],
) {
	const todo = requests
		.map((request) => ({
			request,
			ids: request.ids.filter((id) => !run.progressOf(request.itemIndex).has(id)),
		}))
		.filter((entry) => entry.ids.length > 0);
	if (todo.length === 0) return;
	const queued = await settle(scheduledIds(run, session, chat, todo[0].request.itemIndex));
	if (!queued.ok) {
		for (const { request } of todo) run.fail(request, queued.error);
		return;
	}
	const ready: ItemRequest[] = [];
	for (const { request, ids } of todo) {
		const missing = ids.filter((id) => !queued.value.has(id));
		if (missing.length > 0) {
			run.fail(request, notScheduledError(run.context, chat, missing, request.itemIndex));
			continue;
		}
		// The item's output and completion follow the expanded ids (finish() reads them).
		request.albumIds = withTheirAlbums(request.ids, queued.value);
		const progress = run.progressOf(request.itemIndex);
		ready.push({ ...request, ids: request.albumIds.filter((id) => !progress.has(id)) });
	}
	for (const batch of packBatches(chat, ready)) {
		if (run.mustEnd) return;
		await actOnBatch(run, session, batch);
	}
}

async function actOnBatch(run: BatchRun, session: TelegramSession, batch: Batch) {
	const { context, operation } = run;
	const itemIndex = batch.requests[0].itemIndex;
	const outcome = await settle(operation.act(context, session, batch.chat, batch.ids, itemIndex));
	if (outcome.ok) return run.record(batch, batch.ids, outcome.value);

	// Lost answers (gramjs repeats a call after reconnecting, and the repeat finds the ids gone) and
	// timeouts leave it open whether Telegram acted: the queue says.
	const failure = rpcFailureOf(outcome.error);
	if (failure !== undefined && failure.name !== 'MESSAGE_ID_INVALID') {
		for (const request of batch.requests) run.fail(request, outcome.error);
		return;
	}
	const queued = await settle(scheduledIds(run, session, batch.chat, itemIndex));
	if (!queued.ok) {
		for (const request of batch.requests) run.fail(request, outcome.error);
		return;
	}
	run.record(
		batch,
		batch.ids.filter((id) => !queued.value.has(id)),
	);
	const left = batch.ids.filter((id) => queued.value.has(id));
	if (left.length === 0 || run.mustEnd) return;
	const again = await settle(operation.act(context, session, batch.chat, left, itemIndex));
	if (again.ok) return run.record(batch, left, again.value);
	for (const request of batch.requests)
		if (request.ids.some((id) => left.includes(id))) run.fail(request, again.error);
}
