import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import {
	channelMessagesAfter,
	deleteEventQueue,
	openZulipSession,
	ownUserId,
	pollEvents,
	registerEventQueue,
	type QueueRegistration,
	type ZulipSession,
} from '../transport/events';
import {
	changeKind,
	channelMessageItem,
	removalWasDelivery,
	scheduledItem,
	wantsMessage,
	zulipEventTypes,
	type TriggerEventName,
} from './triggerEvents';
import type { TriggerState, TriggerStateStore } from './triggerState';

export interface ListenerSettings {
	events: string[];
	channelIds: number[];
	includeOwn: boolean;
	zone: string;
	store: TriggerStateStore;
	/** Starts one execution with this item. */
	emit(item: IDataObject): void;
	/** A failure retrying cannot fix (the trigger stops listening). */
	fail(error: Error): void;
	warn(message: string): void;
}

// Catch-up reads at most this many pages of 100 messages per channel; older ones are skipped.
const CATCH_UP_PAGES = 10;
const PAGE_SIZE = 100;

type Snapshot = Record<string, IDataObject>;

const byId = (list: IDataObject[], key: string): Snapshot =>
	Object.fromEntries(list.map((entry) => [String(entry[key]), entry]));

/** Connection failures, 5xx and rate limits pass; a refusal (bad key, no access) does not. */
function isTransient(error: unknown): boolean {
	const code = (error as { httpCode?: unknown }).httpCode;
	return code === undefined || code === null || code === '429' || Number(code) >= 500;
}

/**
 * Listens to one account's Zulip event queue while the workflow is active: registers a queue,
 * catches up on what changed since the stored state, long-polls, and starts over with a new
 * queue when Zulip lost the old one (expiry, server restart). stop() ends the poll in flight,
 * deletes the queue and returns when no request or wait of it is left.
 */
export class ZulipEventListener {
	private readonly abort = new AbortController();
	private readonly types: string[];
	private running: Promise<void> | undefined;
	private queueId: string | undefined;
	private ownId = -1;
	private session: ZulipSession | undefined;

	constructor(
		private readonly context: ITriggerFunctions,
		private readonly settings: ListenerSettings,
	) {
		this.types = zulipEventTypes(settings.events);
	}

	private get stopped(): boolean {
		return this.abort.signal.aborted;
	}

	/** Registers the first queue (its errors fail activation), then listens in the background. */
	async start(): Promise<void> {
		this.session = await openZulipSession(this.context);
		const first = await this.connect();
		this.running = this.run(first);
	}

	async stop(): Promise<void> {
		this.abort.abort();
		await this.running;
		await this.deleteQueue();
	}

	/** Set by start(), before anything calls Zulip. */
	private get zulip(): ZulipSession {
		return this.session as ZulipSession;
	}

	private async connect(): Promise<QueueRegistration> {
		if (this.types.includes('message') && this.ownId < 0)
			this.ownId = await ownUserId(this.context, this.zulip);
		const registration = await registerEventQueue(this.context, this.zulip, this.types);
		this.queueId = registration.queueId;
		return registration;
	}

	private async run(first: QueueRegistration): Promise<void> {
		let registration: QueueRegistration | undefined = first;
		let failures = 0;
		while (!this.stopped) {
			const attempt = await settle(
				(async () => {
					registration ??= await this.connect();
					if (this.stopped) return;
					await this.catchUp(registration);
					await this.pollUntilQueueGone(registration);
					registration = undefined;
				})(),
			);
			if (this.stopped) break;
			if (attempt.ok) {
				failures = 0;
				continue;
			}
			if (!isTransient(attempt.error)) {
				this.settings.fail(attempt.error as Error);
				break;
			}
			failures++;
			this.settings.warn(`${(attempt.error as Error).message}; trying again`);
			await this.pause(failures);
		}
		await this.deleteQueue();
	}

	private async pollUntilQueueGone(registration: QueueRegistration): Promise<void> {
		const queue = { ...registration };
		let failures = 0;
		while (!this.stopped) {
			const outcome = await pollEvents(this.context, this.zulip, queue, this.abort.signal);
			if (this.stopped) return;
			if (outcome.kind === 'queueGone') {
				this.queueId = undefined;
				this.settings.warn(
					'Zulip no longer has the event queue (expired or restarted); registering a new one',
				);
				return;
			}
			if (outcome.kind === 'retry') {
				failures++;
				this.settings.warn(`polling Zulip for events: ${outcome.reason}; trying again`);
				await this.pause(failures, outcome.afterSeconds);
				continue;
			}
			failures = 0;
			for (const event of outcome.events) {
				queue.lastEventId = Math.max(queue.lastEventId, Number(event.id));
				this.handle(event);
			}
		}
	}

