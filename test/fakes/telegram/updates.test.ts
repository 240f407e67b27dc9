import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { DEFAULT_UPDATE_LIMITS, TelegramFake } from './server';
import { closeFakeClient, connectedFakeClient } from './testClient';

/**
 * The fake keeps what it numbered (pts per account box and per channel) and answers
 * updates.getState / getDifference / getChannelDifference from it as Telegram does.
 */

const NEWS = 1700000001n;

describe('Telegram fake: update state and differences', () => {
	let fake: TelegramFake;
	let client: TelegramClient;
	before(async () => {
		fake = await TelegramFake.start();
		client = await connectedFakeClient(fake);
	});
	after(async () => {
		await closeFakeClient(client);
		await fake.stop();
	});
	beforeEach(() => fake.reset());

	const alice = () => fake.users.find((user) => user.username === 'alice_test')!.id;
	const news = () =>
		new Api.InputChannel({
			channelId: bigInt(NEWS.toString()),
			accessHash: bigInt(fake.channels[0].accessHash.toString()),
		});
	const texts = (messages: Api.TypeMessage[]) =>
		messages.map((message) => (message as Api.Message).message);
	const difference = async (pts: number, extra: { ptsTotalLimit?: number } = {}) =>
		await client.invoke(new Api.updates.GetDifference({ pts, date: 1, qts: 0, ...extra }));

	test('getState counts what the account received and sent; getDifference returns it after a pts', async () => {
		const start = await client.invoke(new Api.updates.GetState());
		assert.equal(start.pts, 0);
		fake.receiveMessage(alice(), 'one');
		await client.sendMessage('@alice_test', { message: 'two (sent)' });
		fake.receiveMessage(alice(), 'three');
		assert.equal((await client.invoke(new Api.updates.GetState())).pts, 3);
		const all = await difference(0);
		assert.ok(all instanceof Api.updates.Difference);
		assert.deepEqual(texts(all.newMessages), ['one', 'two (sent)', 'three']);
		assert.deepEqual(
			all.newMessages.map((message) => (message as Api.Message).out ?? false),
			[false, true, false],
		);
		assert.equal(all.state.pts, 3);
		assert.ok(
			all.users.some((user) => String(user.id) === alice().toString()),
			'the sender comes along',
		);
		const rest = await difference(2);
		assert.ok(rest instanceof Api.updates.Difference);
		assert.deepEqual(texts(rest.newMessages), ['three']);
		assert.ok((await difference(3)) instanceof Api.updates.DifferenceEmpty);
	});

	test('many updates come in slices of the configured page; a gap past the limit is too long', async () => {
		fake.updateLimits = { ...DEFAULT_UPDATE_LIMITS, differencePage: 2, differenceTooLong: 4 };
		for (const text of ['a', 'b', 'c']) fake.receiveMessage(alice(), text);
		const first = await difference(0);
		assert.ok(first instanceof Api.updates.DifferenceSlice);
		assert.deepEqual([texts(first.newMessages), first.intermediateState.pts], [['a', 'b'], 2]);
		const second = await difference(first.intermediateState.pts);
		assert.ok(second instanceof Api.updates.Difference);
		assert.deepEqual([texts(second.newMessages), second.state.pts], [['c'], 3]);
		for (const text of ['d', 'e']) fake.receiveMessage(alice(), text);
		const tooLong = await difference(0);
		assert.ok(tooLong instanceof Api.updates.DifferenceTooLong);
		assert.equal(tooLong.pts, 5);
		// The client's own pts_total_limit too.
		assert.ok((await difference(3, { ptsTotalLimit: 1 })) instanceof Api.updates.DifferenceTooLong);
		await assert.rejects(difference(6), /PERSISTENT_TIMESTAMP_INVALID/);
	});

	test('channels: getDifference names channels with news; getChannelDifference pages them and checks the access hash', async () => {
		fake.updateLimits = { ...DEFAULT_UPDATE_LIMITS, channelDifferenceTooLong: 3 };
		fake.postToChannel(NEWS, 'post 1');
		fake.postToChannel(NEWS, 'post 2');
		const named = await difference(0);
		assert.ok(named instanceof Api.updates.Difference);
		assert.ok(
			named.otherUpdates.some(
				(update) =>
					update instanceof Api.UpdateChannelTooLong &&
					String(update.channelId) === NEWS.toString(),
			),
		);
		assert.ok(
			named.chats.some(
				(chat) => chat instanceof Api.Channel && String(chat.id) === NEWS.toString(),
			),
			'with its access hash',
		);
		const page = await client.invoke(
			new Api.updates.GetChannelDifference({
				channel: news(),
				filter: new Api.ChannelMessagesFilterEmpty(),
				pts: 1,
				limit: 1,
			}),
		);
		assert.ok(page instanceof Api.updates.ChannelDifference);
		assert.deepEqual(
			[texts(page.newMessages), page.pts, page.final ?? false],
			[['post 1'], 2, false],
		);
		const rest = await client.invoke(
			new Api.updates.GetChannelDifference({
				channel: news(),
				filter: new Api.ChannelMessagesFilterEmpty(),
				pts: page.pts,
				limit: 10,
			}),
		);
		assert.ok(rest instanceof Api.updates.ChannelDifference);
		assert.deepEqual([texts(rest.newMessages), rest.pts, rest.final], [['post 2'], 3, true]);
		const empty = await client.invoke(
			new Api.updates.GetChannelDifference({
				channel: news(),
				filter: new Api.ChannelMessagesFilterEmpty(),
				pts: 3,
				limit: 10,
			}),
		);
		assert.ok(empty instanceof Api.updates.ChannelDifferenceEmpty);
		for (const text of ['post 3', 'post 4']) fake.postToChannel(NEWS, text);
		const tooLong = await client.invoke(
			new Api.updates.GetChannelDifference({
				channel: news(),
				filter: new Api.ChannelMessagesFilterEmpty(),
				pts: 1,
				limit: 10,
			}),
		);
		assert.ok(tooLong instanceof Api.updates.ChannelDifferenceTooLong);
		assert.equal((tooLong.dialog as Api.Dialog).pts, 5);
		assert.deepEqual(texts(tooLong.messages), ['post 1', 'post 2', 'post 3', 'post 4']);
		const wrongHash = new Api.InputChannel({
			channelId: bigInt(NEWS.toString()),
			accessHash: bigInt(1),
		});
		await assert.rejects(
			client.invoke(
				new Api.updates.GetChannelDifference({
					channel: wrongHash,
					filter: new Api.ChannelMessagesFilterEmpty(),
					pts: 1,
					limit: 10,
				}),
			),
			/CHANNEL_INVALID/,
		);
	});

	test('what is pushed while no client is connected is kept, and dropConnections closes them', async () => {
		const own = await connectedFakeClient(fake);
		try {
			await own.invoke(new Api.updates.GetState());
			assert.ok(fake.dropConnections(fake.me.id) >= 1);
			fake.receiveMessage(alice(), 'while away');
			const missed = await own.invoke(new Api.updates.GetDifference({ pts: 0, date: 1, qts: 0 }));
			assert.ok(missed instanceof Api.updates.Difference);
			assert.deepEqual(texts(missed.newMessages), ['while away']);
		} finally {
			await closeFakeClient(own);
		}
	});
});
