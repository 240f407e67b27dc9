/**
 * What the fake remembers: seeded profiles and numbers, and the messages it was asked to send,
 * stored in the spec's OutboundMessagePayload shape so answers are a plain copy.
 */
import { randomUUID } from 'node:crypto';

export type RecipientStatus =
	| 'scheduled'
	| 'queued'
	| 'sending'
	| 'sent'
	| 'delivered'
	| 'cancelled'
	| 'expired'
	| 'sending_failed'
	| 'delivery_failed'
	| 'delivery_unconfirmed';

export interface TelnyxFakeRecipient {
	phone_number: string;
	status: RecipientStatus;
	carrier: string;
	line_type: string;
}

export interface TelnyxFakeMessage {
	id: string;
	record_type: 'message';
	direction: 'outbound';
	type: 'SMS' | 'MMS';
	messaging_profile_id: string;
	organization_id: string;
	from: { phone_number: string; carrier: string; line_type: string };
	to: TelnyxFakeRecipient[];
	cc: TelnyxFakeRecipient[];
	text: string;
	subject: string | null;
	media: { url: string; content_type: string | null; sha256: string | null; size: number | null }[];
	webhook_url: string | null;
	webhook_failover_url: string | null;
	encoding: 'GSM-7' | 'UCS-2';
	parts: number;
	num_chars: number;
	tags: string[];
	cost: { amount: string; currency: string } | null;
	cost_breakdown: null;
	received_at: string;
	sent_at: string | null;
	completed_at: string | null;
	valid_until: string | null;
	errors: { code: string; title: string; detail?: string }[];
	/** Not in the spec's schema; kept because scheduling is what this fake is for. */
	send_at?: string;
}

export interface FakePhoneNumber {
	id: string;
	phone_number: string;
	messaging_profile_id: string;
}

/** A short code (5 or 6 digits) bound to a messaging profile. */
export interface FakeShortCode {
	id: string;
	short_code: string;
	messaging_profile_id: string;
}

/** An alphanumeric sender ID; Telnyx needs its messaging profile with every message it sends. */
export interface FakeAlphanumericSender {
	id: string;
	alphanumeric_sender_id: string;
	messaging_profile_id: string;
}

export interface FakeProfile {
	id: string;
	name: string;
	webhook_url: string | null;
	webhook_failover_url: string | null;
	enabled: boolean;
}

export const ORGANIZATION_ID = 'b448f9cc-a842-4784-98e9-03c1a5872950';
export const PROFILE_A_ID = '4000eba1-a0c0-4563-9925-b25e842a7cb6';
export const PROFILE_B_ID = '7d3a1c52-9b8e-4f21-a6d0-3c5e8f9b2a41';
/** Fixed so tests can compare timestamps the fake renders. */
const SEEDED_AT = '2026-01-05T09:00:00.000Z';

export function seedProfiles(): FakeProfile[] {
	return [
		{
			id: PROFILE_A_ID,
			name: 'Profile A',
			webhook_url: 'https://hooks.example.com/telnyx',
			webhook_failover_url: null,
			enabled: true,
		},
		{
			id: PROFILE_B_ID,
			name: 'Profile B',
			webhook_url: null,
			webhook_failover_url: null,
			enabled: true,
		},
	];
}

export function seedPhoneNumbers(): FakePhoneNumber[] {
	return [
		{ id: '1293384261075731401', phone_number: '+15550001111', messaging_profile_id: PROFILE_A_ID },
		{ id: '1293384261075731402', phone_number: '+15550002222', messaging_profile_id: PROFILE_A_ID },
		{ id: '1293384261075731403', phone_number: '+15550003333', messaging_profile_id: PROFILE_B_ID },
	];
}

export function seedShortCodes(): FakeShortCode[] {
	return [
		{
			id: '3fa85f64-5717-4562-b3fc-2c963f66a001',
			short_code: '12345',
			messaging_profile_id: PROFILE_A_ID,
		},
		{
			id: '3fa85f64-5717-4562-b3fc-2c963f66a002',
			short_code: '654321',
			messaging_profile_id: PROFILE_B_ID,
		},
	];
}

export function seedAlphanumericSenders(): FakeAlphanumericSender[] {
	return [
		{
			id: '6a09cdc3-8948-47f0-aa62-74ac943d6c01',
			alphanumeric_sender_id: 'ACME',
			messaging_profile_id: PROFILE_A_ID,
		},
		{
			id: '6a09cdc3-8948-47f0-aa62-74ac943d6c02',
			alphanumeric_sender_id: 'Acme Shop',
			messaging_profile_id: PROFILE_B_ID,
		},
	];
}

