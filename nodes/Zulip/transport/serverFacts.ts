import type { IDataObject } from 'n8n-workflow';
import type { HttpContext } from '../../../shared/http';
import { nodeOfRun } from '../../../shared/nodeOfRun';
import { ZULIP_CREDENTIAL, zulipBaseUrl, zulipRequest } from './index';

/**
 * What a Zulip server can do and what its realm allows, read once per server and credential and
 * kept in this process: the API feature level (GET /server_settings) and the length limits that
 * Zulip tells clients to take from POST /register.
 */

export interface ZulipServer {
	/** 0 for servers older than Zulip 3.0, which do not report one. */
	featureLevel: number;
	version: string;
}

export interface ZulipLimits {
	/** In Unicode code points, as Zulip counts them. */
	maxMessageLength: number;
	maxTopicLength: number;
}

interface FactsCall {
	itemIndex?: number;
	maxRateLimitWaitSeconds?: number;
}

// An upgraded server or a changed realm setting is seen within the hour.
const TTL_MS = 60 * 60 * 1000;

interface Cached<T> {
	value: Promise<T>;
	expiresAt: number;
}

const servers = new Map<string, Cached<ZulipServer>>();
const limits = new Map<string, Cached<ZulipLimits>>();

/**
 * Server URL and the credential's id (never its secret): one entry per server and credential.
 * zulipBaseUrl reads the credential through credentialOfRun, so once per node run.
 */
async function keyOf(context: HttpContext): Promise<string> {
	const reference = nodeOfRun(context).credentials?.[ZULIP_CREDENTIAL];
	const credential = reference?.id ?? reference?.name ?? '';
	return JSON.stringify([await zulipBaseUrl(context), credential]);
}

/** Concurrent items share one request; a failed read is not kept, so the next item asks again. */
async function remembered<T>(
	cache: Map<string, Cached<T>>,
	key: string,
	read: () => Promise<T>,
): Promise<T> {
	const now = Date.now();
	const cached = cache.get(key);
	if (cached && cached.expiresAt > now) return await cached.value;
	const value = read();
	cache.set(key, { value, expiresAt: now + TTL_MS });
	value.catch(() => {
		if (cache.get(key)?.value === value) cache.delete(key);
	});
	return await value;
}

export async function zulipServer(
	context: HttpContext,
	call: FactsCall = {},
): Promise<ZulipServer> {
	return await remembered(servers, await keyOf(context), async () =>
		serverOf(await zulipRequest(context, { method: 'GET', path: '/server_settings', ...call })),
	);
}

export function serverOf(settings: IDataObject): ZulipServer {
	const level = Number(settings.zulip_feature_level);
	return {
		featureLevel: Number.isInteger(level) && level > 0 ? level : 0,
		version: String(settings.zulip_version ?? 'unknown'),
	};
}

/** Zulip's own defaults, for a server that does not report its limits (before Zulip 4.0). */
const DEFAULT_LIMITS: ZulipLimits = { maxMessageLength: 10_000, maxTopicLength: 60 };

export async function zulipLimits(
	context: HttpContext,
	call: FactsCall = {},
): Promise<ZulipLimits> {
	return await remembered(limits, await keyOf(context), async () => {
		// Only the realm's state, and a queue for no event types (Zulip drops it after 10 idle minutes).
		const state = await zulipRequest(context, {
			method: 'POST',
			path: '/register',
			body: { event_types: [], fetch_event_types: ['realm'] },
			...call,
		});
		const positive = (value: unknown, fallback: number) => {
			const number = Number(value);
			return Number.isInteger(number) && number > 0 ? number : fallback;
		};
		return {
			maxMessageLength: positive(state.max_message_length, DEFAULT_LIMITS.maxMessageLength),
			maxTopicLength: positive(state.max_topic_length, DEFAULT_LIMITS.maxTopicLength),
		};
	});
}
