import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { fieldError, settle } from '../../../../shared/errors';
import { UnknownSecretChatError, type SecretChatState } from '../../transport';

export const secretChatIdField: INodeProperties = {
	displayName: 'Secret Chat',
	name: 'secretChatId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The chat as Start, Get Many or the Telegram trigger output it (chatId)',
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchSecretChats', searchable: true } },
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1234567890',
			validation: [{ type: 'regex', properties: { regex: '^[0-9]{1,10}$', errorMessage: 'A secret chat ID is a positive number' } }],
		},
	],
};

export function readSecretChatId(context: IExecuteFunctions, itemIndex: number): number {
	const value = context.getNodeParameter('secretChatId', itemIndex, '', { extractValue: true });
	const id = Number(value);
	if (!Number.isInteger(id) || id <= 0 || id > 0x7fffffff) {
		throw fieldError(context.getNode(), 'Secret Chat', `"${String(value)}" is not a secret chat ID`, 'Pick the chat from the list, or use the chatId that Start, Get Many or the Telegram trigger output.', itemIndex);
	}
	return id;
}

/** Runs a call on one chat: an unknown chat id is the field's fault; anything else goes on as it is. */
export async function onSecretChat<T>(context: IExecuteFunctions, itemIndex: number, work: Promise<T>): Promise<T> {
	const outcome = await settle(work);
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof UnknownSecretChatError) {
		throw fieldError(context.getNode(), 'Secret Chat', outcome.error.message, 'Use Get Many to list the secret chats this credential knows (each account keeps its own).', itemIndex);
	}
	throw outcome.error;
}

const iso = (seconds: number | undefined, zone: string) => (seconds === undefined ? null : DateTime.fromSeconds(seconds, { zone }).toISO());

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
		messagesSent: state.outCount,
		messagesReceived: state.inCount,
	};
}
