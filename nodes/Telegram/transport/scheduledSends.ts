import type { MessageRecord } from './records';

/**
 * When a scheduled message goes out, Telegram tells the sender's sessions twice:
 * updateDeleteScheduledMessages (the scheduled ids, and in `sent_messages` the ids they went out
 * as) and updateNewMessage with `from_scheduled` (the message, numbered by pts, so it also comes
 * back from getDifference). This pairs the two so each sent message makes one event, with its
 * scheduled id when the first update was seen.
 */

export interface ScheduledSentEvent {
	event: 'scheduledSent';
	/** The message as it went out (its new id and date). */
	message: MessageRecord;
	/** Its id in the scheduled queue; undefined when only the message arrived (e.g. fetched after a restart). */
	scheduledId?: number;
}

/** How long a sent message waits for the update that names its scheduled id. */
export const PAIRING_WAIT_MS = 1_000;
/** Pairs and emitted messages remembered per trigger (oldest forgotten first). */
const REMEMBERED = 1_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V) {
	map.set(key, value);
	if (map.size > REMEMBERED) map.delete(map.keys().next().value as K);
}

export class ScheduledSendPairing {
	/** `${chatId}:${sentId}` -> scheduled id, from updateDeleteScheduledMessages. */
	private readonly scheduledIds = new Map<string, number>();
	private readonly waiting = new Map<string, { message: MessageRecord; timer: NodeJS.Timeout }>();
	private readonly emitted = new Map<string, true>();

	constructor(
		private readonly emit: (event: ScheduledSentEvent) => void,
		private readonly waitMs = PAIRING_WAIT_MS,
	) {}

	/** updateDeleteScheduledMessages: `scheduledIds[i]` went out as `sentIds[i]` in `chatId`. */
	sent(chatId: string, scheduledIds: number[], sentIds: number[]): void {
		sentIds.forEach((sentId, index) => {
			const scheduledId = scheduledIds[index];
			const key = `${chatId}:${sentId}`;
			if (scheduledId === undefined || this.emitted.has(key)) return;
			const held = this.waiting.get(key);
			if (!held) return remember(this.scheduledIds, key, scheduledId);
			clearTimeout(held.timer);
			this.waiting.delete(key);
			this.finish(key, held.message, scheduledId);
		});
	}

	/** A new message that carries `from_scheduled`. */
	message(message: MessageRecord): void {
		const key = `${message.chatId}:${message.id}`;
		if (this.emitted.has(key) || this.waiting.has(key)) return;
		const scheduledId = this.scheduledIds.get(key);
		if (scheduledId !== undefined) {
			this.scheduledIds.delete(key);
			return this.finish(key, message, scheduledId);
		}
		// The update naming its scheduled id may come next.
		const timer = setTimeout(() => {
			this.waiting.delete(key);
			this.finish(key, message, undefined);
		}, this.waitMs);
		this.waiting.set(key, { message, timer });
	}

	/** Emits what still waits for its scheduled id (the trigger is closing). */
	flush(): void {
		for (const [key, { message, timer }] of [...this.waiting]) {
			clearTimeout(timer);
			this.waiting.delete(key);
			this.finish(key, message, undefined);
		}
	}

	private finish(key: string, message: MessageRecord, scheduledId: number | undefined) {
		remember(this.emitted, key, true);
		this.emit({ event: 'scheduledSent', message, scheduledId });
	}
}