	/** Waits 1, 2, 4 ... 60 s (or what Zulip asked for), ending early when stopped. */
	private async pause(failures: number, seconds?: number): Promise<void> {
		const wait = seconds ?? Math.min(60, 2 ** Math.max(0, failures - 1));
		await settle(sleep(wait * 1000, this.abort.signal));
	}

	private async deleteQueue(): Promise<void> {
		const queueId = this.queueId;
		this.queueId = undefined;
		if (queueId !== undefined && this.session)
			await settle(deleteEventQueue(this.context, this.session, queueId));
	}

	private emitIf(event: TriggerEventName, item: () => IDataObject): void {
		if (this.settings.events.includes(event)) this.settings.emit(item());
	}

	private emitScheduled(event: TriggerEventName, message: IDataObject): void {
		this.emitIf(event, () => scheduledItem(event, message, this.settings.zone));
	}

	private emitReminder(event: TriggerEventName, reminder: IDataObject): void {
		this.emitIf(event, () => scheduledItem(event, reminder, this.settings.zone));
	}

	private save(state: TriggerState): void {
		this.settings.store.save(state);
	}

	private nowSeconds(): number {
		return Date.now() / 1000;
	}

	/**
	 * What changed while no queue listened: the lists are compared with the stored ones, and
	 * messages newer than the last handled one are read from history. A part the trigger has
	 * no stored state for starts from Zulip's state now, without events.
	 */
	private async catchUp(registration: QueueRegistration): Promise<void> {
		const state = this.settings.store.load();
		const next: TriggerState = {};
		const diffs: Array<() => void> = [];
		if (this.types.includes('scheduled_messages')) {
			next.scheduled = byId(registration.scheduledMessages, 'scheduled_message_id');
			if (state.scheduled)
				diffs.push(() => this.diffScheduled(state.scheduled ?? {}, next.scheduled ?? {}));
		}
		if (this.types.includes('reminders') && registration.reminders) {
			next.reminders = byId(registration.reminders, 'reminder_id');
			if (state.reminders)
				diffs.push(() => this.diffReminders(state.reminders ?? {}, next.reminders ?? {}));
		}
		const catchUpMessages = this.types.includes('message') && state.lastMessageId !== undefined;
		if (this.types.includes('message'))
			next.lastMessageId = catchUpMessages ? state.lastMessageId : registration.maxMessageId;
		this.save(next);
		for (const diff of diffs) diff();
		if (catchUpMessages) await this.catchUpMessages(next, registration.maxMessageId);
	}

	private diffScheduled(before: Snapshot, after: Snapshot): void {
		for (const [id, message] of Object.entries(after)) {
			const previous = before[id];
			if (!previous) this.emitScheduled('scheduledMessageCreated', message);
			else {
				const kind = changeKind(previous, message);
				if (kind === 'failed') this.emitScheduled('scheduledMessageFailed', message);
				else if (kind === 'edited') this.emitScheduled('scheduledMessageEdited', message);
			}
		}
		for (const [id, message] of Object.entries(before)) {
			if (after[id]) continue;
			this.emitScheduled(
				removalWasDelivery(message, this.nowSeconds())
					? 'scheduledMessageSent'
					: 'scheduledMessageDeleted',
				message,
			);
		}
	}

	private diffReminders(before: Snapshot, after: Snapshot): void {
		for (const [id, reminder] of Object.entries(after))
			if (!before[id]) this.emitReminder('reminderCreated', reminder);
		for (const [id, reminder] of Object.entries(before)) {
			if (after[id]) continue;
			this.emitReminder(
				removalWasDelivery(reminder, this.nowSeconds()) ? 'reminderSent' : 'reminderDeleted',
				reminder,
			);
		}
	}

