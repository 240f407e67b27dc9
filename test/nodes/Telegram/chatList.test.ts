import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TelegramFake } from '../../fakes/telegram/server';
import { callsOf, runTelegram, sendText, useTelegramFake } from './setup';

/** Chats given by numeric ID that only the account's chat list (messages.getDialogs) can reach. */
describe('Telegram: chats known only from the chat list', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));

	/** An account that is no contact (access_hash 0 does not find it) and has no username. */
	const addStranger = (id: bigint, firstName: string) => {
		fake.users.push({ id, accessHash: 7300000000000000000n + id, firstName, contact: false });
		return id;
	};

	test('a private chat on the second page of the chat list resolves and receives the text', async () => {
		const now = fake.nowSeconds();
		const carol = addStranger(6000001n, 'Carol');
		fake.addReceivedMessage(carol, 'hi, an old chat', { date: now - 10_000 });
		// 120 newer chats push Carol's past the first page of 100.
		for (let n = 0; n < 120; n++) {
			const other = addStranger(6100000n + BigInt(n), `Other ${n}`);
			fake.addReceivedMessage(other, `newer ${n}`, { date: now - 5000 + n });
		}

		const result = await runTelegram(fake, { parameters: sendText({ chat: carol.toString() }) });

		assert.equal(result.error, undefined, result.error?.message);
		const sent = fake.messages.find((m) => m.fromId === fake.me.id);
		assert.equal(sent?.peerKey, fake.peerKey({ userId: carol }));
		assert.equal(result.items[0].json.chatId, carol.toString());
		assert.equal(
			callsOf(fake, 'users.GetUsers') >= 1,
			true,
			'tried the id with access hash 0 first',
		);
		assert.equal(callsOf(fake, 'messages.GetDialogs'), 2, 'found on the second page');
		const [, second] = fake.requests.filter((r) => r.name === 'messages.GetDialogs');
		assert.notEqual((second.request as { offsetDate: number }).offsetDate, 0);
	});

	test('an account in no chat of the list is still an error that names the fix', async () => {
		const dave = addStranger(6000002n, 'Dave');
		const result = await runTelegram(fake, {
			parameters: sendText({ chat: dave.toString() }),
		});
		assert.match(result.error?.message ?? '', /no chat with ID 6000002/);
		assert.equal(fake.messages.length, 0);
	});
});
