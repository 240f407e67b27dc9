import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Operation } from 'openapi-backend';
import { loadSpecValidator, type SpecValidator } from '../openapi';
import { checkRequest, describeProblem, type ModelCheck } from '../requestModel';
import { specLayerDir, specsDir, ZULIP_SPEC_FILE } from '../specs';
import { EventQueues } from './eventQueues';
import { announceScheduled, recordChannelMessage } from './events';
import { addReminder, removeReminder } from './reminders';
import { zulipErrors, zulipOperations, zulipRefusal } from './model';
import { routes, runRoute, type Reply } from './routes';
import {
	FEATURE_LEVEL,
	MAX_MESSAGE_LENGTH,
	MAX_TOPIC_LENGTH,
	ZULIP_VERSION,
	seedChannels,
	seedUsers,
	type SeenRequest,
	type ZulipChannel,
	type ZulipReminder,
	type ZulipScheduled,
	type ZulipSent,
	type ZulipUser,
	type ZulipWorld,
} from './state';
import { atFeatureLevel, newerThanSpec } from './versions';

export { ZULIP_SERVERS } from './versions';
export type {
	SeenRequest,
	ZulipChannel,
	ZulipReminder,
	ZulipScheduled,
	ZulipSent,
	ZulipUser,
} from './state';

/**
 * A local Zulip server for tests. It models Zulip by itself (model.ts: routes, parameters, types,
 * Zulip's error answers; routes.ts: a realm's state and rules), so it works on a bare clone. When
 * Zulip's published OpenAPI file is there, every request and every success answer is also checked
 * against it. What breaks either is collected in `violations` (not thrown, so tests can assert on
 * them); both layers must agree that a node's requests are clean.
 */

export { ZULIP_SPEC_FILE } from '../specs';
export const ZULIP_API_ROOT = '/api/v1';

export interface ZulipFakeOptions {
	email?: string;
	apiKey?: string;
	/**
	 * Folder holding zulip-openapi.yaml, for the spec layer. Default: `$SPECS_DIR`, else
	 * ../shared/specs, used when present (required under CI). `false`: Zulip's model alone.
	 */
	specsDir?: string | false;
	/** Clock in ms, for "must be in the future" and rate-limit reset times. */
	now?: () => number;
	/** How long GET /events waits for an event before answering with a heartbeat. */
	heartbeatMs?: number;
	/**
	 * The server to play: its API feature level (default 275, the spec's) and version string. An
	 * older level lacks newer routes, parameters and message types, as such a server does.
	 */
	featureLevel?: number;
	zulipVersion?: string;
	/** The realm's limits, as POST /register gives them (Zulip's defaults 10000 and 60). */
	maxMessageLength?: number;
	maxTopicLength?: number;
}

type FailureKind = 'drop-after-body' | 'http-500';

interface InjectedFailure {
	method: string;
	path: RegExp;
	kind: FailureKind;
	/** Matching requests to let through before this failure fires. */
	skip: number;
}

/** The spec, loaded and patched once per process (parsing it takes a second or two). */
export function loadZulipSpec(dir = specsDir()): Promise<SpecValidator> {
	return loadSpecValidator({
		file: path.join(dir, ZULIP_SPEC_FILE),
		apiRoot: ZULIP_API_ROOT,
		patch: patchZulipSpec,
	});
}

