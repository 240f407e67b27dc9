/**
 * A local stand-in for the Telnyx messaging API (https://api.telnyx.com/v2) for tests. It models
 * Telnyx by itself (model.ts: routes, fields, types; errors.ts: Telnyx's error answers; routes.ts:
 * the documented rules and the account's state), so it works on a bare clone. When Telnyx's
 * OpenAPI files are there, every request is also checked against them. Anything either layer
 * rejects is recorded in `violations`. It runs on a clock tests can move, and can be told to
 * answer 429, 500, or drop the connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest, describeProblem, type ModelCheck } from '../requestModel';
import { specLayerDir, TELNYX_SPEC_FILE } from '../specs';
import { telnyxErrors, telnyxRefusal, type ErrorAnswer } from './errors';
import { telnyxOperations } from './model';
import { routeFor, type Answer, type FakeState } from './routes';
import {
	checkRequest as checkSpecRequest,
	checkResponse,
	loadTelnyxSpec,
	type TelnyxSpec,
} from './spec';
import { MessageStore } from './messageStore';
import {
	seedAlphanumericSenders,
	seedPhoneNumbers,
	seedShortCodes,
	seedProfiles,
	type FakeAlphanumericSender,
	type FakePhoneNumber,
	type FakeProfile,
	type FakeShortCode,
} from './state';

export type {
	TelnyxFakeMessage,
	TelnyxFakeRecipient,
	RecipientStatus,
	FakePhoneNumber,
	FakeProfile,
	FakeShortCode,
	FakeAlphanumericSender,
} from './state';
export { PROFILE_A_ID, PROFILE_B_ID, ORGANIZATION_ID } from './state';

export interface SeenRequest {
	method: string;
	/** As received, with the /v2 prefix and without the query string. */
	path: string;
	query: Record<string, string>;
	/** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	/** Real time (Date.now) the request arrived, for checks on pacing. */
	receivedAt: number;
}

export interface TelnyxFakeOptions {
	apiKey?: string;
	/**
	 * Folder holding the Telnyx specs, for the spec layer. Default: the shared specs folder (see
	 * test/fakes/specs.ts), used when present (required under CI). `false`: Telnyx's model alone.
	 */
	specsDir?: string | false;
	/** The fake's wall clock (ms since epoch); `advance` adds to it. Default Date.now. */
	now?: () => number;
}

type FaultKind = 'drop-after-body' | 'http-500';
interface Fault {
	method: string;
	path: RegExp;
	kind: FaultKind;
	/** Matching requests to let through before this one fails. */
	skip: number;
}

const BASE_PATH = '/v2';

export class TelnyxFake implements FakeState {
	/** http://127.0.0.1:PORT, without /v2 (point the SDK at `${url}/v2`). */
	readonly url: string;
	readonly apiKey: string;
	/** How long loading the spec took for this process (0 after the first fake: it is cached). */
	readonly specLoadMs: number;
	readonly messages = new MessageStore();
	phoneNumbers: FakePhoneNumber[] = seedPhoneNumbers();
	shortCodes: FakeShortCode[] = seedShortCodes();
	alphanumericSenders: FakeAlphanumericSender[] = seedAlphanumericSenders();
	profiles: FakeProfile[] = seedProfiles();
	requests: SeenRequest[] = [];
	/** Requests that break Telnyx's model or spec (or hit routes the fake does not serve). */
	violations: string[] = [];
	/** The fake's own 2xx answers that break the spec: bugs in the fake, expected empty. */
	responseViolations: string[] = [];

	private offsetMs = 0;
	private rateLimited = 0;
	private rateLimitResetSeconds = 0;
	private faults: Fault[] = [];
	private holdMs: number | ((requestIndex: number) => number) = 0;
	private bucket: { perSecond: number; tokens: number; at: number } | undefined;
	/** 429s the enforced rate limit answered (see enforceRateLimit). */
	rateLimitedCount = 0;
	private inFlight = 0;
	/** The most requests the fake was handling at one time (see holdAnswers). */
	maxInFlight = 0;
	/** For each request in arrival order, how many the fake was handling then, itself included. */
	inFlightAtArrival: number[] = [];

