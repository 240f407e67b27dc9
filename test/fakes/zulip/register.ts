import { ok, type Route } from './replies';
import { eventQueueRegistration } from './events';
import type { ZulipWorld } from './state';

/**
 * POST /register: an event queue with the initial state of the event types asked for (events.ts),
 * plus `realm` as far as clients read it here: the realm's length limits (what Zulip tells clients
 * to take from this endpoint).
 */

/** Initial state per event type the fake knows; others are ignored, as Zulip ignores unknown ones. */
const initialState: Record<string, (world: ZulipWorld) => Record<string, unknown>> = {
	realm: realmLimits,
};

function realmLimits(world: ZulipWorld): Record<string, unknown> {
	return {
		max_message_length: world.maxMessageLength,
		max_topic_length: world.maxTopicLength,
		max_stream_name_length: 60,
		max_stream_description_length: 1024,
	};
}

function fetchedTypes(body: Record<string, unknown>): string[] {
	// fetch_event_types defaults to event_types, which defaults to every type.
	const types = body.fetch_event_types ?? body.event_types;
	return Array.isArray(types) ? types.map(String) : Object.keys(initialState);
}

export const registerRoutes: Record<string, Route> = {
	'register-queue': (ctx) => {
		const { world, body } = ctx;
		const state: Record<string, unknown> = {};
		for (const type of fetchedTypes(body)) Object.assign(state, initialState[type]?.(world));
		return ok({ ...eventQueueRegistration(world, body), ...state });
	},
};