/** Known quirks of the published file, fixed in memory only. */
function patchZulipSpec(doc: Record<string, unknown>): void {
	// Security requirements name `basicAuth`, but the only scheme defined is `BasicAuth`.
	const rename = (security: unknown) => {
		if (!Array.isArray(security)) return;
		for (const requirement of security as Array<Record<string, unknown>>) {
			if ('basicAuth' in requirement) {
				requirement.BasicAuth = requirement.basicAuth;
				delete requirement.basicAuth;
			}
		}
	};
	rename(doc.security);
	const paths = (doc.paths ?? {}) as Record<string, Record<string, { security?: unknown }>>;
	for (const item of Object.values(paths))
		for (const operation of Object.values(item)) rename(operation?.security);
	// Its description says it needs no authentication at all, but it inherits the global requirement.
	const serverSettings = paths['/server_settings']?.get;
	if (serverSettings) serverSettings.security = [];
	// The file stops at feature level 275; `reminders` in /register's answer came with 381.
	const register = (paths['/register'] as Record<string, SchemaHolder> | undefined)?.post;
	const registerFields =
		register?.responses?.['200']?.content?.['application/json']?.schema?.allOf?.[1]?.properties;
	if (registerFields) registerFields.reminders = { type: 'array', items: { type: 'object' } };
	// A narrow's operand is a string, an integer or a list: `oneOf` fails an integer such as a
	// channel ID, because query values are coerced and 14 then also passes as the string "14".
	const messages = (paths['/messages'] as Record<string, SchemaHolder> | undefined)?.get;
	for (const parameter of messages?.parameters ?? []) {
		const operand =
			parameter.content?.['application/json']?.schema?.items?.oneOf?.[0]?.properties?.operand;
		if (operand?.oneOf) {
			operand.anyOf = operand.oneOf;
			delete operand.oneOf;
		}
	}
}

/** The parts of a schema the patches above reach into (JSON from the YAML file). */
interface SchemaPart {
	allOf?: SchemaPart[];
	oneOf?: SchemaPart[];
	anyOf?: SchemaPart[];
	items?: SchemaPart;
	properties?: Record<string, SchemaPart>;
	[keyword: string]: unknown;
}

interface SchemaHolder {
	responses?: Record<string, { content?: Record<string, { schema?: SchemaPart }> }>;
	parameters?: Array<{ content?: Record<string, { schema?: SchemaPart }> }>;
}

export class ZulipFake implements ZulipWorld {
	readonly url: string;
	readonly email: string;
	readonly apiKey: string;
	readonly featureLevel: number;
	readonly zulipVersion: string;
	readonly maxMessageLength: number;
	readonly maxTopicLength: number;
	users: ZulipUser[] = [];
	channels: ZulipChannel[] = [];
	scheduled = new Map<number, ZulipScheduled>();
	sent: ZulipSent[] = [];
	messages: Array<Record<string, unknown>> = [];
	reminders = new Map<number, ZulipReminder>();
	readonly queues: EventQueues;
	requests: SeenRequest[] = [];
	violations: string[] = [];

	private readonly now: () => number;
	private lastScheduledId = 0;
	private lastMessageId = 1000;
	private lastReminderId = 0;
	private lastQueueId = 0;
	private rateLimited = { count: 0, retryAfter: 0 };
	private failures: InjectedFailure[] = [];
	/** Open GET /events requests: a restart drops their connections. */
	private polls = new Set<http.ServerResponse>();

