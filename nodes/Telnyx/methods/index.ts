import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { telnyxRequest } from '../transport';
import { isUuid } from '../../../shared/ids';
import { locatorValue } from '../actions/readers';

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

/**
 * Short codes with a messaging profile (the others cannot send). Telnyx filters them by profile
 * only, so the text filter applies to the page loaded.
 */
export async function searchShortCodes(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const digits = (filter ?? '').replace(/\D/g, '');
	const reply = await telnyxRequest(this, {
		method: 'GET',
		path: '/short_codes',
		qs: pageQuery(paginationToken),
	});
	const results = ((reply.data ?? []) as IDataObject[])
		.filter((code) => Boolean(code.messaging_profile_id))
		.filter((code) => String(code.short_code ?? '').includes(digits))
		.map((code) => ({
			name: code.country_code
				? `${String(code.short_code)} (${String(code.country_code)})`
				: String(code.short_code),
			value: String(code.short_code),
		}));
	return { results, paginationToken: nextPage(reply) };
}

/**
 * Alphanumeric sender IDs; once a messaging profile is chosen, only that profile's (Telnyx sends
 * a sender ID only with its own profile). The text filter applies to the page loaded.
 */
export async function searchAlphanumericSenderIds(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs = pageQuery(paginationToken);
	const profileId = locatorValue(this.getCurrentNodeParameter('messagingProfile'));
	if (isUuid(profileId)) qs['filter[messaging_profile_id]'] = profileId;
	const wanted = (filter ?? '').trim().toLowerCase();
	const reply = await telnyxRequest(this, { method: 'GET', path: '/alphanumeric_sender_ids', qs });
	const results = ((reply.data ?? []) as IDataObject[])
		.filter((sender) =>
			String(sender.alphanumeric_sender_id ?? '')
				.toLowerCase()
				.includes(wanted),
		)
		.map((sender) => ({
			name: String(sender.alphanumeric_sender_id),
			value: String(sender.alphanumeric_sender_id),
			description: `Messaging profile ${String(sender.messaging_profile_id)}`,
		}));
	return { results, paginationToken: nextPage(reply) };
}
