import { DELIVERY_MS, progress, type TelnyxFakeMessage } from './state';

interface Due {
	at: number;
	message: TelnyxFakeMessage;
}

/**
 * The fake's messages by id, and when each one next changes status (at its send time, and
 * DELIVERY_MS later): moving the clock touches only the messages due by then, so a request costs
 * the same after 10,000 messages as after one (a scan of every message on every request made
 * the fake, not the node, the slow side of the benchmarks).
 */
export class MessageStore extends Map<string, TelnyxFakeMessage> {
	/** A binary min-heap on `at`. */
	private readonly due: Due[] = [];

	override set(id: string, message: TelnyxFakeMessage): this {
		super.set(id, message);
		// Map's constructor calls set before the heap exists; the store is always made empty.
		if (this.due) {
			const at = Date.parse(message.send_at ?? message.received_at);
			this.push({ at, message });
			this.push({ at: at + DELIVERY_MS, message });
		}
		return this;
	}

	override clear(): void {
		super.clear();
		this.due.length = 0;
	}

	/** Moves every message due by `now` along (see progress). */
	progressUntil(now: number): void {
		while (this.due.length > 0 && this.due[0].at <= now) progress(this.pop().message, now);
	}

	private push(entry: Due): void {
		const heap = this.due;
		heap.push(entry);
		for (let index = heap.length - 1; index > 0; ) {
			const parent = (index - 1) >> 1;
			if (heap[parent].at <= heap[index].at) break;
			[heap[parent], heap[index]] = [heap[index], heap[parent]];
			index = parent;
		}
	}

	private pop(): Due {
		const heap = this.due;
		const top = heap[0];
		const last = heap.pop() as Due;
		if (heap.length > 0) {
			heap[0] = last;
			for (let index = 0; ; ) {
				const left = 2 * index + 1;
				const right = left + 1;
				let smallest = index;
				if (left < heap.length && heap[left].at < heap[smallest].at) smallest = left;
				if (right < heap.length && heap[right].at < heap[smallest].at) smallest = right;
				if (smallest === index) break;
				[heap[smallest], heap[index]] = [heap[index], heap[smallest]];
				index = smallest;
			}
		}
		return top;
	}
}
