import type { Api } from 'telegram';
import { settle } from '../../../shared/errors';
import { TimeoutSignal, withTimeout } from '../../../shared/timeout';
import { AccountSettingError, type ServerAddress } from './account';
import { closeClient, ConnectFailure, openClient, type OpenClient } from './connect';
import { explainRpcFailure } from './errorCatalog';
import type { ProxySettings } from './proxy';
import { describeIdentity, type AccountIdentity } from './identity';
import { readRpcFailure, type RpcFailure } from './rpcError';

const STEP_TIMEOUT_MS = 30_000;
/** auth.loginTokenMigrateTo answers followed in one QR login before giving up. */
const MAX_QR_REDIRECTS = 3;

export interface LoginSettings {
	apiId: number;
	apiHash: string;
	testServers: boolean;
	server?: ServerAddress;
	proxy?: ProxySettings;
}

/** A login step that did not work, said for a person at a terminal. */
export class LoginProblem extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly telegramError?: string,
		readonly waitSeconds?: number,
	) {
		super(message);
		this.name = 'LoginProblem';
	}
}

function problemOf(error: unknown): LoginProblem {
	if (error instanceof LoginProblem) return error;
	if (error instanceof AccountSettingError) return new LoginProblem(error.message, error.fix);
	if (error instanceof ConnectFailure)
		return new LoginProblem(
			error.message,
			error.fix
				? 'Check --proxy (or TELEGRAM_PROXY): the proxy must run at that address and accept its login or secret.'
				: 'Check the network, and --server / --test-servers if you gave them.',
		);
	if (error instanceof TimeoutSignal)
		return new LoginProblem(
			`Telegram did not answer (${error.message})`,
			'Check the network and try again.',
		);
	const failure: RpcFailure | undefined = readRpcFailure(error);
	if (!failure) return new LoginProblem((error as Error)?.message ?? String(error), 'Try again.');
	if (failure.seconds !== undefined) {
		return new LoginProblem(
			`Telegram asks to wait ${failure.seconds} s before trying again (${failure.name})`,
			'Too many login attempts: wait that long, then run the login again.',
			failure.name,
			failure.seconds,
		);
	}
	const explanation = explainRpcFailure(failure);
	return new LoginProblem(explanation.message, explanation.fix, failure.name);
}

/** Runs one step; every failure becomes a LoginProblem (never a raw gramjs error). */
async function step<T>(run: () => Promise<T>): Promise<T> {
	const outcome = await settle(withTimeout(run(), STEP_TIMEOUT_MS));
	if (outcome.ok) return outcome.value;
	throw problemOf(outcome.error);
}

function identityOf(user: Api.TypeUser): AccountIdentity {
	if (user.className !== 'User') return { id: user.id.toString(), name: 'Telegram user' };
	const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || 'Telegram user';
	return {
		id: user.id.toString(),
		name,
		username: user.username ?? undefined,
		phone: user.phone ?? undefined,
	};
}

export type SignInOutcome =
	| { kind: 'done'; identity: AccountIdentity }
	| { kind: 'password'; hint?: string };

/**
 * A login in progress on a fresh auth key. Telegram's steps: auth.sendCode, auth.signIn, and
 * with two-step verification account.getPassword + auth.checkPassword (SRP); or a QR token.
 */
export class TelegramLogin {
	private phone?: string;
	private phoneCodeHash?: string;

	private constructor(
		private readonly open: OpenClient,
		private readonly settings: LoginSettings,
	) {}

	static async start(settings: LoginSettings): Promise<TelegramLogin> {
		// gramjs's own DC switch is right here: PHONE_MIGRATE moves the not-yet-logged-in key.
		const open = await step(
			async () =>
				await openClient(
					{ ...settings, session: '' },
					{ migrations: 'gramjs', timeoutMs: STEP_TIMEOUT_MS },
				),
		);
		return new TelegramLogin(open, settings);
	}

	private get Api() {
		return this.open.gram.Api;
	}

	/** Asks Telegram to send a login code; says where it went. */
	async sendCode(phone: string): Promise<{ via: 'app' | 'sms' | 'other'; length?: number }> {
		const digits = phone.replace(/[^\d]/g, '');
		const sent = await step(
			async () =>
				await this.open.client.invoke(
					new this.Api.auth.SendCode({
						phoneNumber: digits,
						apiId: this.settings.apiId,
						apiHash: this.settings.apiHash,
						settings: new this.Api.CodeSettings({}),
					}),
				),
		);
		if (sent.className === 'auth.SentCodeSuccess')
			throw new LoginProblem(
				'Telegram logged in without a code, which this tool does not handle',
				'Use --qr to log in with a QR code.',
			);
		this.phone = digits;
		this.phoneCodeHash = sent.phoneCodeHash;
		const type = sent.type;
		const length = 'length' in type ? type.length : undefined;
		return {
			via:
				type.className === 'auth.SentCodeTypeApp'
					? 'app'
					: type.className === 'auth.SentCodeTypeSms'
						? 'sms'
						: 'other',
			length,
		};
	}

