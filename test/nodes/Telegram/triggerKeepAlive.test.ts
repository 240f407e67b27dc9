import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { ITriggerResponse } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { NodeHost } from '../../harness/nodeHost';
import { Emitted } from '../../harness/triggerEvents';
import { credentialData, distTransport, useTelegramFake } from './setup';

/**
 * A connection can die without closing: a NAT or proxy forgets it, bytes go out, nothing comes
 * back. The Telegram Trigger pings its connection, replaces one that stops answering, fetches
 * what it missed meanwhile (each message once), and when Telegram stays unreachable it reports
 * the outage as a failed execution without deactivating, then resumes when Telegram is back.
 * The timings are shortened here; the defaults are minutes' worth.
 */

const ALICE = 5000002n;

describe('Telegram Trigger: keep-alive and reconnects', () => {
	let fake: TelegramFake;
	let credential: ReturnType<typeof credentialData>;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));

	before(() =>
		distTransport.keepAlive.configureKeepAlive({
			pingEveryMs: 100,
			pingTimeoutMs: 400,
			reconnectFirstDelayMs: 20,
			reconnectMaxDelayMs: 100,
			outageAfterFailures: 3,
		}),
	);
	after(() => distTransport.keepAlive.configureKeepAlive());
	beforeEach(() => (credential = credentialData(fake)));
	afterEach(async () => {
		await fake.acceptConnections();
		for (const stop of stops.splice(0)) await stop();
		await distTransport.pool.closeAllTelegramClients();
	});

	async function activate(emitted: Emitted): Promise<ITriggerResponse> {
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters: { events: ['message'] },
			credentials: { telegramMtprotoApi: credential },
		});
		const response = await host.startTrigger(emitted);
		stops.push(async () => await response.closeFunction?.());
		return response;
	}

	const texts = (emitted: Emitted) => emitted.items.map((item) => item.text);
	const waitForText = async (emitted: Emitted, text: string) =>
		await emitted.until(() => emitted.items.find((item) => item.text === text));

	test('a connection that goes silent is replaced; what arrived meanwhile is emitted once', async () => {
		const emitted = new Emitted();
		await activate(emitted);
		fake.receiveMessage(ALICE, 'before the silence');
		await waitForText(emitted, 'before the silence');
		const accepted = fake.acceptedConnections;

		// The path breaks: the socket stays open, the server hears nothing and answers nothing.
		assert.ok(fake.silenceConnections() > 0, 'a connection was open');
		fake.receiveMessage(ALICE, 'during the silence');
		await waitForText(emitted, 'during the silence');
		fake.receiveMessage(ALICE, 'after the reconnect');
		await waitForText(emitted, 'after the reconnect');

		assert.deepEqual(texts(emitted), [
			'before the silence',
			'during the silence',
			'after the reconnect',
		]);
		assert.ok(fake.acceptedConnections > accepted, 'a new connection was made');
		assert.ok(fake.requests.some((request) => request.name === 'updates.GetDifference'));
		assert.deepEqual(emitted.errors, []);
		assert.deepEqual(emitted.failedExecutions, []);
	});

	test('an outage is reported once as a failed execution; the trigger resumes when Telegram is back', async () => {
		const emitted = new Emitted();
		await activate(emitted);
		fake.receiveMessage(ALICE, 'before the outage');
		await waitForText(emitted, 'before the outage');

		// Telegram is down: the open connection goes silent and new ones are refused.
		fake.refuseConnections();
		fake.silenceConnections();
		fake.receiveMessage(ALICE, 'during the outage');
		const reported = await emitted.until(() => emitted.failedExecutions[0]);
		assert.match(reported.message, /could not be reached in 3 reconnect attempts/);
		assert.equal(reported.name, 'NodeOperationError');
		assert.match(String(reported.description), /keeps reconnecting/);

		await fake.acceptConnections();
		await waitForText(emitted, 'during the outage');
		fake.receiveMessage(ALICE, 'after the outage');
		await waitForText(emitted, 'after the outage');

		assert.deepEqual(texts(emitted), [
			'before the outage',
			'during the outage',
			'after the outage',
		]);
		// Reported once, and the trigger was never deactivated (emitError).
		assert.equal(emitted.failedExecutions.length, 1);
		assert.deepEqual(emitted.errors, []);
	});
});
