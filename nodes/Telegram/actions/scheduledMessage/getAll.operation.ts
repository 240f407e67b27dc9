import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { readLimit } from '../../../../shared/options';
import { listScheduled, withTelegramAccount } from '../../transport';
import { chatField, floodWaitOnlyOptions, returnAllOrLimit } from '../properties';
import { callOptions, findChat, readChat } from '../readers';
import { messageOutput } from '../output';

const displayOptions = { show: { resource: ['scheduledMessage'], operation: ['getAll'] } };

const properties: INodeProperties[] = [chatField, ...returnAllOrLimit, floodWaitOnlyOptions];

export const description = updateDisplayOptions(displayOptions, properties);

/** One output item per scheduled message of the chat, soonest first. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const reference = readChat(this, itemIndex);
	const limit = readLimit(this, itemIndex);
	const zone = this.getTimezone();
	return await withTelegramAccount(this, itemIndex, async (session) => {
		const chat = await findChat(this, session, reference, itemIndex);
		const messages = await listScheduled(
			session,
			chat,
			callOptions(this, itemIndex, 'listing scheduled messages'),
		);
		return messages
			.sort((a, b) => a.date - b.date || a.id - b.id)
			.slice(0, limit)
			.map((message) => messageOutput(message, zone, chat));
	});
}
