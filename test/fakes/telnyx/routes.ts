/**
 * What each served operation does, keyed by the spec's operationId. Requests reaching these have
 * already passed auth and the spec check; what is left are the rules Telnyx documents in prose
 * (send_at window, recipient and media limits, cancellation) and the account's own state.
 */
import { telnyxErrors, type ErrorAnswer } from './errors';
import {
	cancel,
	cancellable,
	createMessage,
	isE164,
	paginate,
	renderNumber,
	renderProfile,
	renderProfileNumber,
	type FakePhoneNumber,
	type FakeProfile,
	type TelnyxFakeMessage,
} from './state';

export interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface FakeState {
	messages: Map<string, TelnyxFakeMessage>;
	phoneNumbers: FakePhoneNumber[];
	profiles: FakeProfile[];
	now(): number;
}

export interface RouteContext {
	state: FakeState;
	params: Record<string, string>;
	search: URLSearchParams;
	body: unknown;
}

type Route = (ctx: RouteContext) => Answer | ErrorAnswer;
type Body = Record<string, unknown>;

const MINUTE = 60_000;
const SCHEDULE_MIN_MS = 5 * MINUTE;
const SCHEDULE_MAX_MS = 5 * 24 * 60 * MINUTE;
const MAX_MEDIA_URLS = 10;
const MAX_GROUP_RECIPIENTS = 8;

const asBody = (body: unknown): Body =>
	body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const ok = (body: unknown): Answer => ({ status: 200, body });
const pageParams = (search: URLSearchParams) => ({
	number: search.get('page[number]') ?? undefined,
	size: search.get('page[size]') ?? undefined,
});

/** The sender: one of the account's numbers, or a profile whose number pool picks one. */
function findSender(
	state: FakeState,
	from: string | undefined,
	profileId: string | undefined,
): ErrorAnswer | FakePhoneNumber {
	if (from === undefined) {
		if (profileId === undefined) return telnyxErrors.missing('from');
		return (
			state.phoneNumbers.find((n) => n.messaging_profile_id === profileId) ??
			telnyxErrors.unknownSender('messaging_profile_id', profileId)
		);
	}
	const number = state.phoneNumbers.find((n) => n.phone_number === from);
	if (!number) return telnyxErrors.unknownSender('from', from);
	if (profileId !== undefined && profileId !== number.messaging_profile_id)
		return telnyxErrors.unknownSender('messaging_profile_id', profileId);
	return number;
}

/** Checks shared by every send: content, sender, send_at. Returns an error or the message to store. */
function compose(
	state: FakeState,
	body: Body,
	to: string[],
	mode: 'send' | 'schedule' | 'group',
): ErrorAnswer | TelnyxFakeMessage {
	const text = str(body.text);
	const subject = str(body.subject);
	const mediaUrls = Array.isArray(body.media_urls) ? (body.media_urls as string[]) : [];
	if ((text ?? '') === '' && mediaUrls.length === 0) return telnyxErrors.missing('text');
	if (mediaUrls.length > MAX_MEDIA_URLS) {
		return telnyxErrors.unprocessable(
			`No more than ${MAX_MEDIA_URLS} media URLs are allowed.`,
			'/media_urls',
		);
	}
	const type =
		(str(body.type) as 'SMS' | 'MMS' | undefined) ??
		(mode === 'group' || mediaUrls.length > 0 || subject !== undefined ? 'MMS' : 'SMS');
	if (type === 'SMS' && (text ?? '') === '') return telnyxErrors.missing('text');

	const number = findSender(state, str(body.from), str(body.messaging_profile_id));
	if ('status' in number) return number;
	const profile = state.profiles.find((p) => p.id === number.messaging_profile_id);
	if (!profile)
		return telnyxErrors.unknownSender('messaging_profile_id', number.messaging_profile_id);
	if (!profile.enabled)
		return telnyxErrors.unprocessable(
			'The messaging profile is disabled.',
			'/messaging_profile_id',
		);

	// send_at: required by /messages/schedule, optional (nullable) on /messages, absent for group MMS.
	const now = state.now();
	const sendAtRaw = mode === 'group' ? undefined : str(body.send_at);
	if (mode === 'schedule' && sendAtRaw === undefined) return telnyxErrors.missing('send_at');
	let sendAt: number | undefined;
	if (sendAtRaw !== undefined) {
		sendAt = Date.parse(sendAtRaw);
		const ahead = sendAt - now;
		if (!(ahead >= SCHEDULE_MIN_MS && ahead <= SCHEDULE_MAX_MS)) {
			return telnyxErrors.unprocessable(
				`send_at must be at least 5 minutes and at most 5 days in the future (got ${sendAtRaw}, now is ${new Date(now).toISOString()}).`,
				'/send_at',
			);
		}
	}
	return createMessage({
		profile,
		from: number.phone_number,
		to,
		type,
		text,
		subject,
		mediaUrls,
		webhookUrl: str(body.webhook_url),
		webhookFailoverUrl: str(body.webhook_failover_url),
		useProfileWebhooks: body.use_profile_webhooks !== false,
		sendAt,
		now,
	});
}

