import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import type { HttpFaultProxy, ProxiedRequest, ProxyAction } from '../httpFaultProxy';
import type { HttpLane } from '../lane';
import type { CellSetup, HttpFault } from '../matrix';

/** The hooks both HTTP fakes have for answers the provider itself gives. */
export interface HttpFakeHooks {
	failNext(match: { method: string; path: RegExp }, kind: 'http-500'): void;
	rateLimitNext(count: number, seconds: number): void;
}

/** Seconds a long 429 asks to wait: over the default Max Rate-Limit Wait (30 s). */
export const LONG_RESET_SECONDS = 120;

const FORWARD: ProxyAction = { kind: 'forward' };
const exactly = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/**
 * Makes `fault` happen to the requests `isTarget` picks (item k's): once, on its first request,
 * except a long 429, which the provider keeps answering to every try of that item.
 */
export function armHttpFault(
	proxy: HttpFaultProxy,
	fake: HttpFakeHooks,
	fault: HttpFault,
	isTarget: (request: ProxiedRequest) => boolean,
	shortResetSeconds: number,
): void {
	let fired = false;
	const once = (action: (request: ProxiedRequest) => ProxyAction) => (request: ProxiedRequest) => {
		if (fired || !isTarget(request)) return FORWARD;
		fired = true;
		return action(request);
	};
	switch (fault) {
		case 'http-500':
			proxy.decide = once((request) => ({
				kind: 'forward',
				armFake: () =>
					fake.failNext({ method: request.method, path: exactly(request.path) }, 'http-500'),
			}));
			return;
		case 'gateway-504':
			proxy.decide = once(() => ({ kind: 'gateway-after', status: 504 }));
			return;
		case 'rate-short':
			proxy.decide = once(() => ({
				kind: 'forward',
				armFake: () => fake.rateLimitNext(1, shortResetSeconds),
			}));
			return;
		case 'rate-long':
			proxy.decide = (request) =>
				isTarget(request)
					? { kind: 'forward', armFake: () => fake.rateLimitNext(1, LONG_RESET_SECONDS) }
					: FORWARD;
			return;
		case 'reset-before':
			proxy.decide = once(() => ({ kind: 'reset-before' }));
			return;
		case 'reset-after':
			proxy.decide = once(() => ({ kind: 'reset-after' }));
			return;
		case 'timeout':
			throw new Error('timeout cells are skipped for HTTP providers');
	}
}

/** A form field of a Zulip request body. */
export function formField(request: ProxiedRequest, name: string): string | null {
	return new URLSearchParams(request.body).get(name);
}

/** A field of a JSON request body (Telnyx). */
export function jsonField(request: ProxiedRequest, name: string): unknown {
	try {
		return (JSON.parse(request.body) as Record<string, unknown>)[name];
	} catch {
		return undefined;
	}
}

/** What a Zulip or Telnyx row says about its cell; the fault and the checks around it are common. */
export interface HttpCellSpec {
	parameters: IDataObject;
	items: IDataObject[];
	/** Whether a request is item k's (the one its fault hits). */
	isTarget(k: number, request: ProxiedRequest): boolean;
	count(i: number): number;
	mismatch(i: number, json: IDataObject): string | undefined;
}

export interface HttpProvider<Fake extends HttpFakeHooks> {
	nodeType: string;
	credentials(lane: HttpLane<Fake>): Record<string, ICredentialDataDecryptedObject>;
	shortResetSeconds: number;
	/** Requests (or answers) that broke the provider's spec. */
	violations(fake: Fake): string[];
}

export function httpCell<Fake extends HttpFakeHooks>(
	provider: HttpProvider<Fake>,
	lane: HttpLane<Fake>,
	fault: HttpFault,
	spec: HttpCellSpec,
): CellSetup {
	return {
		node: {
			type: provider.nodeType,
			parameters: spec.parameters,
			credentials: provider.credentials(lane),
		},
		items: spec.items,
		arm: (k) =>
			armHttpFault(
				lane.proxy,
				lane.fake,
				fault,
				(request) => spec.isTarget(k, request),
				provider.shortResetSeconds,
			),
		count: spec.count,
		mismatch: spec.mismatch,
		problems: () => provider.violations(lane.fake),
	};
}
