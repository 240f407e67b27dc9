import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import { userToTl } from '../tlViews';
import { badRequest, RpcFailure, toLong } from '../wire';
import type { RpcContext } from './context';
import { normalizePhone } from './loginSettings';
import { on, type RpcRoute } from './route';
import { isSrpAnswerValid, newSrpChallenge } from './srp';

/**
 * Logging in on an auth key: auth.sendCode, auth.signIn, then (with 2FA) account.getPassword and
 * auth.checkPassword with a real SRP check; plus the cross-DC export/import of an authorization.
 * Only seeded accounts' phones can log in (no sign-up).
 */

/** Logs the request's key in as `userId` (a new authorization of the account). */
export function authorizeKey(ctx: RpcContext, userId: bigint): Api.auth.Authorization {
	ctx.services.authKeys.authorize(ctx.auth, userId, ctx.now());
	const user = ctx.user();
	return new Api.auth.Authorization({ user: userToTl(user, user.id) });
}

function secureAlgo() {
	return new Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000({ salt: randomBytes(8) });
}

export function authRoutes(): RpcRoute[] {
	return [
		on(Api.auth.SendCode, (ctx, request) => {
			if (request.apiId !== ctx.world.apiId || request.apiHash !== ctx.world.apiHash)
				throw badRequest('API_ID_INVALID');
			const phone = normalizePhone(request.phoneNumber);
			if (!ctx.world.users.some((u) => u.phone === phone && !u.bot))
				throw badRequest('PHONE_NUMBER_INVALID');
			const phoneCodeHash = randomBytes(9).toString('hex');
			ctx.auth.login = { phone, phoneCodeHash };
			const code = ctx.services.login.codeFor(phone);
			return new Api.auth.SentCode({
				type: new Api.auth.SentCodeTypeApp({ length: code.length }),
				phoneCodeHash,
				timeout: 60,
			}).getBytes();
		}),
		on(Api.auth.SignIn, (ctx, request) => {
			const phone = normalizePhone(request.phoneNumber);
			if (!request.phoneCodeHash) throw badRequest('PHONE_CODE_HASH_EMPTY');
			const login = ctx.auth.login;
			if (!login || login.phone !== phone || login.phoneCodeHash !== request.phoneCodeHash)
				throw badRequest('PHONE_CODE_EXPIRED');
			if (!request.phoneCode) throw badRequest('PHONE_CODE_EMPTY');
			if (request.phoneCode !== ctx.services.login.codeFor(phone))
				throw badRequest('PHONE_CODE_INVALID');
			const user = ctx.world.users.find((u) => u.phone === phone) as { id: bigint };
			if (ctx.services.login.hasPassword()) {
				ctx.auth.login = undefined;
				ctx.auth.passwordPendingUserId = user.id;
				throw new RpcFailure(401, 'SESSION_PASSWORD_NEEDED');
			}
			return authorizeKey(ctx, user.id).getBytes();
		}),
		on(Api.account.GetPassword, async (ctx) => {
			const login = ctx.services.login;
			const common = {
				newAlgo: login.algo,
				newSecureAlgo: secureAlgo(),
				secureRandom: randomBytes(32),
			};
			if (!login.hasPassword())
				return new Api.account.Password({ ...common, hasPassword: false }).getBytes();
			const userId = ctx.auth.passwordPendingUserId ?? ctx.user().id;
			const challenge = newSrpChallenge(await login.passwordVerifier(), userId);
			ctx.auth.srp = challenge;
			return new Api.account.Password({
				...common,
				hasPassword: true,
				currentAlgo: login.algo,
				srp_B: challenge.B,
				srpId: toLong(challenge.srpId),
			}).getBytes();
		}),
		on(Api.auth.CheckPassword, async (ctx, request) => {
			const challenge = ctx.auth.srp;
			// An SRP challenge answers one attempt; the next needs account.getPassword again.
			ctx.auth.srp = undefined;
			if (!challenge) throw badRequest('SRP_ID_INVALID');
			if (
				!(request.password instanceof Api.InputCheckPasswordSRP) ||
				!ctx.services.login.hasPassword()
			)
				throw badRequest('PASSWORD_HASH_INVALID');
			const verifier = await ctx.services.login.passwordVerifier();
			if (!isSrpAnswerValid(challenge, verifier, ctx.services.login.algo, request.password))
				throw badRequest('PASSWORD_HASH_INVALID');
			return authorizeKey(ctx, challenge.userId).getBytes();
		}),
		on(Api.auth.ExportAuthorization, (ctx, request) => {
			const user = ctx.user();
			const bytes = randomBytes(32);
			ctx.services.exportedAuthorizations.set(bytes.toString('hex'), {
				userId: user.id,
				dcId: request.dcId,
			});
			return new Api.auth.ExportedAuthorization({ id: toLong(user.id), bytes }).getBytes();
		}),
		on(Api.auth.ImportAuthorization, (ctx, request) => {
			const exported = ctx.services.exportedAuthorizations.get(request.bytes.toString('hex'));
			if (exported === undefined || exported.userId.toString() !== request.id.toString())
				throw badRequest('AUTH_BYTES_INVALID');
			// The main port serves every DC: the DC the authorization was exported for is the one
			// this key stands for (a client imports it on a connection to that DC).
			ctx.auth.dcId = exported.dcId;
			return authorizeKey(ctx, exported.userId).getBytes();
		}),
		on(Api.auth.LogOut, (ctx) => {
			ctx.user();
			ctx.services.authKeys.logOut(ctx.auth);
			return new Api.auth.LoggedOut({}).getBytes();
		}),
	];
}
