import { Api } from 'telegram';
import type { FakeLoginToken } from '../qrLogins';
import { badRequest, RpcFailure } from '../wire';
import { authorizeKey } from './authRpc';
import type { RpcContext } from './context';
import { on, type RpcRoute } from './route';

/**
 * QR login, the client's half: auth.exportLoginToken (a new token until an app accepted one,
 * then the login, or auth.loginTokenMigrateTo the account's DC) and auth.importLoginToken there.
 * The app's half (auth.acceptLoginToken) is played by the test: TelegramFake.acceptLoginToken.
 */

/** The accepted token's login, on the account's own DC only; 2FA first when it has a password. */
function handOver(ctx: RpcContext, token: FakeLoginToken): Buffer {
	const user = ctx.world.users.find((u) => u.id === token.acceptedBy);
	if (!user) throw badRequest('AUTH_TOKEN_INVALID');
	const home = user.dcId ?? ctx.world.dcId;
	if (home !== ctx.auth.dcId) {
		ctx.expectKeyOnDc(home);
		return new Api.auth.LoginTokenMigrateTo({ dcId: home, token: token.token }).getBytes();
	}
	token.used = true;
	if (ctx.services.login.hasPassword()) {
		ctx.auth.passwordPendingUserId = user.id;
		throw new RpcFailure(401, 'SESSION_PASSWORD_NEEDED');
	}
	return new Api.auth.LoginTokenSuccess({ authorization: authorizeKey(ctx, user.id) }).getBytes();
}

export function qrLoginRoutes(): RpcRoute[] {
	return [
		on(Api.auth.ExportLoginToken, (ctx, request) => {
			if (request.apiId !== ctx.world.apiId || request.apiHash !== ctx.world.apiHash)
				throw badRequest('API_ID_INVALID');
			const keyId = ctx.auth.keyId.toString('hex');
			const accepted = ctx.services.qrLogins.acceptedFor(keyId);
			if (accepted) return handOver(ctx, accepted);
			const token = ctx.services.qrLogins.export(keyId, ctx.now());
			return new Api.auth.LoginToken({ expires: token.expires, token: token.token }).getBytes();
		}),
		on(Api.auth.ImportLoginToken, (ctx, request) => {
			const token = ctx.services.qrLogins.find(request.token);
			if (!token || token.used) throw badRequest('AUTH_TOKEN_INVALID');
			if (token.acceptedBy === undefined)
				throw badRequest(token.expires < ctx.now() ? 'AUTH_TOKEN_EXPIRED' : 'AUTH_TOKEN_INVALID');
			return handOver(ctx, token);
		}),
	];
}
