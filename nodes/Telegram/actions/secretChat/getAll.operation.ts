import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { readLimit } from '../../../../shared/options';
import { returnAllOrLimit } from '../properties';
import { listSecretChats, withTelegramAccount } from '../../transport';
import { secretChatOutput } from './output';

const displayOptions = { show: { resource: ['secretChat'], operation: ['getAll'] } };

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Status',
		name: 'status',
		type: 'multiOptions',
		default: [],
		description: 'Only chats in these states (none selected: all)',
		options: [
			{ name: 'Closed', value: 'closed' },
			{
				name: 'Ready',
				value: 'ready',
				description: 'Accepted by both sides: messages can be sent',
			},
			{ name: 'Requested', value: 'requested', description: 'Someone asked us; not accepted yet' },
			{
				name: 'Waiting',
				value: 'waiting',
				description: 'We asked; the other side has not accepted yet',
			},
		],
	},
];

export const description = updateDisplayOptions(displayOptions, properties);

/** The secret chats this credential's store knows, newest first: state only, never keys. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const limit = readLimit(this, itemIndex);
	const statuses = this.getNodeParameter('status', itemIndex, []) as string[];
	const zone = this.getTimezone();
	return await withTelegramAccount(this, itemIndex, async (session, account) => {
		const chats = await listSecretChats(session, account);
		return chats
			.filter((chat) => statuses.length === 0 || statuses.includes(chat.status))
			.slice(0, limit)
			.map((chat) => secretChatOutput(chat, zone));
	});
}
