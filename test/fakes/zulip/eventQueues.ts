/**
 * Zulip's real-time events API as the fake models it: queues registered with POST /register,
 * each holding the events of the types it asked for with increasing ids; GET /events long-polls
 * (answers at once when events newer than last_event_id wait, else when one arrives, else with a
 * heartbeat); a queue that expired or was lost in a server restart is answered with
 * BAD_EVENT_QUEUE_ID; DELETE /events removes one.
 */
import { randomUUID } from 'node:crypto';
import type { Reply } from './routes';

export type ZulipEvent = Record<string, unknown> & { type: string };

interface Queue {
	id: string;
	/** Undefined: every type. */
	eventTypes: string[] | undefined;
	events: Array<ZulipEvent & { id: number }>;
	nextId: number;
	waiters: Set<() => void>;
}

export interface PollRequest {
	queueId: string;
	lastEventId: number;
	dontBlock: boolean;
}

const badQueue = (queueId: string): Reply => ({
	status: 400,
	body: {
		result: 'error',
		msg: `Bad event queue ID: ${queueId}`,
		code: 'BAD_EVENT_QUEUE_ID',
		queue_id: queueId,
	},
});

export class EventQueues {
	private queues = new Map<string, Queue>();

	/** How long GET /events waits before answering with a heartbeat (Zulip: about a minute). */
	constructor(public heartbeatMs = 250) {}

	get count(): number {
		return this.queues.size;
	}

	ids(): string[] {
		return [...this.queues.keys()];
	}

	register(eventTypes: string[] | undefined): { queue_id: string; last_event_id: number } {
		const queue: Queue = {
			id: randomUUID(),
			eventTypes,
			events: [],
			nextId: 0,
			waiters: new Set(),
		};
		this.queues.set(queue.id, queue);
		return { queue_id: queue.id, last_event_id: -1 };
	}

	/** Puts the event into every queue that asked for its type. */
	publish(event: ZulipEvent): void {
		for (const queue of this.queues.values()) {
			if (queue.eventTypes && !queue.eventTypes.includes(event.type)) continue;
			this.append(queue, event);
		}
	}

	/** GET /events: the queue's events after lastEventId, waiting for one (or a heartbeat) when none. */
	async poll(request: PollRequest): Promise<Reply> {
		const found = this.queues.get(request.queueId);
		if (!found) return badQueue(request.queueId);
		const queue = found;
		// Zulip drops what the client confirmed by asking for later events.
		queue.events = queue.events.filter((event) => event.id > request.lastEventId);
		if (queue.events.length === 0 && !request.dontBlock) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, this.heartbeatMs);
				function done() {
					clearTimeout(timer);
					queue.waiters.delete(done);
					resolve();
				}
				queue.waiters.add(done);
			});
			if (this.queues.get(queue.id) !== queue) return badQueue(request.queueId);
			if (queue.events.length === 0) this.append(queue, { type: 'heartbeat' });
		}
		return {
			status: 200,
			body: { result: 'success', msg: '', queue_id: queue.id, events: [...queue.events] },
		};
	}

	delete(queueId: string): boolean {
		const queue = this.queues.get(queueId);
		if (!queue) return false;
		this.queues.delete(queueId);
		this.wake(queue);
		return true;
	}

	/** The queue (or every queue) is garbage-collected, as Zulip does after ~10 idle minutes. */
	expire(queueId?: string): void {
		for (const id of queueId === undefined ? this.ids() : [queueId]) this.delete(id);
	}

	private append(queue: Queue, event: ZulipEvent): void {
		queue.events.push({ ...event, id: queue.nextId++ });
		this.wake(queue);
	}

	private wake(queue: Queue): void {
		for (const waiter of [...queue.waiters]) waiter();
	}
}
