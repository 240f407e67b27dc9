import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { listDialogs, withTelegramAccount } from '../transport';

/** The account's chats (its dialogs, newest first) for a chat picker: "Title (@username)" -> chat ID. */
export async function getChats(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const node = this.getNode();
	const dialogs = await withTelegramAccount(
		this,
		undefined,
		async (session) => await listDialogs(session, node),
		'listing the chats of this account',
	);
	return dialogs.map((dialog) => ({
		name: dialog.username ? `${dialog.title} (@${dialog.username})` : dialog.title,
		value: dialog.id,
		description: `${dialog.kind} ${dialog.id}`,
	}));
}
