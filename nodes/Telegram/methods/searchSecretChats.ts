import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { listSecretChats, withTelegramAccount } from '../transport';

/** The credential's secret chats for the editor's list, newest first; the filter matches id, user or state. */
export async function searchSecretChats(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const chats = await withTelegramAccount(
		this,
		undefined,
		async (session, account) => await listSecretChats(session, account),
		'listing the secret chats',
	);
	const wanted = (filter ?? '').trim().toLowerCase();
	const results = chats
		.filter((chat) => chat.status !== 'closed')
		.map((chat) => ({
			name: `${chat.chatId} with user ${chat.peerUserId} (${chat.status})`,
			value: String(chat.chatId),
		}))
		.filter((result) => wanted === '' || result.name.toLowerCase().includes(wanted));
	return { results };
}
