import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { TelegramFake } from './server';
import { closeFakeClient, connectedFakeClient } from './testClient';

const DAY_MS = 24 * 60 * 60 * 1000;

async function errorOf(call: Promise<unknown>): Promise<string | undefined> {
	return await call.then(
		() => undefined,
		(error: { errorMessage?: string }) => error.errorMessage,
	);
}

describe('Telegram fake: the sessions (authorizations) of an account', () => {
	let fake: TelegramFake;
	before(async () => {
		fake = await TelegramFake.start();
	});
	after(async () => await fake.stop());
	beforeEach(() => fake.reset());

	test('lists every logged-in key, ends others only from a session older than a day', async () => {
		const phoneApp = fake.createSession();
		const laptop = fake.createSession();
		const client = await connectedFakeClient(fake, { session: laptop });
		try {
			const listed = await client.invoke(new Api.account.GetAuthorizations());
			const mine = fake.authorizationsOf();
			assert.ok(mine.length >= 2);
			assert.equal(listed.authorizations.length, mine.length);
			assert.equal(listed.authorizations.filter((a) => a.current).length, 1);

			assert.equal(
				await errorOf(client.invoke(new Api.auth.ResetAuthorizations())),
				'FRESH_RESET_AUTHORISATION_FORBIDDEN',
			);
			assert.equal(fake.sessionInfo(phoneApp)?.userId, fake.me.id);
			const known = new Set(mine.map((a) => a.hash));
			assert.ok(!known.has(12345n));
			assert.equal(
				await errorOf(client.invoke(new Api.account.ResetAuthorization({ hash: bigInt(12345) }))),
				'HASH_INVALID',
			);

			fake.clockAheadMs = 2 * DAY_MS;
			assert.equal(await client.invoke(new Api.auth.ResetAuthorizations()), true);
			assert.equal(fake.sessionInfo(phoneApp)?.userId, undefined, 'the phone app was logged out');
			assert.equal(fake.sessionInfo(laptop)?.userId, fake.me.id, 'the caller stays');
			assert.equal(fake.authorizationsOf().length, 1);
		} finally {
			await closeFakeClient(client);
		}
		const loggedOut = await connectedFakeClient(fake, { session: phoneApp });
		try {
			assert.equal(await errorOf(loggedOut.getMe()), 'AUTH_KEY_UNREGISTERED');
		} finally {
			await closeFakeClient(loggedOut);
		}
	});
});
