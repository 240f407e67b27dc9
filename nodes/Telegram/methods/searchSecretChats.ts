import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { listSecretChats, readAccount, TELEGRAM_CREDENTIAL, toNodeError, withTelegram } from '../transport';

/** The credential's secret chats for the editor's list, newest first; the filter matches id, user or state. */
export async function searchSecretChats(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const node = this.getNode();
	const chats = await (async () => {
		const account = readAccount(await this.getCredentials(TELEGRAM_CREDENTIAL));
		return await withTelegram(account, async (session) => await listSecretChats(session, account));
	})().catch((error: unknown) => {
		throw toNodeError(node, error, { doing: 'listing the secret chats' });
	});
	const wanted = (filter ?? '').trim().toLowerCase();
	const results = chats
		.filter((chat) => chat.status !== 'closed')
		.map((chat) => ({ name: `${chat.chatId} with user ${chat.peerUserId} (${chat.status})`, value: String(chat.chatId) }))
		.filter((result) => wanted === '' || result.name.toLowerCase().includes(wanted));
	return { results };
}