function store(state: FakeState, result: ErrorAnswer | TelnyxFakeMessage): Answer | ErrorAnswer {
	if ('status' in result) return result;
	state.messages.set(result.id, result);
	return ok({ data: result });
}

function sendOne(mode: 'send' | 'schedule'): Route {
	return ({ state, body }) => {
		const b = asBody(body);
		const to = str(b.to);
		if (to === undefined) return telnyxErrors.missing('to');
		if (!isE164(to)) return telnyxErrors.notE164('to');
		return store(state, compose(state, b, [to], mode));
	};
}

const routes: Record<string, Route> = {
	SendMessage: sendOne('send'),
	ScheduleMessage: sendOne('schedule'),

	CreateGroupMmsMessage: ({ state, body }) => {
		const b = asBody(body);
		const to = Array.isArray(b.to) ? (b.to as string[]) : [];
		if (to.length === 0) return telnyxErrors.missing('to');
		if (to.length > MAX_GROUP_RECIPIENTS) {
			return telnyxErrors.unprocessable(
				`No more than ${MAX_GROUP_RECIPIENTS} destinations are allowed.`,
				'/to',
			);
		}
		if (!to.every(isE164)) return telnyxErrors.notE164('to');
		return store(state, compose(state, b, to, 'group'));
	},

	GetMessage: ({ state, params }) => {
		const message = state.messages.get(params.id);
		return message ? ok({ data: message }) : telnyxErrors.notFound();
	},

	// The spec's 200 answer here is the bare message, not `{ data }`.
	CancelMessage: ({ state, params }) => {
		const message = state.messages.get(params.id);
		if (!message) return telnyxErrors.notFound();
		if (!cancellable(message, state.now())) return telnyxErrors.notCancellable();
		cancel(message);
		return ok(message);
	},

	ListMessagingProfiles: ({ state, search }) => {
		const exact = search.get('filter[name][eq]') ?? search.get('filter[name]');
		const contains = search.get('filter[name][contains]');
		const found = state.profiles.filter(
			(p) =>
				(exact === null || p.name === exact) && (contains === null || p.name.includes(contains)),
		);
		const page = paginate(found, pageParams(search));
		return ok({ data: page.data.map(renderProfile), meta: page.meta });
	},

	RetrieveMessagingProfile: ({ state, params }) => {
		const profile = state.profiles.find((p) => p.id === params.id);
		return profile ? ok({ data: renderProfile(profile) }) : telnyxErrors.notFound();
	},

	UpdateMessagingProfile: ({ state, params, body }) => {
		const profile = state.profiles.find((p) => p.id === params.id);
		if (!profile) return telnyxErrors.notFound();
		const b = asBody(body);
		if ('webhook_url' in b) profile.webhook_url = (b.webhook_url as string | null) || null;
		if ('webhook_failover_url' in b)
			profile.webhook_failover_url = (b.webhook_failover_url as string | null) || null;
		if (typeof b.name === 'string') profile.name = b.name;
		if (typeof b.enabled === 'boolean') profile.enabled = b.enabled;
		return ok({ data: renderProfile(profile) });
	},

	ListPhoneNumbers: ({ state, search }) => {
		const digits = search.get('filter[phone_number]')?.replace(/\D/g, '');
		const found = state.phoneNumbers.filter((n) => !digits || n.phone_number.includes(digits));
		const page = paginate(found, pageParams(search));
		return ok({ data: page.data.map((n) => renderNumber(n, state.profiles)), meta: page.meta });
	},

	ListProfilePhoneNumbers: ({ state, params, search }) => {
		if (!state.profiles.some((p) => p.id === params.id)) return telnyxErrors.notFound();
		const found = state.phoneNumbers.filter((n) => n.messaging_profile_id === params.id);
		const page = paginate(found, pageParams(search));
		return ok({ data: page.data.map(renderProfileNumber), meta: page.meta });
	},
};

/** The route for an operation, or undefined when the fake does not serve it. */
export function routeFor(operationId: string | undefined): Route | undefined {
	return operationId === undefined ? undefined : routes[operationId];
}

export const servedOperations = (): string[] => Object.keys(routes);