	async signIn(code: string): Promise<SignInOutcome> {
		const { phone, phoneCodeHash } = this;
		if (!phone || !phoneCodeHash)
			throw new LoginProblem('no code was asked for yet', 'Enter the phone number first.');
		const outcome = await settle(
			step(
				async () =>
					await this.open.client.invoke(
						new this.Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash, phoneCode: code.trim() }),
					),
			),
		);
		if (!outcome.ok) {
			if ((outcome.error as LoginProblem).telegramError === 'SESSION_PASSWORD_NEEDED')
				return await this.passwordNeeded();
			throw outcome.error;
		}
		if (outcome.value.className === 'auth.AuthorizationSignUpRequired') {
			throw new LoginProblem(
				'this phone number has no Telegram account yet',
				'Sign up in a Telegram app first, then log in here.',
			);
		}
		return { kind: 'done', identity: identityOf(outcome.value.user) };
	}

	private async passwordNeeded(): Promise<SignInOutcome> {
		const password = await step(
			async () => await this.open.client.invoke(new this.Api.account.GetPassword()),
		);
		return { kind: 'password', hint: password.hint ?? undefined };
	}

	/** Two-step verification: the password is checked by SRP, never sent. */
	async checkPassword(password: string): Promise<AccountIdentity> {
		const { Api } = this;
		const authorization = await step(async () => {
			const current = await this.open.client.invoke(new Api.account.GetPassword());
			const check = await this.open.gram.computePasswordCheck(current, password);
			return await this.open.client.invoke(new Api.auth.CheckPassword({ password: check }));
		});
		if (authorization.className !== 'auth.Authorization')
			throw new LoginProblem('Telegram did not finish the login', 'Run the login again.');
		return identityOf(authorization.user);
	}

	/**
	 * QR login: `show` gets each tg://login link to display (they expire, so new ones follow);
	 * resolves once the account's app accepted one, or asks for the 2FA password.
	 */
	async loginWithQr(show: (link: string, expiresAt: Date) => void): Promise<SignInOutcome> {
		let accepted = false;
		const handler = (update: unknown) => {
			if ((update as { className?: string })?.className === 'UpdateLoginToken') accepted = true;
		};
		this.open.client.addEventHandler(handler);
		try {
			for (;;) {
				const token = await this.qrStep(async () => await this.exportLoginToken());
				if ('kind' in token || token.className !== 'auth.LoginToken')
					return await this.finishQrLogin(token);
				if (!accepted)
					show(
						`tg://login?token=${Buffer.from(token.token).toString('base64url')}`,
						new Date(token.expires * 1000),
					);
				const expiresAt = token.expires * 1000;
				while (!accepted && Date.now() < expiresAt)
					await new Promise((resolve) => setTimeout(resolve, 500));
			}
		} finally {
			this.open.client.removeEventHandler(handler, undefined as never);
		}
	}

	private async exportLoginToken(): Promise<Api.auth.TypeLoginToken> {
		return await this.open.client.invoke(
			new this.Api.auth.ExportLoginToken({
				apiId: this.settings.apiId,
				apiHash: this.settings.apiHash,
				exceptIds: [],
			}),
		);
	}

	/** A QR step; SESSION_PASSWORD_NEEDED (the token was accepted, 2FA is on) is not a failure. */
	private async qrStep<T>(run: () => Promise<T>): Promise<T | SignInOutcome> {
		const outcome = await settle(step(run));
		if (outcome.ok) return outcome.value;
		if ((outcome.error as LoginProblem).telegramError === 'SESSION_PASSWORD_NEEDED')
			return await this.passwordNeeded();
		throw outcome.error;
	}

	/**
	 * After the token was accepted: the login, or auth.loginTokenMigrateTo when the account lives
	 * on another data center. Then, as Telegram documents and gramjs's signInUserWithQrCode does,
	 * switch to that DC (a new auth key there) and auth.importLoginToken; at most
	 * MAX_QR_REDIRECTS moves, so a server sending the login around never loops.
	 */
	private async finishQrLogin(
		answer: Api.auth.TypeLoginToken | SignInOutcome,
	): Promise<SignInOutcome> {
		const route = [this.open.client.session.dcId];
		for (let current = answer; ; ) {
			if ('kind' in current) return current;
			if (
				current.className === 'auth.LoginTokenSuccess' &&
				current.authorization.className === 'auth.Authorization'
			)
				return { kind: 'done', identity: identityOf(current.authorization.user) };
			if (current.className !== 'auth.LoginTokenMigrateTo')
				throw new LoginProblem(
					`Telegram answered the QR login with ${current.className}`,
					'Run the login again.',
				);
			route.push(current.dcId);
			if (route.length - 1 > MAX_QR_REDIRECTS)
				throw new LoginProblem(
					`Telegram moved the QR login more than ${MAX_QR_REDIRECTS} times (data center ${route.join(' → ')})`,
					'Run the login again; if it happens again, log in with the phone number.',
				);
			const { token, dcId } = current;
			const imported = await this.qrStep(async () => {
				await this.switchDataCenter(dcId);
				return await this.open.client.invoke(new this.Api.auth.ImportLoginToken({ token }));
			});
			current = imported;
		}
	}

	/** gramjs's own switch: a not-yet-logged-in key is dropped and a new one made on `dcId`. */
	private async switchDataCenter(dcId: number): Promise<void> {
		const client = this.open.client as unknown as { _switchDC(dcId: number): Promise<unknown> };
		await client._switchDC(dcId);
	}

	/** The session string to paste into the credential (it holds the new auth key). */
	sessionString(): string {
		return (this.open.client.session as unknown as { save(): string }).save();
	}

	async close(): Promise<void> {
		await closeClient(this.open);
	}
}

export { describeIdentity };
