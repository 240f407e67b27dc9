import type { ModelCheck, ModelOperation } from '../requestModel';

/**
 * What a Zulip server of a given API feature level serves (Zulip's "Changes" notes in its API
 * docs). The fake plays one level: an older server has no route for a newer endpoint, ignores a
 * newer parameter (listing it in `ignored_parameters_unsupported`) and refuses a newer `type`.
 */

/** The level of the published OpenAPI file: newer routes are checked by the model alone. */
export const SPEC_FEATURE_LEVEL = 275;

/** A few servers worth playing, for tests. */
export const ZULIP_SERVERS = {
	'6.x': { featureLevel: 170, zulipVersion: '7.0-dev-170' },
	'7.0': { featureLevel: 185, zulipVersion: '7.0' },
	'8.0': { featureLevel: 237, zulipVersion: '8.0' },
	'9.0': { featureLevel: 275, zulipVersion: '9.0' },
	'11.0-early': { featureLevel: 381, zulipVersion: '11.0-dev-381' },
	'11.0': { featureLevel: 415, zulipVersion: '11.0' },
} as const;

const OPERATION_SINCE: Record<string, number> = {
	'get-scheduled-messages': 179,
	'create-scheduled-message': 179,
	'delete-scheduled-message': 179,
	'update-scheduled-message': 184,
	'create-message-reminder': 381,
	'get-reminders': 399,
	'delete-reminder': 399,
};

const FIELD_SINCE: Record<string, Record<string, number>> = {
	'create-scheduled-message': { read_by_sender: 236 },
	'send-message': { read_by_sender: 236 },
	'create-message-reminder': { note: 415 },
};

/** Values of `type` and the level that added them ("direct" 7.0, "channel" 9.0). */
const TYPE_SINCE: Record<string, number> = { direct: 174, channel: 248 };

export function servedAt(operation: ModelOperation, featureLevel: number): boolean {
	return (OPERATION_SINCE[operation.id] ?? 0) <= featureLevel;
}

export function newerThanSpec(operation: ModelOperation | undefined): boolean {
	return operation !== undefined && (OPERATION_SINCE[operation.id] ?? 0) > SPEC_FEATURE_LEVEL;
}

/**
 * Turns a check made against the current API into what a server at `featureLevel` sees: a route
 * it lacks becomes no route (405 when the path has other methods there), a parameter it lacks is
 * unknown (ignored), a `type` it lacks is refused as Zulip refuses an invalid one.
 */
export function atFeatureLevel(
	check: ModelCheck,
	operations: readonly ModelOperation[],
	featureLevel: number,
): ModelCheck {
	const { operation } = check;
	if (!operation) return check;
	if (!servedAt(operation, featureLevel)) {
		const allowedMethods = operations
			.filter((other) => other.path === operation.path && servedAt(other, featureLevel))
			.map((other) => other.method);
		return { params: {}, body: {}, problems: [], allowedMethods };
	}
	const body = { ...check.body };
	const problems = [...check.problems];
	for (const [field, since] of Object.entries(FIELD_SINCE[operation.id] ?? {})) {
		if (since > featureLevel && field in body) {
			delete body[field];
			problems.push({ in: 'body', field, kind: 'unknown', expected: `feature level ${since}+` });
		}
	}
	const typeSince = TYPE_SINCE[String(body.type)];
	if (typeSince !== undefined && typeSince > featureLevel) {
		problems.unshift({
			in: 'body',
			field: 'type',
			kind: 'enum',
			expected: `a type this server knows (${String(body.type)} needs feature level ${typeSince})`,
		});
	}
	return { ...check, body, problems };
}
