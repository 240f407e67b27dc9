import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { NodeHost } from '../../harness/nodeHost';
import { Emitted } from '../../harness/triggerEvents';
import { credentialData, useTelegramFake } from './setup';

const ALICE = 5000002n;

describe('Telegram Trigger: New Message', () => {
	let fake: TelegramFake;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
	});

	async function listen(parameters: IDataObject): Promise<Emitted> {
		const emitted = new Emitted();
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters,
			credentials: { telegramMtprotoApi: credentialData(fake) },
		});
		const response = await host.startTrigger(emitted);
		stops.push(async () => await response.closeFunction?.());
		return emitted;
	}

	function push(id: number, text: string, out: boolean) {
		const alice = new Api.PeerUser({ userId: bigInt(ALICE.toString()) });
		fake.pushUpdate(
			new Api.UpdateNewMessage({
				message: new Api.Message({
					id,
					peerId: alice,
					fromId: out ? undefined : alice,
					out,
					date: fake.nowSeconds(),
					message: text,
				}),
				pts: id,
				ptsCount: 1,
			}),
		);
	}

	test('starts the workflow with each incoming message; its own messages only when asked', async () => {
		const emitted = await listen({ events: ['message'] });
		// The trigger asks for the update state first: only then does Telegram push to it.
		while (!fake.requests.some((request) => request.name === 'updates.GetState'))
			await new Promise((resolveWait) => setTimeout(resolveWait, 10));
		push(41, 'sent from my phone', true);
		push(42, 'hello n8n', false);
		const item = await emitted.nextOf('message');
		assert.deepEqual(
			[item.messageId, item.chatId, item.text, item.outgoing],
			[42, ALICE.toString(), 'hello n8n', false],
		);
		assert.equal(emitted.items.length, 1, 'the outgoing message did not start the workflow');

		const withOwn = await listen({ events: ['message'], includeOutgoing: true });
		push(43, 'mine too', true);
		assert.equal((await withOwn.nextOf('message')).text, 'mine too');
		// No secret chat storage is set up and none was needed.
		assert.deepEqual([...emitted.errors, ...withOwn.errors], []);
	});

	test('secret chat events without a storage secret fail activation, naming the setting', async () => {
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters: { events: ['secretMessage'] },
			credentials: { telegramMtprotoApi: credentialData(fake) },
		});
		await assert.rejects(host.startTrigger(new Emitted()), /Secret Chat Storage Secret/);
	});

	test('refuses to start without events, saying what to pick', async () => {
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters: { events: [] },
			credentials: { telegramMtprotoApi: credentialData(fake) },
		});
		await assert.rejects(host.startTrigger(new Emitted()), /No event is selected/);
	});

	test('a credential that cannot log in fails activation with the fix', async () => {
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters: { events: ['message'] },
			credentials: { telegramMtprotoApi: credentialData(fake, { sessionToken: 'nonsense' }) },
		});
		await assert.rejects(host.startTrigger(new Emitted()), /Session String/);
	});
});
