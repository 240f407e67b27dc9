import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';
import type { SecretChatState } from '../../transport';

const iso = (seconds: number | undefined, zone: string) =>
	seconds === undefined ? null : DateTime.fromSeconds(seconds, { zone }).toISO();

/** A chat as the operations and the trigger output it: its state, never its keys. */
export function secretChatOutput(state: SecretChatState, zone: string): IDataObject {
	return {
		chatId: state.chatId,
		userId: state.peerUserId,
		status: state.status,
		role: state.role,
		createdAt: iso(state.createdAt, zone),
		closedAt: iso(state.closedAt, zone),
		layer: state.peerLayer,
		selfDestructSeconds: state.messageTtl ?? 0,
		messagesSent: state.outCount,
		messagesReceived: state.inCount,
		...(state.closedReason === undefined ? {} : { closedReason: state.closedReason }),
	};
}
