import { ok, type Route } from './replies';
import type { ZulipWorld } from './state';

/**
 * POST /register: an event queue plus the initial state of the event types asked for. The fake
 * keeps no queue yet and gives the state of `realm` only as far as clients read it here: the
 * realm's length limits (what Zulip tells clients to take from this endpoint).
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
		return ok({
			queue_id: ctx.nextQueueId(),
			last_event_id: -1,
			zulip_feature_level: world.featureLevel,
			zulip_version: world.zulipVersion,
			zulip_merge_base: world.zulipVersion,
			...state,
		});
	},
};
