import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of an HTTP fake (Zulip, Telnyx) that makes the connection-level faults the
 * fakes cannot: a reset before the provider acted, a reset after it acted (the answer lost), and
 * a gateway's 5xx after the provider acted. Answers the provider itself gives (429, its own 500)
 * still come from the fake: `forward` can arm one of the fake's hooks just before the request
 * goes on. Requests are forwarded one at a time, so such a hook meets exactly that request.
 */

export interface ProxiedRequest {
	method: string;
	/** Path without the query string, as the fake sees it (e.g. /api/v1/messages). */
	path: string;
	/** The raw body (form fields or JSON). */
	body: string;
}

export type ProxyAction =
	| { kind: 'forward'; armFake?: () => void }
	/** The connection breaks before the request reaches the provider: nothing happens there. */
	| { kind: 'reset-before' }
	/** The provider acts, then the connection breaks before its answer arrives. */
	| { kind: 'reset-after' }
	/** The provider acts, then a gateway in between answers this status instead (e.g. 504). */
	| { kind: 'gateway-after'; status: number };

const GATEWAY_PAGES: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

export class HttpFaultProxy {
	readonly url: string;
	/** Decides what happens to each request; the default forwards everything. */
	decide: (request: ProxiedRequest) => ProxyAction = () => ({ kind: 'forward' });
	private queue: Promise<void> = Promise.resolve();
	private readonly upstream = new http.Agent({ keepAlive: true, maxSockets: 1 });

	private constructor(
		private readonly server: http.Server,
		private readonly target: URL,
	) {
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	static async start(targetUrl: string): Promise<HttpFaultProxy> {
		// The handler runs only after `proxy` is set: no request is read before listen() resolves.
		const server = http.createServer((req, res) => void proxy.handle(req, res));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const proxy = new HttpFaultProxy(server, new URL(targetUrl));
		return proxy;
	}

	/** Forwards everything again. */
	reset(): void {
		this.decide = () => ({ kind: 'forward' });
	}

	async stop(): Promise<void> {
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		this.upstream.destroy();
		await closed;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks);
		const request = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: new URL(req.url ?? '/', this.url).pathname,
			body: body.toString('utf8'),
		};
		const action = this.decide(request);
		const turn = this.queue.then(async () => await this.act(action, req, res, body));
		this.queue = turn.catch(() => undefined);
		await turn.catch(() => req.socket.destroy());
	}

	private async act(
		action: ProxyAction,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		body: Buffer,
	): Promise<void> {
		if (action.kind === 'reset-before') {
			req.socket.destroy();
			return;
		}
		if (action.kind === 'forward') action.armFake?.();
		const answer = await this.forward(req, body);
		if (action.kind === 'reset-after') {
			req.socket.destroy();
			return;
		}
		if (action.kind === 'gateway-after') {
			const title = `${action.status} ${GATEWAY_PAGES[action.status] ?? 'Gateway Error'}`;
			res.writeHead(action.status, { 'content-type': 'text/html' });
			res.end(
				`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
			);
			return;
		}
		res.writeHead(answer.status, answer.headers);
		res.end(answer.body);
	}

	/** The fake's whole answer; a connection the fake broke breaks the client's too (the caller destroys it). */
	private async forward(
		req: http.IncomingMessage,
		body: Buffer,
	): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
		return await new Promise((resolve, reject) => {
			const headers = {
				...req.headers,
				host: this.target.host,
				'content-length': String(body.length),
			};
			delete headers.connection;
			const upstream = http.request(
				{
					host: this.target.hostname,
					port: this.target.port,
					method: req.method,
					path: req.url,
					headers,
					agent: this.upstream,
				},
				(answer) => {
					const chunks: Buffer[] = [];
					answer.on('data', (chunk: Buffer) => chunks.push(chunk));
					answer.on('end', () => {
						const answerHeaders = { ...answer.headers };
						delete answerHeaders.connection;
						delete answerHeaders['keep-alive'];
						delete answerHeaders['transfer-encoding'];
						const whole = Buffer.concat(chunks);
						answerHeaders['content-length'] = String(whole.length);
						resolve({ status: answer.statusCode ?? 502, headers: answerHeaders, body: whole });
					});
					answer.on('error', reject);
				},
			);
			upstream.on('error', reject);
			upstream.end(body);
		});
	}
}
