import type { IDataObject } from 'n8n-workflow';

/**
 * Where a Zulip Trigger stands: the newest message it handled, and the scheduled messages and
 * reminders as it last saw them (by id). Kept in the workflow's static data, which n8n saves
 * when the workflow is activated and each time the trigger emits; so after an n8n restart or a
 * lost event queue the trigger catches up on newer messages and diffs the lists, without
 * emitting anything twice.
 */
export interface TriggerState {
	/** Each part is kept only while the trigger listens for its events: one it does not is started afresh. */
	lastMessageId?: number;
	scheduled?: Record<string, IDataObject>;
	/** Also absent while the server has no reminders (before Zulip 11). */
	reminders?: Record<string, IDataObject>;
}

export interface TriggerStateStore {
	load(): TriggerState;
	save(state: TriggerState): void;
}

const KEY = 'zulipEventState';

const isRecord = (value: unknown): value is Record<string, IDataObject> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A stored state; what is missing or malformed in it is started afresh. */
export function readTriggerState(value: unknown): TriggerState {
	if (!isRecord(value)) return {};
	const state = value as TriggerState;
	return {
		lastMessageId: Number.isSafeInteger(state.lastMessageId) ? state.lastMessageId : undefined,
		scheduled: isRecord(state.scheduled) ? state.scheduled : undefined,
		reminders: isRecord(state.reminders) ? state.reminders : undefined,
	};
}

export function staticDataStateStore(staticData: IDataObject): TriggerStateStore {
	return {
		load: () => readTriggerState(staticData[KEY]),
		save: (state) => {
			// A new first-level value: n8n notices changes to static data only there.
			staticData[KEY] = JSON.parse(JSON.stringify(state)) as IDataObject;
		},
	};
}

/**
 * For "listen for test event": starts from Zulip's state now and keeps its place only while it
 * listens, so it neither replays what the active trigger missed nor moves the active one's place.
 */
export function memoryStateStore(): TriggerStateStore {
	let kept: TriggerState = {};
	return {
		load: () => kept,
		save: (state) => void (kept = state),
	};
}
