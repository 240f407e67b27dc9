import type { INodeProperties } from 'n8n-workflow';

/** Which chats' messages, edits and deletions start the workflow. */

export const CHAT_FILTER_EVENTS = ['message', 'messageEdited', 'messagesDeleted'];

export const CHAT_FILTER_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Chats',
		name: 'chatFilter',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All Chats', value: 'all' },
			{ name: 'All but These Chats', value: 'except' },
			{ name: 'Only These Chats', value: 'only' },
		],
		description:
			'Which chats New Message, Message Edited and Messages Deleted listen to (secret chat events are not filtered)',
		displayOptions: { show: { events: CHAT_FILTER_EVENTS } },
	},
	{
		displayName: 'Chat Names or IDs',
		name: 'chats',
		type: 'multiOptions',
		default: [],
		typeOptions: { loadOptionsMethod: 'getChats' },
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The list shows this account\'s 500 most recent chats. IDs as items carry them in "chatId": user IDs, -100… for channels and supergroups.',
		displayOptions: { show: { events: CHAT_FILTER_EVENTS, chatFilter: ['only', 'except'] } },
	},
];

/**
 * Whether an event of `chatId` is wanted. A deletion whose chat Telegram does not name (and the
 * trigger did not see) is left out by "only these" and let through by "all but these".
 */
export function chatFilterOf(
	mode: string,
	chats: string[],
): ((chatId: string | undefined) => boolean) | undefined {
	if (mode !== 'only' && mode !== 'except') return undefined;
	const listed = new Set(chats.map((chat) => String(chat).trim()));
	return (chatId) => {
		if (chatId === undefined) return mode === 'except';
		return mode === 'only' ? listed.has(chatId) : !listed.has(chatId);
	};
}
