import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';
import { NodeHost, type HostedNode } from './nodeHost';

/**
 * A real HTTP endpoint for one hosted trigger node, handing requests over the way n8n 2.x's
 * webhook handler does (read in the n8n 2.41 CLI: middlewares/body-parser.js and
 * webhooks/webhook-helpers.js):
 * - `req.readRawBody()` reads the body into `req.rawBody` (a Buffer); for JSON, text, form and
 *   XML content types n8n calls it and parses `req.body` before the node runs;
 * - after webhook(): `noWebhookResponse` means the node answered itself; no `workflowData`
 *   means no execution, answered 200 with `webhookResponse` (or "Webhook call received");
 *   `workflowData` starts the workflow (recorded in `started`), answered (responseMode
 *   onReceived, webhooks/webhook-on-received-response-extractor.js) with the webhook
 *   description's `responseData` (default "firstEntryJson", sent as that text) when it is
 *   non-empty, else `webhookResponse`, else "Workflow was started"; a throw answers 500 and
 *   starts nothing.
 */

export interface WebhookReply {
	status: number;
	body: unknown;
}

interface N8nRequest extends IncomingMessage {
	rawBody: Buffer;
	body?: unknown;
	readRawBody(): Promise<void>;
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function isParsable(contentType: string): boolean {
	return (
		['application/json', 'text/plain', 'application/x-www-form-urlencoded'].some((type) =>
			contentType.startsWith(type),
		) || /[/+]xml$/.test(contentType)
	);
}

function answer(response: ServerResponse, status: number, body: unknown): void {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	response.writeHead(status, {
		'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	response.end(text);
}

export class WebhookServer {
	/** The items of each execution the trigger started, in order. */
	readonly started: INodeExecutionData[][][] = [];
	/** Errors webhook() threw (each answered 500). */
	readonly failures: unknown[] = [];
	/** How many of the next runs n8n fails to create (e.g. a database error): answered 500, nothing started. */
	failStarts = 0;
	host!: NodeHost;

	private constructor(private readonly server: Server) {}

	static async start(node: Omit<HostedNode, 'webhookBaseUrl'>): Promise<WebhookServer> {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const webhooks = new WebhookServer(server);
		const { port } = server.address() as AddressInfo;
		webhooks.host = await NodeHost.create({
			...node,
			webhookBaseUrl: `http://127.0.0.1:${port}/webhook`,
		});
		server.on('request', (request: IncomingMessage, response: ServerResponse) => {
			void webhooks.handle(request as N8nRequest, response);
		});
		return webhooks;
	}

	/** The node's production webhook URL (served by this server). */
	get url(): string {
		return this.host.webhookUrl();
	}

	async post(
		body: string | Buffer,
		headers: Record<string, string>,
		url = this.url,
	): Promise<WebhookReply> {
		const response = await fetch(url, { method: 'POST', body, headers });
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, body: parsed };
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	/** n8n's answer when the workflow starts (responseMode onReceived). */
	private onReceivedBody(result: IWebhookResponseData): unknown {
		const responseData = this.host.nodeType.description.webhooks?.[0]?.responseData;
		const evaluated = responseData === undefined ? 'firstEntryJson' : responseData;
		if (evaluated === 'noData') return '';
		if (evaluated) return evaluated;
		return result.webhookResponse ?? { message: 'Workflow was started' };
	}

	private async handle(request: N8nRequest, response: ServerResponse): Promise<void> {
		if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== new URL(this.url).pathname) {
			answer(response, 404, { message: 'The requested webhook is not registered.' });
			return;
		}
		request.readRawBody = async () => {
			request.rawBody ??= await readAll(request);
		};
		const contentType = String(request.headers['content-type'] ?? '')
			.split(';')[0]
			.trim();
		if (isParsable(contentType)) {
			await request.readRawBody();
			if (contentType === 'application/json' && request.rawBody.length > 0) {
				try {
					request.body = JSON.parse(request.rawBody.toString('utf8'));
				} catch {
					answer(response, 422, { message: 'Failed to parse request body' });
					return;
				}
			}
		}
		request.body ??= {};
		try {
			const result = await this.host.runWebhook(request, response);
			if (result.noWebhookResponse === true) return;
			if (result.workflowData === undefined) {
				answer(response, 200, result.webhookResponse ?? { message: 'Webhook call received' });
				return;
			}
			if (this.failStarts > 0) {
				this.failStarts--;
				answer(response, 500, { message: 'Error in workflow' });
				return;
			}
			this.started.push(result.workflowData);
			answer(response, 200, this.onReceivedBody(result));
		} catch (error) {
			this.failures.push(error);
			if (!response.headersSent)
				answer(response, 500, {
					message: 'Workflow Webhook Error: Workflow could not be started!',
				});
		}
	}
}
