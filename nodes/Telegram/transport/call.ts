import type { INode, NodeApiError } from 'n8n-workflow';
import type { Api } from 'telegram';
import { NodeOperationError } from 'n8n-workflow';
import { isNodeError, providerError, settle } from '../../../shared/errors';
import {
	RateLimitedSignal,
	waitOutRateLimits,
	type RateLimitPolicy,
} from '../../../shared/rateLimit';
import { rateLimitPolicy } from '../../../shared/rateLimitPolicy';
import { ExecutionStoppedError, throwIfStopped } from '../../../shared/stop';
import { TimeoutSignal, withTimeout } from '../../../shared/timeout';
import { AccountSettingError } from './account';
import { handAnswerUpdates } from './answerUpdates';
import { ConnectFailure } from './connect';
import { SecretChatError } from './secret/protocol';
import { SecretStoreError } from './secret/store';
import { explainRpcFailure } from './errorCatalog';
import type { TelegramSession } from './pool';
import { isFloodWait, readRpcFailure, type RpcFailure } from './rpcError';
import { DEFAULT_MAX_FLOOD_WAIT_SECONDS } from './constants';

export const CALL_TIMEOUT_MS = 30_000;
export { DEFAULT_MAX_FLOOD_WAIT_SECONDS };
const FOLLOWED_MIGRATIONS = /^(USER|NETWORK)_MIGRATE_/;
const MAX_MIGRATIONS = 2;

export interface CallOptions {
	node: INode;
	itemIndex?: number;
	/** FLOOD_WAIT up to this long is slept and the call repeated; longer fails with the wait. */
	maxFloodWaitSeconds?: number;
	timeoutMs?: number;
	/** For messages: what was being done, e.g. "sending the message". */
	doing: string;
	/** n8n's Stop: ends flood waits at once, and no call starts after it. */
	signal?: AbortSignal;
	/** Another data center to send the call to (a file stored there): gramjs connects and logs in there. */
	dcId?: number;
}

type TelegramRequest = Api.AnyRequest;

/** A node error that remembers the Telegram error name it came from. */
export type TelegramNodeError = (NodeApiError | NodeOperationError) & { rpcFailure?: RpcFailure };

export function rpcFailureOf(error: unknown): RpcFailure | undefined {
	return (error as TelegramNodeError | undefined)?.rpcFailure;
}

/** Turns anything the transport can throw into a node error that says what happened and what to do. */
export function toNodeError(
	node: INode,
	error: unknown,
	options: { itemIndex?: number; doing: string },
	session?: TelegramSession,
): TelegramNodeError {
	if (isNodeError(error)) return error;
	const { itemIndex, doing } = options;
	if (error instanceof ExecutionStoppedError) {
		return new NodeOperationError(node, `${error.message} (${doing})`, {
			itemIndex,
			description: 'Stop was pressed: what was sent before it stays sent.',
		});
	}
	if (error instanceof AccountSettingError) {
		return providerError(node, {
			provider: 'Telegram',
			message: `the credential cannot be used: ${error.message}`,
			description: error.fix,
			itemIndex,
		});
	}
	if (error instanceof SecretChatError || error instanceof SecretStoreError) {
		// The chat or its stored state, not the connection: the session stays in use.
		return providerError(node, {
			provider: 'Telegram',
			message: error.message,
			description: secretChatFix(error),
			itemIndex,
		});
	}
	if (error instanceof ConnectFailure) {
		return providerError(node, {
			provider: 'Telegram',
			message: error.message,
			description:
				error.fix ??
				"Check that n8n can reach Telegram, and the credential's Telegram Servers / Server Address settings.",
			itemIndex,
		});
	}
	if (error instanceof TimeoutSignal) {
		// The connection may be stuck; the next call starts a new one.
		session?.discard();
		return providerError(node, {
			provider: 'Telegram',
			message: `no answer while ${doing} (${error.message})`,
			description:
				'Run the item again. A message that did arrive is not sent twice: each carries a random_id derived from this execution, node and item.',
			itemIndex,
		});
	}
	const failure = readRpcFailure(error);
	if (failure) {
		const explanation = explainRpcFailure(failure);
		if (explanation.sessionDead) session?.discard();
		const nodeError: TelegramNodeError = providerError(node, {
			provider: 'Telegram',
			message: `${explanation.message} while ${doing}`,
			description: explanation.fix,
			httpCode: failure.code === undefined ? undefined : String(failure.code),
			itemIndex,
			details: { telegramError: failure.name },
		});
		nodeError.rpcFailure = failure;
		return nodeError;
	}
	session?.discard();
	return providerError(node, {
		provider: 'Telegram',
		message: `${doing} failed: ${(error as Error)?.message ?? String(error)}`,
		description:
			'The connection to Telegram failed; run the item again. A message that did arrive is not sent twice.',
		itemIndex,
	});
}

