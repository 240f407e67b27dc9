import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import { TimeoutSignal, withTimeout } from '../../../shared/timeout';
import { AccountSettingError, readAccount } from './account';
import { closeClient, ConnectFailure, openClient } from './connect';
import { explainRpcFailure } from './errorCatalog';
import { readRpcFailure } from './rpcError';

export const IDENTITY_TIMEOUT_MS = 20_000;

export interface AccountIdentity {
	id: string;
	name: string;
	username?: string;
	phone?: string;
}

export type IdentityCheck =
	| { ok: true; identity: AccountIdentity }
	| { ok: false; message: string };

export function describeIdentity(identity: AccountIdentity): string {
	const handle = identity.username ? `@${identity.username}, ` : '';
	return `${identity.name} (${handle}id ${identity.id})`;
}

function explainFailure(error: unknown): string {
	if (error instanceof AccountSettingError)
		return `The credential cannot be used: ${error.message}. ${error.fix}`;
	if (error instanceof ConnectFailure)
		return `Telegram: ${error.message}. ${error.fix ?? 'Check the Telegram Servers and Server Address settings.'}`;
	if (error instanceof TimeoutSignal)
		return `Telegram did not answer (${error.message}). Check the Telegram Servers and Server Address settings.`;
	const failure = readRpcFailure(error);
	if (failure) {
		const explanation = explainRpcFailure(failure);
		return `Telegram: ${explanation.message}. ${explanation.fix}`;
	}
	return `Telegram: ${(error as Error)?.message ?? String(error)}`;
}

/**
 * Connects with the credential on a client of its own (not the pool: a test must prove the
 * values as entered), asks who the account is, and disconnects, all within `timeoutMs`.
 */
export async function checkIdentity(
	data: ICredentialDataDecryptedObject,
	timeoutMs = IDENTITY_TIMEOUT_MS,
): Promise<IdentityCheck> {
	const outcome = await settle(
		(async () => {
			const account = readAccount(data);
			const open = await openClient(account, { timeoutMs });
			try {
				const { Api } = open.gram;
				const [me] = await withTimeout(
					open.client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })),
					timeoutMs,
				);
				if (!me || me.className !== 'User')
					throw new Error('Telegram did not say who this account is');
				const name = [me.firstName, me.lastName].filter(Boolean).join(' ') || 'Telegram user';
				return {
					id: me.id.toString(),
					name,
					username: me.username ?? undefined,
					phone: me.phone ?? undefined,
				};
			} finally {
				await closeClient(open);
			}
		})(),
	);
	return outcome.ok
		? { ok: true, identity: outcome.value }
		: { ok: false, message: explainFailure(outcome.error) };
}
