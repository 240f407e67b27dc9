import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { telnyxRequest } from '../transport';

const PAGE_SIZE = 100;

/** Telnyx pages from 1; the editor hands back the token we gave for the next page. */
function pageQuery(paginationToken?: string | number): IDataObject {
	const page = Number(paginationToken ?? 1);
	return { 'page[number]': Number.isInteger(page) && page > 0 ? page : 1, 'page[size]': PAGE_SIZE };
}

function nextPage(reply: IDataObject): string | undefined {
	const meta = (reply.meta ?? {}) as IDataObject;
	const pageNumber = Number(meta.page_number ?? 1);
	return pageNumber < Number(meta.total_pages ?? 1) ? String(pageNumber + 1) : undefined;
}

export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	// Telnyx matches numbers by digits; anything else in the filter would match nothing.
	const digits = (filter ?? '').replace(/\D/g, '');
	const qs = pageQuery(paginationToken);
	if (digits !== '') qs['filter[phone_number]'] = digits;
	const reply = await telnyxRequest(this, { method: 'GET', path: '/phone_numbers', qs });
	const results = ((reply.data ?? []) as IDataObject[])
		.filter((number) => Boolean(number.messaging_profile_id))
		.map((number) => ({
			name: number.messaging_profile_name
				? `${String(number.phone_number)} (${String(number.messaging_profile_name)})`
				: String(number.phone_number),
			value: String(number.phone_number),
		}));
	return { results, paginationToken: nextPage(reply) };
}

export async function searchMessagingProfiles(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs = pageQuery(paginationToken);
	if (filter && filter.trim() !== '') qs['filter[name][contains]'] = filter.trim();
	const reply = await telnyxRequest(this, { method: 'GET', path: '/messaging_profiles', qs });
	const results = ((reply.data ?? []) as IDataObject[]).map((profile) => ({
		name: String(profile.name ?? profile.id),
		value: String(profile.id),
	}));
	return { results, paginationToken: nextPage(reply) };
}
