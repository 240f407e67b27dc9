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
	renderShortCode,
	renderAlphanumericSender,
	type FakeAlphanumericSender,
	type FakePhoneNumber,
	type FakeShortCode,
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
	shortCodes: FakeShortCode[];
	alphanumericSenders: FakeAlphanumericSender[];
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

/** Who sends: the address the message goes out from, and the profile it belongs to. */
interface Sender {
	address: string;
	profileId: string;
}

const SHORT_CODE = /^\d{5,6}$/;
/** Telnyx's documented form: 1..11 letters, digits or spaces, at least one letter. */
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** Number pool: the profile's numbers take turns; the fake takes the first. */
function poolSender(state: FakeState, profileId: string): ErrorAnswer | Sender {
	const number = state.phoneNumbers.find((n) => n.messaging_profile_id === profileId);
	return number
		? { address: number.phone_number, profileId }
		: telnyxErrors.unknownSender('messaging_profile_id', profileId);
}

/** A sender with its own profile; a messaging_profile_id sent along must be that one. */
function ownedSender(address: string, ownProfile: string, profileId: string | undefined) {
	if (profileId !== undefined && profileId !== ownProfile)
		return telnyxErrors.unknownSender('messaging_profile_id', profileId);
	return { address, profileId: ownProfile };
}

/**
 * The sender: one of the account's numbers or short codes, an alphanumeric sender ID with its
 * profile (SMS only), or a profile whose number pool picks a number. Group MMS: numbers only.
 */
function findSender(
	state: FakeState,
	body: Body,
	mode: 'send' | 'schedule' | 'group',
	type: 'SMS' | 'MMS',
): ErrorAnswer | Sender {
	const from = str(body.from);
	const profileId = str(body.messaging_profile_id);
	if (from === undefined) {
		return profileId === undefined ? telnyxErrors.missing('from') : poolSender(state, profileId);
	}
	if (isE164(from)) {
		const number = state.phoneNumbers.find((n) => n.phone_number === from);
		if (!number) return telnyxErrors.unknownSender('from', from);
		return ownedSender(from, number.messaging_profile_id, profileId);
	}
	if (mode === 'group')
		return telnyxErrors.invalidFrom('A group MMS is sent from a phone number in +E.164 format.');
	if (SHORT_CODE.test(from)) {
		const code = state.shortCodes.find((c) => c.short_code === from);
		if (!code) return telnyxErrors.invalidFrom(`'${from}' is not a short code on this account.`);
		return ownedSender(from, code.messaging_profile_id, profileId);
	}
	if (!ALPHANUMERIC_SENDER.test(from)) {
		return telnyxErrors.invalidFrom(
			`'${from}' is not a phone number, short code or alphanumeric sender ID.`,
		);
	}
	if (profileId === undefined) return telnyxErrors.missing('messaging_profile_id');
	const sender = state.alphanumericSenders.find(
		(a) => a.alphanumeric_sender_id === from && a.messaging_profile_id === profileId,
	);
	if (!sender) {
		return telnyxErrors.invalidFrom(
			`'${from}' is not an alphanumeric sender ID of messaging profile ${profileId}.`,
		);
	}
	if (type === 'MMS') return telnyxErrors.mmsNotFromThisSender(from);
	return { address: from, profileId };
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

	const sender = findSender(state, body, mode, type);
	if ('status' in sender) return sender;
	const profile = state.profiles.find((p) => p.id === sender.profileId);
	if (!profile) return telnyxErrors.unknownSender('messaging_profile_id', sender.profileId);
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
		from: sender.address,
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

	// Telnyx filters these lists by profile only; the node searches the page it gets.
	ListShortCodes: ({ state, search }) => {
		const profileId = search.get('filter[messaging_profile_id]');
		const found = state.shortCodes.filter(
			(c) => profileId === null || c.messaging_profile_id === profileId,
		);
		const page = paginate(found, pageParams(search));
		return ok({ data: page.data.map(renderShortCode), meta: page.meta });
	},

	ListAlphanumericSenderIds: ({ state, search }) => {
		const profileId = search.get('filter[messaging_profile_id]');
		const found = state.alphanumericSenders.filter(
			(a) => profileId === null || a.messaging_profile_id === profileId,
		);
		const page = paginate(found, pageParams(search));
		return ok({ data: page.data.map(renderAlphanumericSender), meta: page.meta });
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
