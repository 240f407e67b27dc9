import { Api } from 'telegram';
import type { AuthKeyRecord } from '../authKeys';
import { badRequest, boolBytes, fromLong, RpcFailure, toLong } from '../wire';
import type { RpcContext } from './context';
import { on, type RpcRoute } from './route';

/**
 * The account's sessions (authorizations): one per logged-in auth key. account.getAuthorizations
 * lists them; auth.resetAuthorizations ends every other one, account.resetAuthorization one;
 * like Telegram, a session younger than a day may not end others.
 */

const DAY_SECONDS = 24 * 60 * 60;

function toAuthorization(record: AuthKeyRecord, current: AuthKeyRecord): Api.Authorization {
	const client = record.client;
	return new Api.Authorization({
		current: record === current || undefined,
		hash: toLong(record.authorizationHash ?? 0n),
		deviceModel: client?.deviceModel ?? 'Unknown',
		platform: '',
		systemVersion: client?.systemVersion ?? '',
		apiId: client?.apiId ?? 0,
		appName: 'Fake client',
		appVersion: client?.appVersion ?? '',
		dateCreated: record.authorizedAt ?? 0,
		dateActive: record.authorizedAt ?? 0,
		ip: '127.0.0.1',
		country: '',
		region: '',
	});
}

function mayEndOthers(ctx: RpcContext): void {
	if ((ctx.auth.authorizedAt ?? 0) > ctx.now() - DAY_SECONDS)
		throw new RpcFailure(406, 'FRESH_RESET_AUTHORISATION_FORBIDDEN');
}

export function authorizationsRoutes(): RpcRoute[] {
	return [
		on(Api.account.GetAuthorizations, (ctx) => {
			const user = ctx.user();
			return new Api.account.Authorizations({
				authorizationTtlDays: 180,
				authorizations: ctx.services.authKeys
					.authorizationsOf(user.id)
					.map((record) => toAuthorization(record, ctx.auth)),
			}).getBytes();
		}),
		on(Api.auth.ResetAuthorizations, (ctx) => {
			const user = ctx.user();
			mayEndOthers(ctx);
			for (const record of ctx.services.authKeys.authorizationsOf(user.id))
				if (record !== ctx.auth) ctx.services.authKeys.logOut(record);
			return boolBytes(true);
		}),
		on(Api.account.ResetAuthorization, (ctx, request) => {
			const user = ctx.user();
			const hash = fromLong(request.hash);
			const record = ctx.services.authKeys
				.authorizationsOf(user.id)
				.find((r) => r.authorizationHash === hash && r !== ctx.auth);
			if (!record) throw badRequest('HASH_INVALID');
			mayEndOthers(ctx);
			ctx.services.authKeys.logOut(record);
			return boolBytes(true);
		}),
	];
}
