/**
 * Telnyx error answers: `{ errors: [{ code, title, detail, source? }] }` (messaging_Errors).
 * Codes and titles come from Telnyx's general API error catalog (10xxx), which the spec's own
 * examples use. Where Telnyx documents no code for a case, the choice is marked ASSUMED.
 */

import type { Problem } from '../requestModel';

export interface TelnyxError {
	code: string;
	title: string;
	detail: string;
	source?: { pointer?: string; parameter?: string };
}

export interface ErrorAnswer {
	status: number;
	body: { errors: TelnyxError[] };
	headers?: Record<string, string>;
}

export function errorAnswer(
	status: number,
	error: TelnyxError | TelnyxError[],
	headers?: Record<string, string>,
): ErrorAnswer {
	return { status, body: { errors: Array.isArray(error) ? error : [error] }, headers };
}

const pointer = (at: string | undefined) => (at === undefined ? {} : { source: { pointer: at } });

export const telnyxErrors = {
	/** Spec example (UnauthorizedResponse), word for word. */
	unauthorized: () =>
		errorAnswer(401, {
			code: '10009',
			title: 'Authentication failed',
			detail:
				'The required authentication headers were either invalid or not included in the request.',
		}),
	notFound: (detail = 'The requested resource or URL could not be found.') =>
		errorAnswer(404, { code: '10005', title: 'Resource not found', detail }),
	tooManyRequests: (resetSeconds: number) =>
		errorAnswer(
			429,
			{
				code: '10011',
				title: 'Too many requests',
				detail: 'You have exceeded the maximum number of allowed requests.',
			},
			{ 'x-ratelimit-reset': String(resetSeconds), 'x-ratelimit-remaining': '0' },
		),
	unexpected: () =>
		errorAnswer(500, {
			code: '10007',
			title: 'Unexpected error',
			detail: 'An unexpected error occured.',
		}),
	invalidJson: (detail: string) =>
		errorAnswer(400, { code: '10023', title: 'Invalid JSON', detail }),
	/** A request the spec rejects (type, format, required...). */
	badRequest: (detail: string, at?: string) =>
		errorAnswer(400, { code: '10015', title: 'Bad Request', detail, ...pointer(at) }),
	missing: (field: string) =>
		errorAnswer(422, {
			code: '10004',
			title: 'Missing required parameter',
			detail: `The '${field}' parameter is required.`,
			...pointer(`/${field}`),
		}),
	notE164: (field: string) =>
		errorAnswer(422, {
			code: '10016',
			title: 'Phone number must be in +E.164 format',
			detail: `The '${field}' parameter must be in E164 format.`,
			...pointer(`/${field}`),
		}),
	/** ASSUMED code: a sender that is not one of the account's numbers / profiles. */
	unknownSender: (field: string, value: string) =>
		errorAnswer(422, {
			code: '10017',
			title: 'Associated resource does not exist',
			detail: `'${value}' is not a messaging-enabled number or profile on this account.`,
			...pointer(`/${field}`),
		}),
	/**
	 * Messaging catalog 40305 (HTTP 400, as Telnyx's 403xx request errors are): a `from` that is not
	 * one of the account's senders, or not a sender this endpoint takes.
	 */
	invalidFrom: (detail: string) =>
		errorAnswer(400, {
			code: '40305',
			title: "Invalid 'from' address",
			detail,
			source: { pointer: '/from' },
		}),
	/**
	 * Messaging catalog 40308 (HTTP 400): the sender cannot send MMS; alphanumeric sender IDs are SMS
	 * only. ASSUMED title wording.
	 */
	mmsNotFromThisSender: (from: string) =>
		errorAnswer(400, {
			code: '40308',
			title: "Invalid 'from' address for MMS",
			detail: `'${from}' is an alphanumeric sender ID, which sends SMS only.`,
			source: { pointer: '/from' },
		}),
	/** ASSUMED code: documented limits (send_at window, 8 recipients, 10 media URLs) with no documented error. */
	unprocessable: (detail: string, at?: string) =>
		errorAnswer(422, { code: '10015', title: 'Bad Request', detail, ...pointer(at) }),
	/**
	 * The spec documents 403 for DELETE /messages/{id} but no code or title: ASSUMED code and title.
	 * The detail is the documented rule.
	 */
	notCancellable: () =>
		errorAnswer(403, {
			code: '10015',
			title: 'Message cannot be cancelled',
			detail:
				'Only messages with status=scheduled and send_at more than a minute from now can be cancelled.',
			source: { pointer: '/id' },
		}),
};

/** One request problem as a Telnyx error, with the HTTP status it comes with. */
function problemError(problem: Problem): { status: number; error: TelnyxError } {
	const name = problem.field;
	const source = problem.in === 'body' ? { pointer: `/${name}` } : { parameter: name };
	if (problem.in === 'path') {
		// ASSUMED status: the catalog's code for a malformed id.
		return {
			status: 400,
			error: {
				code: '10006',
				title: 'Invalid ID',
				detail: `The '${name}' parameter must be ${problem.expected}.`,
				source,
			},
		};
	}
	switch (problem.kind) {
		case 'missing':
			return { status: 422, error: telnyxErrors.missing(name).body.errors[0] };
		case 'json':
			return {
				status: 400,
				error: {
					code: '10023',
					title: 'Invalid JSON',
					detail: 'The request body is not valid JSON.',
				},
			};
		case 'media-type':
			// ASSUMED status (415): the catalog names the code, not the status.
			return {
				status: 415,
				error: {
					code: '10014',
					title: 'Unsupported Media Type',
					detail: `The request body must be sent as ${problem.expected}.`,
				},
			};
		default:
			if (problem.expected === 'an http(s) URL') {
				return {
					status: 400,
					error: {
						code: '10003',
						title: 'Invalid URL',
						detail: `The '${name}' parameter must be a valid URL.`,
						source,
					},
				};
			}
			return {
				status: 400,
				error: {
					code: '10015',
					title: 'Bad Request',
					detail: `The '${name}' parameter must be ${problem.expected}.`,
					source,
				},
			};
	}
}

/**
 * Telnyx's answer to a request it cannot read, or undefined when it would serve it: every problem
 * as an entry of `errors`, under the status of the first. Fields it does not know are ignored.
 */
export function telnyxRefusal(problems: readonly Problem[]): ErrorAnswer | undefined {
	// A body Telnyx cannot read at all is the whole answer.
	const unreadable = problems.find(
		(p) => p.in === 'body' && (p.kind === 'json' || p.kind === 'media-type'),
	);
	const refused = (unreadable ? [unreadable] : problems.filter((p) => p.kind !== 'unknown')).map(
		problemError,
	);
	if (refused.length === 0) return undefined;
	return errorAnswer(
		refused[0].status,
		refused.map((r) => r.error),
	);
}
