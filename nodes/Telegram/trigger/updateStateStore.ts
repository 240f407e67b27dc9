import type { IDataObject } from 'n8n-workflow';
import type { ChannelUpdateState, UpdateState, UpdateStateStore } from '../transport/updateState';

/**
 * A trigger's place in each account's update sequences, kept in its workflow static data
 * (`getWorkflowStaticData('node')`): n8n stores it with the workflow when the workflow is
 * activated and each time the trigger emits, so it outlives restarts and deploys and belongs
 * to this workflow and node alone. One entry per account, under `updateState`.
 */

const KEY = 'updateState';

const isCount = (value: unknown): value is number =>
	typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function readChannel(value: unknown): ChannelUpdateState | undefined {
	const channel = value as Partial<ChannelUpdateState> | undefined;
	if (
		!channel ||
		!isCount(channel.pts) ||
		typeof channel.accessHash !== 'string' ||
		!isCount(channel.topMessage)
	)
		return undefined;
	return { pts: channel.pts, accessHash: channel.accessHash, topMessage: channel.topMessage };
}

/** A stored state, or undefined when there is none or it is not one (then the trigger starts afresh). */
export function readUpdateState(value: unknown): UpdateState | undefined {
	const state = value as Partial<UpdateState> | undefined;
	if (
		!state ||
		!isCount(state.pts) ||
		!isCount(state.qts) ||
		!isCount(state.date) ||
		!isCount(state.seq) ||
		!isCount(state.since)
	)
		return undefined;
	const channels: Record<string, ChannelUpdateState> = {};
	for (const [id, stored] of Object.entries(state.channels ?? {})) {
		const channel = readChannel(stored);
		if (channel) channels[id] = channel;
	}
	return {
		pts: state.pts,
		qts: state.qts,
		date: state.date,
		seq: state.seq,
		since: state.since,
		channels,
	};
}

export function staticDataUpdateStore(staticData: IDataObject): UpdateStateStore {
	return {
		load: (accountId) => readUpdateState((staticData[KEY] as IDataObject | undefined)?.[accountId]),
		save: (accountId, state) => {
			// A new top-level value: n8n marks static data as changed only on writes to its first level.
			staticData[KEY] = {
				...((staticData[KEY] as IDataObject | undefined) ?? {}),
				[accountId]: JSON.parse(JSON.stringify(state)) as IDataObject,
			};
		},
	};
}

/**
 * For a manual test ("listen for event"): it starts from Telegram's state now and keeps it only
 * while it listens, so it neither replays what the active trigger missed nor moves its place.
 */
export function memoryUpdateStore(): UpdateStateStore {
	const states = new Map<string, UpdateState>();
	return {
		load: (accountId) => states.get(accountId),
		save: (accountId, state) => void states.set(accountId, state),
	};
}
