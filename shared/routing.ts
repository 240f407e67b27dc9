import type {
	DeclarativeRestApiSettings,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';
import { isNodeError, settle } from './errors';
import { RateLimitedSignal, waitOutRateLimits } from './rateLimit';
import { providerRateLimitPolicy } from './rateLimitPolicy';
import { stopSignalOf } from './stop';

/** Declarative operations: every output item points back at the input item it came from. */
export async function pairWithInputItem(this: IExecuteSingleFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const item = this.getItemIndex();
	return items.map((entry) => ({ ...entry, pairedItem: { item } }));
}

export interface RateLimitedRoutingOptions {
	provider: string;
	/** The parameter holding the longest wait the user allows, e.g. `options.maxRateLimitWait`. */
	maxWaitParameter: string;
	defaultMaxWaitSeconds: number;
	/**
	 * With `isAnswerError`: turns a failure that did not come from the provider's answer (n8n's
	 * own error for a lost connection) into the provider's own error.
	 */
	onRequestFailure?: (context: IExecuteSingleFunctions, error: unknown) => Error;
	/** Whether an error was made from the provider's answer (by a postReceive); those pass through. */
	isAnswerError?: (error: unknown) => boolean;
}

/**
 * A routing `pagination` hook (the only routing hook that can repeat a request) that waits out
 * the RateLimitedSignal a postReceive throws on 429. Use with `send: { paginate: true }`.
 */
export function rateLimitedRoutingRequest(options: RateLimitedRoutingOptions) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const maxWait = this.getNodeParameter(options.maxWaitParameter, options.defaultMaxWaitSeconds) as number;
		const attempt = async () => {
			const outcome = await settle(this.makeRoutingRequest(requestData));
			if (outcome.ok) return outcome.value;
			const { error } = outcome;
			const fromAnswer = error instanceof RateLimitedSignal || (options.isAnswerError?.(error) ?? isNodeError(error));
			throw fromAnswer || !options.onRequestFailure ? error : options.onRequestFailure(this, error);
		};
		return await waitOutRateLimits(attempt, providerRateLimitPolicy(this.getNode(), options.provider, maxWait, this.getItemIndex(), stopSignalOf(this)));
	};
}

/**
 * A postReceive that hands the provider's full answer (routed requests run with
 * ignoreHttpStatusErrors) to the transport's interpreter, which throws for errors and 429s.
 */
export function checkReplyWith(
	interpret: (context: IExecuteSingleFunctions, reply: IN8nHttpFullResponse, itemIndex: number) => unknown,
) {
	return async function (
		this: IExecuteSingleFunctions,
		items: INodeExecutionData[],
		response: IN8nHttpFullResponse,
	): Promise<INodeExecutionData[]> {
		interpret(this, response, this.getItemIndex());
		return items;
	};
}