	private constructor(
		private readonly server: Server,
		/** The OpenAPI layer; undefined when the spec files are absent. */
		readonly spec: TelnyxSpec | undefined,
		private readonly clock: () => number,
		apiKey: string,
		specLoadMs: number,
	) {
		const { port } = server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}`;
		this.apiKey = apiKey;
		this.specLoadMs = specLoadMs;
		server.on('request', (req: IncomingMessage, res: ServerResponse) => {
			this.onRequest(req, res).catch((err: unknown) => {
				this.violations.push(`fake crashed on ${req.method} ${req.url}: ${String(err)}`);
				if (!res.headersSent) res.writeHead(500).end();
			});
		});
	}

	static async start(options: TelnyxFakeOptions = {}): Promise<TelnyxFake> {
		const started = Date.now();
		const dir = specLayerDir(options.specsDir, TELNYX_SPEC_FILE);
		const spec = dir === undefined ? undefined : await loadTelnyxSpec(dir);
		const loadMs = Date.now() - started;
		const server = createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		return new TelnyxFake(
			server,
			spec,
			options.now ?? Date.now,
			options.apiKey ?? 'KEYtest_123',
			loadMs,
		);
	}

	now(): number {
		return this.clock() + this.offsetMs;
	}

	/** The next `count` authenticated requests get 429 with `x-ratelimit-reset: resetSeconds`. */
	rateLimitNext(count: number, resetSeconds: number): void {
		this.rateLimited = count;
		this.rateLimitResetSeconds = resetSeconds;
	}

	/**
	 * The next authenticated request matching method and path (tested against the full path, e.g.
	 * /v2/messages/schedule), after `skip` such requests went through, fails once: 'http-500' answers 500 without any effect;
	 * 'drop-after-body' applies the effect, then destroys the socket without answering.
	 */
	failNext(match: { method: string; path: RegExp }, kind: FaultKind, skip = 0): void {
		this.faults.push({ method: match.method.toUpperCase(), path: match.path, kind, skip });
	}

	/**
	 * Every answer waits this long (real time), so concurrent requests overlap and maxInFlight shows
	 * how many; a function gives each request its own hold, by its index in arrival order.
	 */
	holdAnswers(ms: number | ((requestIndex: number) => number)): void {
		this.holdMs = ms;
	}

	/**
	 * Answers 429 (code 10011, x-ratelimit-reset) to authenticated requests beyond `perSecond`, as a
	 * token bucket in real time: up to one second's worth at once, then `perSecond` a second. 0 turns it off.
	 */
	enforceRateLimit(perSecond: number): void {
		this.bucket = perSecond > 0 ? { perSecond, tokens: perSecond, at: Date.now() } : undefined;
	}

	private takeToken(): boolean {
		const bucket = this.bucket;
		if (!bucket) return true;
		const now = Date.now();
		bucket.tokens = Math.min(
			bucket.perSecond,
			bucket.tokens + ((now - bucket.at) / 1000) * bucket.perSecond,
		);
		bucket.at = now;
		if (bucket.tokens < 1) return false;
		bucket.tokens -= 1;
		return true;
	}

	/** Moves the fake clock; messages due by then are sent (and a second later delivered). */
	advance(ms: number): void {
		this.offsetMs += ms;
		this.tick();
	}

	reset(): void {
		this.messages.clear();
		this.phoneNumbers = seedPhoneNumbers();
		this.shortCodes = seedShortCodes();
		this.alphanumericSenders = seedAlphanumericSenders();
		this.profiles = seedProfiles();
		this.requests.length = 0;
		this.violations.length = 0;
		this.responseViolations.length = 0;
		this.offsetMs = 0;
		this.rateLimited = 0;
		this.faults = [];
		this.holdMs = 0;
		this.bucket = undefined;
		this.rateLimitedCount = 0;
		this.inFlight = 0;
		this.maxInFlight = 0;
		this.inFlightAtArrival = [];
	}

	async stop(): Promise<void> {
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections(); // keep-alive sockets would otherwise hold the process
		await closed;
	}

	private tick(): void {
		this.messages.progressUntil(this.now());
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		this.inFlight += 1;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		this.inFlightAtArrival.push(this.inFlight);
		try {
			await this.handle(req, res);
		} finally {
			this.inFlight -= 1;
		}
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const receivedAt = Date.now();
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = (req.method ?? 'GET').toUpperCase();
		let body: unknown;
		let jsonError: string | undefined;
		if (rawBody !== '') {
			try {
				body = JSON.parse(rawBody);
			} catch (err) {
				body = rawBody;
				jsonError = (err as Error).message;
			}
		}
		const holdMs =
			typeof this.holdMs === 'function' ? this.holdMs(this.requests.length) : this.holdMs;
		this.requests.push({
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			body,
			headers: { ...req.headers },
			receivedAt,
		});
		this.tick();

		const answer = this.answer({ method, url, req, body, rawBody, jsonError });
		if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
		if (answer === 'drop') {
			req.socket.destroy();
			return;
		}
		const payload = JSON.stringify(answer.body);
		res.writeHead(answer.status, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(payload),
			...answer.headers,
		});
		res.end(payload);
	}

	private answer(r: {
		method: string;
		url: URL;
		req: IncomingMessage;
		body: unknown;
		rawBody: string;
		jsonError?: string;
	}): Answer | ErrorAnswer | 'drop' {
		const fullPath = r.url.pathname;
		const label = `${r.method} ${fullPath}`;
		if (fullPath !== BASE_PATH && !fullPath.startsWith(`${BASE_PATH}/`)) {
			this.violations.push(`${label}: outside the API base path ${BASE_PATH}`);
			return telnyxErrors.notFound();
		}
		// Paths in the model and the spec are relative to the servers URL (https://api.telnyx.com/v2).
		const apiPath = fullPath.slice(BASE_PATH.length) || '/';
		const check = checkRequest(telnyxOperations, {
			method: r.method,
			path: apiPath,
			query: r.url.searchParams,
			contentType: String(r.req.headers['content-type'] ?? ''),
			rawBody: r.rawBody,
		});
		if (!check.operation)
			this.violations.push(`${label}: no such route in the Telnyx messaging API`);
		else
			this.violations.push(
				...check.problems.map(
					(p) => `${label} (${check.operation?.id}): ${describeProblem(p, 'Telnyx')}`,
				),
			);
		const specCheck = this.spec && this.checkSpec(r, apiPath, check.operation?.id);
		this.violations.push(...(specCheck?.violations ?? []));

		if (r.req.headers.authorization !== `Bearer ${this.apiKey}`) return telnyxErrors.unauthorized();
		if (this.rateLimited > 0) {
			this.rateLimited -= 1;
			return telnyxErrors.tooManyRequests(this.rateLimitResetSeconds);
		}
		if (!this.takeToken()) {
			this.rateLimitedCount += 1;
			return telnyxErrors.tooManyRequests(1);
		}
		const faultAt = this.faults.findIndex((f) => f.method === r.method && f.path.test(fullPath));
		let fault = faultAt >= 0 ? this.faults[faultAt] : undefined;
		if (fault && fault.skip > 0) {
			fault.skip -= 1;
			fault = undefined;
		} else if (fault) {
			this.faults.splice(faultAt, 1);
		}
		if (fault?.kind === 'http-500') return telnyxErrors.unexpected();

		const answer = this.serve(check, specCheck, r, label);
		return fault?.kind === 'drop-after-body' ? 'drop' : answer;
	}

	/** The spec layer: the operation the model routed to (when the loaded spec has it), else the spec's own match. */
	private checkSpec(
		r: {
			method: string;
			url: URL;
			req: IncomingMessage;
			body: unknown;
			rawBody: string;
			jsonError?: string;
		},
		apiPath: string,
		operationId?: string,
	) {
		const spec = this.spec as TelnyxSpec;
		// /phone_numbers comes from the full spec file; without it the subset cannot judge that route.
		if (operationId && !spec.api.getOperation(operationId)) return undefined;
		return checkSpecRequest(spec, {
			method: r.method,
			path: apiPath,
			search: r.url.searchParams,
			headers: r.req.headers,
			body: r.jsonError ? undefined : r.body,
			rawBody: r.rawBody,
			jsonError: r.jsonError,
		});
	}

	private serve(
		check: ModelCheck,
		specCheck: ReturnType<typeof checkSpecRequest> | undefined,
		r: { method: string; url: URL; body: unknown },
		label: string,
	): Answer | ErrorAnswer {
		const { operation } = check;
		if (!operation) return telnyxErrors.notFound();
		const refusal = telnyxRefusal(check.problems);
		if (refusal) return refusal;
		// The spec layer refuses what the model missed (a gap in the model, recorded as a violation).
		if (specCheck?.violations.length && check.problems.length === 0)
			return telnyxErrors.badRequest(specCheck.violations.join('; '));
		const route = routeFor(operation.id);
		if (!route) {
			this.violations.push(`${label}: ${operation.id} is modelled but not served by the fake`);
			return telnyxErrors.notFound();
		}
		const answer = route({
			state: this,
			params: check.params,
			search: r.url.searchParams,
			body: check.body,
		});
		if (answer.status < 300 && specCheck?.operation) {
			// Round-trip through JSON so the check sees exactly what goes on the wire.
			const wire: unknown = JSON.parse(JSON.stringify(answer.body));
			this.responseViolations.push(
				...checkResponse(this.spec as TelnyxSpec, specCheck.operation, answer.status, wire),
			);
		}
		return answer;
	}
}