	private constructor(
		private readonly server: http.Server,
		/** The OpenAPI layer; undefined when the spec file is absent. */
		readonly spec: SpecValidator | undefined,
		options: ZulipFakeOptions,
	) {
		const { port } = server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}`;
		this.email = options.email ?? 'bot@example.com';
		this.apiKey = options.apiKey ?? 'test-api-key-123';
		this.now = options.now ?? Date.now;
		this.queues = new EventQueues(options.heartbeatMs);
		this.featureLevel = options.featureLevel ?? FEATURE_LEVEL;
		this.zulipVersion = options.zulipVersion ?? ZULIP_VERSION;
		this.maxMessageLength = options.maxMessageLength ?? MAX_MESSAGE_LENGTH;
		this.maxTopicLength = options.maxTopicLength ?? MAX_TOPIC_LENGTH;
		this.reset();
	}

	static async start(options: ZulipFakeOptions = {}): Promise<ZulipFake> {
		const dir = specLayerDir(options.specsDir, ZULIP_SPEC_FILE);
		const spec = dir === undefined ? undefined : await loadZulipSpec(dir);
		// The handler runs only after `fake` is set: no request is read before listen() resolves.
		const server = http.createServer((req, res) => void fake.handle(req, res));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const fake = new ZulipFake(server, spec, options);
		return fake;
	}

	/** The next `count` requests, whatever the route, get Zulip's 429 and change nothing. */
	rateLimitNext(count: number, retryAfterSeconds: number): void {
		this.rateLimited = { count, retryAfter: retryAfterSeconds };
	}

	/**
	 * The next request matching `method` and `path` (tested against the URL path, /api/v1 included) fails:
	 * 'drop-after-body' applies its effect, then closes the socket without answering (an unclear failure);
	 * 'http-500' answers 500 and applies nothing. With `skip`, that many matching requests pass first.
	 */
	failNext(match: { method: string; path: RegExp }, kind: FailureKind, skip = 0): void {
		this.failures.push({ method: match.method.toUpperCase(), path: match.path, kind, skip });
	}

	/** Back to the seeded realm; forgets requests, violations and injected failures. */
	reset(): void {
		this.users = seedUsers(this.email);
		this.channels = seedChannels();
		this.scheduled = new Map();
		this.sent = [];
		this.messages = [];
		this.reminders = new Map();
		this.lastReminderId = 0;
		this.queues.expire();
		this.requests = [];
		this.violations = [];
		this.lastScheduledId = 0;
		this.lastMessageId = 1000;
		this.lastReminderId = 0;
		this.rateLimited = { count: 0, retryAfter: 0 };
		this.failures = [];
	}

	/**
	 * A server restart: every event queue is gone (Zulip keeps them in memory) and open long
	 * polls lose their connection; the realm's data stays.
	 */
	restart(): void {
		this.queues.expire();
		for (const response of this.polls) response.socket?.destroy();
		this.polls.clear();
	}

	/** Someone else posts in a channel (as a user of the seeded realm). */
	postChannelMessage(
		senderEmail: string,
		channelId: number,
		topic: string,
		content: string,
	): number {
		const id = ++this.lastMessageId;
		recordChannelMessage(this, {
			id,
			channelId,
			topic,
			content,
			senderEmail,
			timestampSeconds: Math.floor(this.now() / 1000),
		});
		return id;
	}

	/** A reminder about a message, as the web app's "Remind me about this" makes (Zulip 11). */
	scheduleReminder(messageId: number, deliverAtSeconds: number, note = ''): number {
		const id = ++this.lastReminderId;
		addReminder(this, { id, messageId, timestamp: deliverAtSeconds, note });
		return id;
	}

	deleteReminder(id: number): void {
		removeReminder(this, id);
	}

	/**
	 * Zulip's delivery worker: every scheduled message and reminder due at `nowMs` is sent (a
	 * message, then `remove`) or, for a channel message whose channel is gone, or one listed in
	 * `fail`, marked failed (an `update` with failed: true).
	 */
	deliverDue(nowMs = this.now(), fail: number[] = []): void {
		const due = [...this.scheduled.values()]
			.filter((m) => !m.failed && m.scheduled_delivery_timestamp * 1000 <= nowMs)
			.sort((a, b) => a.scheduled_delivery_timestamp - b.scheduled_delivery_timestamp);
		for (const message of due) {
			const channelGone =
				message.type === 'stream' && !this.channels.some((c) => c.stream_id === message.to);
			if (channelGone || fail.includes(message.scheduled_message_id)) {
				const failed = { ...message, failed: true };
				this.scheduled.set(message.scheduled_message_id, failed);
				announceScheduled(this, { op: 'update', message: failed });
				continue;
			}
			const id = ++this.lastMessageId;
			this.sent.push({
				id,
				type: message.type,
				to: message.to,
				...(message.topic !== undefined ? { topic: message.topic } : {}),
				content: message.content,
				sender_email: this.email,
			});
			if (message.type === 'stream')
				recordChannelMessage(this, {
					id,
					channelId: Number(message.to),
					topic: message.topic ?? '',
					content: message.content,
					senderEmail: this.email,
					timestampSeconds: Math.floor(nowMs / 1000),
				});
			this.scheduled.delete(message.scheduled_message_id);
			announceScheduled(this, { op: 'remove', id: message.scheduled_message_id });
		}
		for (const reminder of [...this.reminders.values()]) {
			if (reminder.scheduled_delivery_timestamp * 1000 > nowMs) continue;
			removeReminder(this, reminder.reminder_id);
		}
	}

	async stop(): Promise<void> {
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		// Keep-alive sockets from fetch would otherwise hold the process open.
		this.server.closeAllConnections();
		await closed;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		try {
			const method = (req.method ?? 'GET').toUpperCase();
			const url = new URL(req.url ?? '/', this.url);
			const query = Object.fromEntries(url.searchParams);
			const rawBody = await readBody(req);
			const label = `${method} ${url.pathname}`;
			const current: ModelCheck = url.pathname.startsWith(`${ZULIP_API_ROOT}/`)
				? checkRequest(zulipOperations, {
						method,
						path: url.pathname.slice(ZULIP_API_ROOT.length),
						query: url.searchParams,
						contentType: String(req.headers['content-type'] ?? ''),
						rawBody: rawBody.toString('utf8'),
					})
				: { params: {}, body: {}, problems: [], allowedMethods: [] };
			const check = atFeatureLevel(current, zulipOperations, this.featureLevel);
			// Routes newer than the spec file (reminders) are checked by the model alone.
			const specChecked = this.spec !== undefined && !newerThanSpec(current.operation);
			const specOperation = !specChecked
				? undefined
				: current.operation
					? this.spec?.operation(current.operation.id)
					: this.spec?.match(method, url.pathname);
			const specProblems = !specChecked
				? []
				: (this.spec?.check(
						{ method, path: url.pathname, query, headers: req.headers, rawBody },
						specOperation,
					).problems ?? []);
			this.requests.push({
				method,
				path: url.pathname,
				query,
				body: check.body,
				headers: { ...req.headers },
			});
			if (!check.operation)
				this.violations.push(`${label}: no Zulip route for this method and path`);
			else
				this.violations.push(
					...check.problems.map(
						(p) => `${label} (${check.operation?.id}): ${describeProblem(p, 'Zulip')}`,
					),
				);
			this.violations.push(...specProblems);

			if (this.rateLimited.count > 0) {
				this.rateLimited.count--;
				return this.rateLimitReply(res);
			}
			const failure = this.takeFailure(method, url.pathname);
			if (failure?.kind === 'http-500') return send(res, zulipErrors.internal());
			let reply = this.reply(check, specOperation, specProblems, req.headers.authorization, query);
			if (reply.status === 200 && check.operation?.id === 'get-events') {
				this.polls.add(res);
				res.once('close', () => this.polls.delete(res));
				reply = await this.queues.poll({
					queueId: String(query.queue_id),
					lastEventId: Number(query.last_event_id ?? -1),
					dontBlock: query.dont_block === 'true',
				});
				this.polls.delete(res);
				if (res.destroyed) return;
				this.checkEventsReply(specOperation, reply);
			}
			if (failure?.kind === 'drop-after-body') {
				req.socket.destroy();
				return;
			}
			send(res, reply);
		} catch (error) {
			this.violations.push(
				`Zulip fake crashed on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`,
			);
			if (!res.headersSent) send(res, zulipErrors.internal());
		}
	}

	/** What Zulip answers; applies the request's effect. */
	private reply(
		check: ModelCheck,
		specOperation: Operation | undefined,
		specProblems: string[],
		authorization: string | undefined,
		query: Record<string, string>,
	): Reply {
		const { operation } = check;
		if (!operation)
			return check.allowedMethods.length
				? zulipErrors.methodNotAllowed(check.allowedMethods)
				: zulipErrors.endpointNotFound();
		if (operation.auth && !this.authorized(authorization)) return zulipErrors.invalidApiKey();
		const refusal = zulipRefusal(check.problems);
		if (refusal) return refusal;
		// The spec layer refuses what Zulip's model missed (a gap in the model, recorded above).
		if (specProblems.length && check.problems.length === 0) {
			return {
				status: 400,
				body: { result: 'error', msg: specProblems.join('; '), code: 'BAD_REQUEST' },
			};
		}
		// The long poll is answered by handle(), which may wait.
		if (operation.id === 'get-events') return { status: 200, body: {} };
		const route = routes[operation.id];
		if (!route) {
			this.violations.push(
				`${operation.method} ${operation.path} (${operation.id}) is modelled but not implemented by the Zulip fake`,
			);
			return {
				status: 501,
				body: { result: 'error', msg: 'Not implemented by the Zulip fake', code: 'BAD_REQUEST' },
			};
		}
		const reply = runRoute(route, {
			world: this,
			params: check.params,
			body: check.body,
			query,
			nowMs: this.now(),
			nextScheduledId: () => ++this.lastScheduledId,
			nextMessageId: () => ++this.lastMessageId,
			nextReminderId: () => ++this.lastReminderId,
			nextQueueId: () => `fake-queue-${++this.lastQueueId}`,
		});
		const ignored = check.problems.filter((p) => p.kind === 'unknown').map((p) => p.field);
		if (reply.status < 300 && ignored.length) reply.body.ignored_parameters_unsupported = ignored;
		// Keep the fake honest: its success answers must match the spec too.
		if (reply.status < 300 && specOperation)
			this.violations.push(
				...(this.spec?.checkResponse(specOperation, reply.status, reply.body) ?? []),
			);
		return reply;
	}

	/** Events newer than the spec file (reminders, Zulip 11) are left out of the spec check. */
	private checkEventsReply(specOperation: Operation | undefined, reply: Reply): void {
		if (reply.status !== 200 || !specOperation || !this.spec) return;
		const events = (reply.body.events as Array<{ type: string }>).filter(
			(event) => event.type !== 'reminders',
		);
		this.violations.push(...this.spec.checkResponse(specOperation, 200, { ...reply.body, events }));
	}

	private authorized(header: string | undefined): boolean {
		const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
		if (!match) return false;
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		return (
			colon >= 0 &&
			decoded.slice(0, colon) === this.email &&
			decoded.slice(colon + 1) === this.apiKey
		);
	}

	private takeFailure(method: string, urlPath: string): InjectedFailure | undefined {
		const index = this.failures.findIndex((f) => f.method === method && f.path.test(urlPath));
		if (index < 0) return undefined;
		if (this.failures[index].skip > 0) {
			this.failures[index].skip--;
			return undefined;
		}
		return this.failures.splice(index, 1)[0];
	}

	private rateLimitReply(res: http.ServerResponse): void {
		const { retryAfter } = this.rateLimited;
		res.setHeader('Retry-After', String(retryAfter));
		res.setHeader('X-RateLimit-Limit', '200');
		res.setHeader('X-RateLimit-Remaining', '0');
		// Zulip sends the absolute reset time (Unix seconds), unlike Retry-After.
		res.setHeader('X-RateLimit-Reset', String(Math.ceil(this.now() / 1000 + retryAfter)));
		send(res, {
			status: 429,
			body: {
				result: 'error',
				msg: 'API usage exceeded rate limit',
				code: 'RATE_LIMIT_HIT',
				'retry-after': retryAfter,
			},
		});
	}
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function send(res: http.ServerResponse, reply: Reply): void {
	if (reply.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="zulip"');
	if (reply.status === 405) res.setHeader('Allow', String(reply.body.allowed_methods));
	res.writeHead(reply.status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(reply.body));
}
