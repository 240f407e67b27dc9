import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, type TelegramClient } from 'telegram';
import { CustomFile } from 'telegram/client/uploads';
import { TelegramFake } from './server';
import { closeFakeClient, fakeClient } from './testClient';

/**
 * Telegram invalidates a login whose requests arrive from two TCP connections at once (406
 * AUTH_KEY_DUPLICATED, core.telegram.org/api/errors); uploads may use parallel connections.
 */

async function attempt<T>(
	work: () => Promise<T>,
): Promise<
	{ ok: true; value: T } | { ok: false; error: { code?: number; errorMessage?: string } }
> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		return { ok: false, error: error as { code?: number; errorMessage?: string } };
	}
}

describe('Telegram fake: one login, two connections (AUTH_KEY_DUPLICATED)', () => {
	let fake: TelegramFake;
	before(async () => (fake = await TelegramFake.start()));
	after(async () => await fake.stop());

	test('a second connection using the session while the first is open is refused, and the session is revoked for both', async () => {
		const session = fake.createSession();
		const first = fakeClient(fake, { session });
		const second = fakeClient(fake, { session });
		try {
			assert.equal(await first.connect(), true);
			assert.equal((await first.getMe()).username, 'me_account');
			const secondConnect = await attempt(async () => {
				await second.connect();
				return await second.getMe();
			});
			assert.equal(secondConnect.ok, false);
			if (!secondConnect.ok) {
				assert.equal(secondConnect.error.code, 406);
				assert.equal(secondConnect.error.errorMessage, 'AUTH_KEY_DUPLICATED');
			}
			const firstAgain = await attempt(() => first.getMe());
			assert.equal(firstAgain.ok, false);
			if (!firstAgain.ok) assert.equal(firstAgain.error.errorMessage, 'AUTH_KEY_DUPLICATED');
			assert.equal(fake.sessionInfo(session)?.duplicated, true);
		} finally {
			await closeFakeClient(second);
			await closeFakeClient(first);
		}
		// Revoked for good: a later lone connection is refused too (log in again).
		const later = fakeClient(fake, { session });
		try {
			const lone = await attempt(async () => {
				await later.connect();
				return await later.getMe();
			});
			assert.equal(lone.ok, false);
		} finally {
			await closeFakeClient(later);
		}
	});

	test('one connection after another (never at once) keeps the session; so does an upload connection beside the main one', async () => {
		const session = fake.createSession();
		for (let round = 0; round < 2; round++) {
			const client: TelegramClient = fakeClient(fake, { session });
			try {
				assert.equal(await client.connect(), true);
				assert.equal((await client.getMe()).username, 'me_account');
				const bytes = Buffer.alloc(2000, round);
				const file = await client.uploadFile({
					file: new CustomFile('p.jpg', bytes.length, '', bytes),
					workers: 1,
				});
				assert.ok(file instanceof Api.InputFile);
			} finally {
				await closeFakeClient(client);
			}
		}
		assert.equal(fake.sessionInfo(session)?.duplicated, undefined);
	});

	test('two sessions (two logins) of one account may run at once', async () => {
		const clients = [fakeClient(fake), fakeClient(fake)];
		try {
			for (const client of clients) assert.equal(await client.connect(), true);
			const names = await Promise.all(
				clients.map(async (client) => (await client.getMe()).username),
			);
			assert.deepEqual(names, ['me_account', 'me_account']);
		} finally {
			for (const client of clients) await closeFakeClient(client);
		}
	});
});
