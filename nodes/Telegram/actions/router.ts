import type { IExecuteFunctions, INodeExecutionData, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { checkChoices } from '../../../shared/choices';
import { forEachItem, type ItemOperation } from '../../../shared/items';
import * as message from './message';
import * as scheduledMessage from './scheduledMessage';
import * as secretChat from './secretChat';

/** Checks one item before anything is done for it (its options values, against the description). */
export type ItemCheck = (itemIndex: number) => void;

type WholeInputOperation = (
	this: IExecuteFunctions,
	checkItem: ItemCheck,
) => Promise<INodeExecutionData[][]>;

/** Operations that run item by item (through forEachItem: pairedItem, Continue On Fail, fail-fast). */
const perItem: Record<string, Record<string, ItemOperation>> = {
	message: { sendText: message.sendText.execute, sendAlbum: message.sendAlbum.execute },
	scheduledMessage: {
		getAll: scheduledMessage.getAll.execute,
		reschedule: scheduledMessage.reschedule.execute,
	},
	secretChat: {
		start: secretChat.start.execute,
		accept: secretChat.accept.execute,
		sendMessage: secretChat.sendMessage.execute,
		sendFile: secretChat.sendFile.execute,
		getAll: secretChat.getAll.execute,
		close: secretChat.close.execute,
		setTimer: secretChat.setTimer.execute,
	},
};

/** Operations that batch the ids of all items into as few calls as Telegram allows. */
const wholeInput: Record<string, Record<string, WholeInputOperation>> = {
	scheduledMessage: {
		sendNow: scheduledMessage.sendNow.execute,
		delete: scheduledMessage.deleteScheduled.execute,
	},
};

export async function route(
	this: IExecuteFunctions,
	description: INodeTypeDescription,
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const batched = wholeInput[resource]?.[operation];
	if (batched)
		return await batched.call(this, (itemIndex) => checkChoices(this, description, itemIndex));
	const handler = perItem[resource]?.[operation];
	if (!handler)
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	// One item at a time: sends keep their order, and Telegram's flood limits favour a steady pace.
	return await forEachItem(this, async (itemIndex) => await handler.call(this, itemIndex), {
		concurrency: 1,
		description,
	});
}