/** `+` and 8..15 digits, no leading zero. */
export const isE164 = (value: string): boolean => /^\+[1-9]\d{7,14}$/.test(value);

// GSM 03.38 basic set plus the extension table (extension characters count double).
const GSM7_BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export function encodingOf(text: string): { encoding: 'GSM-7' | 'UCS-2'; parts: number } {
	let septets = 0;
	let gsm = true;
	for (const ch of text) {
		if (GSM7_BASIC.includes(ch)) septets += 1;
		else if (GSM7_EXTENDED.includes(ch)) septets += 2;
		else gsm = false;
	}
	const [units, single, multi] = gsm ? [septets, 160, 153] : [[...text].length, 70, 67];
	const parts = units <= single ? 1 : Math.ceil(units / multi);
	return { encoding: gsm ? 'GSM-7' : 'UCS-2', parts: Math.min(Math.max(parts, 1), 10) };
}

export interface NewMessage {
	profile: FakeProfile;
	from: string;
	to: string[];
	type: 'SMS' | 'MMS';
	text?: string;
	subject?: string;
	mediaUrls?: string[];
	webhookUrl?: string;
	webhookFailoverUrl?: string;
	useProfileWebhooks: boolean;
	/** ms since epoch; absent = send now. */
	sendAt?: number;
	now: number;
}

export function createMessage(m: NewMessage): TelnyxFakeMessage {
	const text = m.text ?? '';
	const { encoding, parts } =
		m.type === 'MMS' ? { encoding: encodingOf(text).encoding, parts: 1 } : encodingOf(text);
	const status: RecipientStatus = m.sendAt === undefined ? 'queued' : 'scheduled';
	const message: TelnyxFakeMessage = {
		id: randomUUID(),
		record_type: 'message',
		direction: 'outbound',
		type: m.type,
		messaging_profile_id: m.profile.id,
		organization_id: ORGANIZATION_ID,
		from: { phone_number: m.from, carrier: 'TELNYX LLC', line_type: 'VoIP' },
		to: m.to.map((phone_number) => ({
			phone_number,
			status,
			carrier: 'T-MOBILE USA, INC.',
			line_type: 'Wireless',
		})),
		cc: [],
		text,
		subject: m.subject ?? null,
		media: (m.mediaUrls ?? []).map((url) => ({
			url,
			content_type: null,
			sha256: null,
			size: null,
		})),
		webhook_url: m.webhookUrl ?? (m.useProfileWebhooks ? m.profile.webhook_url : null),
		webhook_failover_url:
			m.webhookFailoverUrl ?? (m.useProfileWebhooks ? m.profile.webhook_failover_url : null),
		encoding,
		parts,
		num_chars: [...text].length,
		tags: [],
		cost: null,
		cost_breakdown: null,
		received_at: new Date(m.now).toISOString(),
		sent_at: null,
		completed_at: null,
		valid_until: null,
		errors: [],
	};
	if (m.sendAt !== undefined) message.send_at = new Date(m.sendAt).toISOString();
	return message;
}

/** Delivery is confirmed this long after sending. */
export const DELIVERY_MS = 1000;

/**
 * Moves messages along with the clock: queued (at once) or scheduled (at send_at) -> sent,
 * then delivered a second later.
 */
export function progress(message: TelnyxFakeMessage, now: number): void {
	const due = Date.parse(message.send_at ?? message.received_at);
	for (const r of message.to) {
		if ((r.status === 'queued' || r.status === 'scheduled') && due <= now) r.status = 'sent';
		if (r.status === 'sent' && due + DELIVERY_MS <= now) r.status = 'delivered';
	}
	if (
		message.sent_at === null &&
		message.to.some((r) => r.status === 'sent' || r.status === 'delivered')
	) {
		message.sent_at = new Date(due).toISOString();
		const perPart = message.type === 'MMS' ? 0.015 : 0.004;
		message.cost = {
			amount: (perPart * message.parts * message.to.length).toFixed(4),
			currency: 'USD',
		};
	}
	if (message.completed_at === null && message.to.every((r) => r.status === 'delivered')) {
		message.completed_at = new Date(due + DELIVERY_MS).toISOString();
	}
}