	private async catchUpMessages(state: TriggerState, upToId: number): Promise<void> {
		const from = state.lastMessageId ?? upToId;
		const missed: IDataObject[] = [];
		for (const channelId of this.settings.channelIds) {
			let after = from;
			for (let page = 0; page < CATCH_UP_PAGES; page++) {
				const { messages, foundNewest } = await channelMessagesAfter(
					this.context,
					this.zulip,
					channelId,
					after,
					PAGE_SIZE,
				);
				missed.push(...messages.filter((m) => Number(m.id) > from && Number(m.id) <= upToId));
				if (foundNewest || messages.length === 0) break;
				after = Number(messages[messages.length - 1].id);
				if (after >= upToId) break;
				if (page === CATCH_UP_PAGES - 1)
					this.settings.warn(
						`more than ${CATCH_UP_PAGES * PAGE_SIZE} messages arrived in channel ${channelId} while the trigger was away; later ones were skipped`,
					);
			}
		}
		missed.sort((a, b) => Number(a.id) - Number(b.id));
		for (const message of missed) this.handleMessage(message);
		const current = this.settings.store.load();
		if ((current.lastMessageId ?? -1) < upToId) this.save({ ...current, lastMessageId: upToId });
	}

	private handle(event: IDataObject): void {
		switch (event.type) {
			case 'message':
				this.handleMessage(event.message as IDataObject);
				return;
			case 'scheduled_messages':
				this.handleScheduled(event);
				return;
			case 'reminders':
				this.handleReminders(event);
				return;
			default:
				// heartbeat, and types Zulip sends every queue (e.g. restart notices)
				return;
		}
	}

	private handleMessage(message: IDataObject): void {
		const state = this.settings.store.load();
		const id = Number(message.id);
		if (state.lastMessageId !== undefined && id <= state.lastMessageId) return;
		this.save({ ...state, lastMessageId: id });
		const wanted = wantsMessage(message, {
			channelIds: this.settings.channelIds,
			ownUserId: this.ownId,
			includeOwn: this.settings.includeOwn,
		});
		if (wanted)
			this.emitIf('channelMessage', () => channelMessageItem(message, this.settings.zone));
	}

	private handleScheduled(event: IDataObject): void {
		const state = this.settings.store.load();
		const scheduled = { ...(state.scheduled ?? {}) };
		const changed: Array<[TriggerEventName, IDataObject]> = [];
		if (event.op === 'add' || event.op === 'update') {
			const messages =
				event.op === 'add'
					? ((event.scheduled_messages ?? []) as IDataObject[])
					: [event.scheduled_message as IDataObject];
			for (const message of messages) {
				const id = String(message.scheduled_message_id);
				const previous = scheduled[id];
				scheduled[id] = message;
				if (!previous) {
					changed.push([
						event.op === 'add' ? 'scheduledMessageCreated' : 'scheduledMessageEdited',
						message,
					]);
					continue;
				}
				const kind = changeKind(previous, message);
				if (kind === 'failed') changed.push(['scheduledMessageFailed', message]);
				else if (kind === 'edited') changed.push(['scheduledMessageEdited', message]);
			}
		} else if (event.op === 'remove') {
			const id = String(event.scheduled_message_id);
			const previous = scheduled[id];
			delete scheduled[id];
			if (previous)
				changed.push([
					removalWasDelivery(previous, this.nowSeconds())
						? 'scheduledMessageSent'
						: 'scheduledMessageDeleted',
					previous,
				]);
		}
		this.save({ ...state, scheduled });
		for (const [name, message] of changed) this.emitScheduled(name, message);
	}

	private handleReminders(event: IDataObject): void {
		const state = this.settings.store.load();
		const reminders = { ...(state.reminders ?? {}) };
		const changed: Array<[TriggerEventName, IDataObject]> = [];
		if (event.op === 'add') {
			for (const reminder of (event.reminders ?? []) as IDataObject[]) {
				const id = String(reminder.reminder_id);
				if (!reminders[id]) changed.push(['reminderCreated', reminder]);
				reminders[id] = reminder;
			}
		} else if (event.op === 'remove') {
			const id = String(event.reminder_id);
			const previous = reminders[id];
			delete reminders[id];
			if (previous)
				changed.push([
					removalWasDelivery(previous, this.nowSeconds()) ? 'reminderSent' : 'reminderDeleted',
					previous,
				]);
		}
		this.save({ ...state, reminders });
		for (const [name, reminder] of changed) this.emitReminder(name, reminder);
	}
}