function secretChatFix(error: SecretChatError | SecretStoreError): string {
	if (error instanceof SecretStoreError)
		return "Nothing was reset. Check the credential's Secret Chat Storage settings (the same secret the chats were stored with), or restore the store from a backup.";
	if (error.reason === 'not-ready')
		return 'Wait until the other side accepts the secret chat (the Telegram Trigger reports it), then send again.';
	if (error.reason === 'closed') return 'Start a new secret chat with this user.';
	if (error.reason === 'bad-parameters' || error.reason === 'fingerprint-mismatch')
		return 'The chat was not used. Start a new secret chat; if this repeats, the connection may be tampered with.';
	return 'The message was ignored; the chat stays usable.';
}

/** FLOOD_WAIT is Telegram's "slow down": the shared policy, with Telegram's name kept on the error. */
function floodPolicy(options: CallOptions, maxWaitSeconds: number): RateLimitPolicy {
	const policy = rateLimitPolicy(options.node, {
		provider: 'Telegram',
		maxWaitSeconds,
		itemIndex: options.itemIndex,
		signal: options.signal,
		signalName: (wait) => `too many requests (FLOOD_WAIT_${wait}):`,
		httpCode: '420',
		doing: options.doing,
		details: (wait) => ({ telegramError: `FLOOD_WAIT_${wait}` }),
	});
	return {
		...policy,
		tooLong: (waitSeconds, reason) => {
			const error: TelegramNodeError = policy.tooLong(waitSeconds, reason) as TelegramNodeError;
			error.rpcFailure = {
				name: `FLOOD_WAIT_${Math.ceil(waitSeconds)}`,
				code: 420,
				seconds: waitSeconds,
			};
			return error;
		},
	};
}

/**
 * The one way the pack calls Telegram: with a timeout, FLOOD_WAIT waited out when short enough,
 * USER_MIGRATE followed, and every failure turned into a node error (the Telegram error name
 * stays on `rpcFailure`).
 */
export async function call<R extends TelegramRequest>(
	session: TelegramSession,
	request: R,
	options: CallOptions,
): Promise<R['__response']> {
	const attempt = async () => {
		throwIfStopped(options.signal);
		const outcome = await settle(
			withTimeout(
				session.client.invoke(request, options.dcId),
				options.timeoutMs ?? CALL_TIMEOUT_MS,
			),
		);
		if (outcome.ok) {
			handAnswerUpdates(session.client, outcome.value);
			return outcome.value;
		}
		const failure = readRpcFailure(outcome.error);
		if (isFloodWait(failure)) throw new RateLimitedSignal(failure.seconds);
		throw outcome.error;
	};
	const maxWait = options.maxFloodWaitSeconds ?? DEFAULT_MAX_FLOOD_WAIT_SECONDS;
	for (let migrations = 0; ; migrations++) {
		const outcome = await settle(waitOutRateLimits(attempt, floodPolicy(options, maxWait)));
		if (outcome.ok) return outcome.value;
		const failure = readRpcFailure(outcome.error);
		if (
			failure?.dcId === undefined ||
			!FOLLOWED_MIGRATIONS.test(failure.name) ||
			migrations >= MAX_MIGRATIONS
		) {
			throw toNodeError(options.node, outcome.error, options, session);
		}
		// The account lives on another data center: move the login there and repeat the call.
		const moved = await settle(session.migrate(failure.dcId));
		if (!moved.ok)
			throw toNodeError(
				options.node,
				moved.error,
				{ ...options, doing: `moving to data center ${failure.dcId} (${failure.name})` },
				session,
			);
	}
}