/** Documented rule: only while scheduled, and not within a minute of send_at. */
export function cancellable(message: TelnyxFakeMessage, now: number): boolean {
	if (message.send_at === undefined) return false;
	return (
		message.to.every((r) => r.status === 'scheduled') && Date.parse(message.send_at) - now > 60_000
	);
}

export function cancel(message: TelnyxFakeMessage): void {
	for (const r of message.to) r.status = 'cancelled';
	message.cost = { amount: '0.0', currency: 'USD' };
}

/** MessagingProfile as the spec renders it. */
export function renderProfile(p: FakeProfile): Record<string, unknown> {
	return {
		record_type: 'messaging_profile',
		id: p.id,
		name: p.name,
		enabled: p.enabled,
		webhook_url: p.webhook_url,
		webhook_failover_url: p.webhook_failover_url,
		webhook_api_version: '2',
		whitelisted_destinations: ['US'],
		number_pool_settings: null,
		url_shortener_settings: null,
		alpha_sender: null,
		daily_spend_limit_enabled: false,
		mms_fall_back_to_sms: false,
		mms_transcoding: false,
		mobile_only: false,
		smart_encoding: false,
		organization_id: ORGANIZATION_ID,
		v1_secret: 'rP1VamejkU2v0qIUxntqLW2c',
		created_at: SEEDED_AT,
		updated_at: SEEDED_AT,
	};
}

/** PhoneNumberWithMessagingSettings (GET /messaging_profiles/{id}/phone_numbers). */
export function renderProfileNumber(n: FakePhoneNumber): Record<string, unknown> {
	const features = {
		domestic_two_way: true,
		international_inbound: false,
		international_outbound: true,
	};
	return {
		record_type: 'messaging_settings',
		id: n.id,
		phone_number: n.phone_number,
		messaging_profile_id: n.messaging_profile_id,
		country_code: 'US',
		type: 'long-code',
		messaging_product: 'A2P',
		traffic_type: 'A2P',
		eligible_messaging_products: ['A2P'],
		features: { sms: features, mms: features },
		organization_id: ORGANIZATION_ID,
		tags: [],
		created_at: SEEDED_AT,
		updated_at: SEEDED_AT,
	};
}

/** PhoneNumberDetailed (GET /phone_numbers). */
export function renderNumber(n: FakePhoneNumber, profiles: FakeProfile[]): Record<string, unknown> {
	return {
		record_type: 'phone_number',
		id: n.id,
		phone_number: n.phone_number,
		status: 'active',
		country_iso_alpha2: 'US',
		phone_number_type: 'local',
		messaging_profile_id: n.messaging_profile_id,
		messaging_profile_name: profiles.find((p) => p.id === n.messaging_profile_id)?.name ?? null,
		connection_id: null,
		billing_group_id: null,
		customer_reference: null,
		external_pin: null,
		tags: [],
		deletion_lock_enabled: false,
		source_type: 'number_order',
		created_at: SEEDED_AT,
		purchased_at: SEEDED_AT,
		updated_at: SEEDED_AT,
	};
}

/** ShortCode as the spec renders it (GET /short_codes). */
export function renderShortCode(c: FakeShortCode): Record<string, unknown> {
	return {
		record_type: 'short_code',
		id: c.id,
		short_code: c.short_code,
		country_code: 'US',
		messaging_profile_id: c.messaging_profile_id,
		tags: [],
		created_at: SEEDED_AT,
		updated_at: SEEDED_AT,
	};
}

/** AlphanumericSenderId as the spec renders it (GET /alphanumeric_sender_ids). */
export function renderAlphanumericSender(a: FakeAlphanumericSender): Record<string, unknown> {
	return {
		record_type: 'alphanumeric_sender_id',
		id: a.id,
		alphanumeric_sender_id: a.alphanumeric_sender_id,
		messaging_profile_id: a.messaging_profile_id,
		organization_id: ORGANIZATION_ID,
	};
}

/** Telnyx list pages: `page[number]` from 1, `page[size]` default 20. */
export function paginate<T>(items: T[], page: { number?: unknown; size?: unknown } | undefined) {
	const pageNumber = Math.max(1, Number(page?.number ?? 1) || 1);
	const pageSize = Math.max(1, Number(page?.size ?? 20) || 20);
	const start = (pageNumber - 1) * pageSize;
	return {
		data: items.slice(start, start + pageSize),
		meta: {
			page_number: pageNumber,
			page_size: pageSize,
			total_pages: Math.max(1, Math.ceil(items.length / pageSize)),
			total_results: items.length,
		},
	};
}
