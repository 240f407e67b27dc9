import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { closeFakeClient, connectedFakeClient } from '../../fakes/telegram/testClient';
import { NodeHost } from '../../harness/nodeHost';
import { Emitted } from '../../harness/triggerEvents';
import {
	credentialData,
	distTransport,
	runTelegram,
	scheduledOp,
	scheduleTexts,
	useTelegramFake,
} from './setup';

/**
 * "Scheduled Message Sent": Telegram tells the sender's sessions that a scheduled message went
 * out with two updates, updateDeleteScheduledMessages (scheduled ids and the ids they were sent
 * as) and updateNewMessage with from_scheduled (the message itself). The trigger starts one
 * run per message that went out, with both ids, never two for the two updates.
 */

const ALICE = 5000002n;
const HOUR_MS = 3_600_000;

describe('Telegram Trigger: Scheduled Message Sent', () => {
	let fake: TelegramFake;
	let credential: ReturnType<typeof credentialData>;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));
	beforeEach(() => (credential = credentialData(fake)));
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
	});

	async function listen(
		parameters: IDataObject = { events: ['scheduledSent'] },
		emitted = new Emitted(),
		saved: IDataObject = {},
	): Promise<Emitted & { stop: () => Promise<void>; saved: () => IDataObject }> {
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters,
			credentials: { telegramMtprotoApi: credential },
		});
		// Static data as n8n reads it back after a restart.
		Object.assign(host.workflow.staticData, structuredClone(saved));
		const response = await host.startTrigger(emitted);
		let stopped = false;
		const stop = async () => {
			if (!stopped) await response.closeFunction?.();
			stopped = true;
		};
		stops.push(stop);
		return Object.assign(emitted, {
			stop,
			saved: () => JSON.parse(JSON.stringify(host.workflow.staticData)) as IDataObject,
		});
	}

	const sentMessage = (text: string) => {
		const message = fake.messages.find((m) => m.text === text && m.fromScheduled);
		assert.ok(message, `"${text}" went out`);
		return message;
	};

	test('when the time comes: one item per message, with the scheduled and the sent ids', async () => {
		const emitted = await listen();
		const [first, second] = await scheduleTexts(fake, credential, '@alice_test', ['one', 'two']);
		fake.clockAheadMs = 2 * HOUR_MS;
		assert.equal(fake.deliverDueScheduled().length, 2);
		await emitted.until(() => (emitted.items.length >= 2 ? true : undefined));
		// A later event: had either update made an item of its own, it would be out by now.
		fake.clockAheadMs = 0; // the node schedules by n8n's clock
		const [third] = await scheduleTexts(fake, credential, '@alice_test', ['three']);
		fake.clockAheadMs = 2 * HOUR_MS;
		fake.deliverDueScheduled();
		await emitted.until(() => emitted.items.find((item) => item.text === 'three'));

		const sent = ['one', 'two', 'three'].map(sentMessage);
		assert.deepEqual(
			emitted.items.map((item) => [
				item.event,
				item.scheduledMessageId,
				item.messageId,
				item.chatId,
				item.text,
			]),
			[
				['scheduledSent', first, sent[0].id, String(ALICE), 'one'],
				['scheduledSent', second, sent[1].id, String(ALICE), 'two'],
				['scheduledSent', third, sent[2].id, String(ALICE), 'three'],
			],
		);
		assert.equal(Date.parse(String(emitted.items[0].date)), sent[0].date * 1000);
		assert.deepEqual(emitted.errors, []);
	});

	test('sent now from another device (messages.sendScheduledMessages): one item', async () => {
		const emitted = await listen({ events: ['scheduledSent', 'message'], includeOutgoing: true });
		const [scheduledId] = await scheduleTexts(fake, credential, '@alice_test', ['right now']);
		const phone = await connectedFakeClient(fake);
		try {
			const alice = fake.users.find((user) => user.id === ALICE);
			assert.ok(alice);
			await phone.invoke(
				new Api.messages.SendScheduledMessages({
					peer: new Api.InputPeerUser({
						userId: bigInt(ALICE.toString()),
						accessHash: bigInt(alice.accessHash.toString()),
					}),
					id: [scheduledId],
				}),
			);
		} finally {
			await closeFakeClient(phone);
		}
		const item = await emitted.nextOf('scheduledSent');
		// The same message is also a New Message (outgoing), a separate event.
		await emitted.nextOf('message');
		fake.receiveMessage(ALICE, 'a reply');
		await emitted.until(() => emitted.items.find((i) => i.text === 'a reply'));

		const sent = sentMessage('right now');
		assert.equal(item.scheduledMessageId, scheduledId);
		assert.equal(item.messageId, sent.id);
		assert.equal(item.text, 'right now');
		// One of each for the message that went out (in either order), and nothing more.
		assert.deepEqual(emitted.items.map((i) => `${String(i.event)}: ${String(i.text)}`).sort(), [
			'message: a reply',
			'message: right now',
			'scheduledSent: right now',
		]);
	});

	test('sent while the trigger was stopped: fetched on restart, once, without its scheduled id', async () => {
		const first = await listen();
		const [whileStopped, later] = await scheduleTexts(fake, credential, '@alice_test', [
			'while stopped',
			'later',
		]);
		// n8n stops: the trigger closes, and so does the process's connection.
		await first.stop();
		await distTransport.pool.closeAllTelegramClients();
		fake.clockAheadMs = 60 * 60_000 + 30_000; // the first is due, the second a minute later
		assert.equal(fake.deliverDueScheduled().length, 1);

		const emitted = new Emitted();
		await listen({ events: ['scheduledSent'] }, emitted, first.saved());
		await emitted.nextOf('scheduledSent');
		fake.clockAheadMs = 2 * HOUR_MS;
		fake.deliverDueScheduled();
		await emitted.until(() => (emitted.items.length >= 2 ? true : undefined));

		// Telegram's catch-up keeps the message, not the update that named its scheduled id.
		assert.deepEqual(
			emitted.items.map((item) => [item.text, item.scheduledMessageId, item.messageId]),
			[
				['while stopped', null, sentMessage('while stopped').id],
				['later', later, sentMessage('later').id],
			],
		);
		assert.ok(whileStopped > 0);
	});

	test('Send Now from a workflow in the same n8n (one shared connection): one item, with its scheduled id', async () => {
		const emitted = await listen();
		const [scheduledId] = await scheduleTexts(fake, credential, '@alice_test', ['from n8n']);
		// The node and the trigger share the account's connection: Telegram tells it only in the
		// answer to sendScheduledMessages, which gramjs hands to no update handler.
		const result = await runTelegram(fake, {
			credential,
			parameters: scheduledOp('sendNow', { messageIds: String(scheduledId) }),
			items: [{ chat: '@alice_test' }],
		});
		assert.equal(result.error, undefined);
		const item = await emitted.nextOf('scheduledSent');
		assert.equal(item.scheduledMessageId, scheduledId);
		assert.equal(item.messageId, sentMessage('from n8n').id);
		assert.equal(emitted.items.length, 1);
	});
});
