export { zulipConnection } from './credentialTest';
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';
import { zulipRequest } from '../transport';

export async function searchChannels(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const reply = await zulipRequest(this, { method: 'GET', path: '/streams' });
	const needle = (filter ?? '').toLowerCase();
	const results = ((reply.streams ?? []) as IDataObject[])
		.filter((channel) => String(channel.name).toLowerCase().includes(needle))
		.sort((a, b) => String(a.name).localeCompare(String(b.name)))
		.map((channel) => ({ name: String(channel.name), value: String(channel.stream_id) }));
	return { results };
}

export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const reply = await zulipRequest(this, { method: 'GET', path: '/users' });
	return ((reply.members ?? []) as IDataObject[])
		.filter((user) => user.is_active !== false)
		.sort((a, b) => String(a.full_name).localeCompare(String(b.full_name)))
		.map((user) => ({
			name: `${String(user.full_name)} (${String(user.email)})`,
			value: Number(user.user_id),
		}));
}
