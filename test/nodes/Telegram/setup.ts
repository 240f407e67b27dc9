import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { runProviderNode, type NodeRunResult, type ProviderRun } from '../../harness/engine';
import { distModule } from '../../harness/dist';
import { TelegramFake } from '../../fakes/telegram/server';
import { telegramCredentialData } from '../../fakes/telegram/credential';

/** The transport's module as n8n loads it (from dist/), typed from the source. */
export const distTransport = {
	pool: distModule<typeof import('../../../nodes/Telegram/transport/pool')>(
		'nodes/Telegram/transport/pool',
	),
	peers: distModule<typeof import('../../../nodes/Telegram/transport/peers')>(
		'nodes/Telegram/transport/peers',
	),
	keepAlive: distModule<typeof import('../../../nodes/Telegram/transport/keepAlive')>(
		'nodes/Telegram/transport/keepAlive',
	),
	secretStores: distModule<typeof import('../../../nodes/Telegram/transport/secret/chatStore')>(
		'nodes/Telegram/transport/secret/chatStore',
	),
};

export async function startFake(): Promise<TelegramFake> {
	const fake = await TelegramFake.start();
	// Lets this process's gramjs make auth keys with the fake (DH), for DC migrations.
	fake.trustRsaKeyInThisProcess();
	return fake;
}

/** Closes the pooled clients and the fake, so the test process has nothing left running. */
export async function stopFake(fake: TelegramFake | undefined): Promise<void> {
	await distTransport.pool.closeAllTelegramClients();
	await fake?.stop();
}

export { telegramCredentialData as credentialData };

export interface TelegramRun extends ProviderRun {
	/** The credential's data (default: a new logged-in session on the fake); `credentials` overrides fields of it. */
	credential?: ICredentialDataDecryptedObject;
}

export async function runTelegram(fake: TelegramFake, run: TelegramRun): Promise<NodeRunResult> {
	const credential = run.credential ?? telegramCredentialData(fake);
	return await runProviderNode(
		'telegram',
		(overrides = {}) => ({
			telegramMtprotoApi: { ...credential, ...(overrides as ICredentialDataDecryptedObject) },
		}),
		run,
	);
}

/** How many calls of a TL method (e.g. 'messages.SendMessage') reached the fake. */
export function callsOf(fake: TelegramFake, name: string): number {
	return fake.requests.filter((request) => request.name === name).length;
}

export const SEND_CALLS = [
	'messages.SendMessage',
	'messages.SendMedia',
	'messages.SendMultiMedia',
	'upload.SaveFilePart',
	'messages.UploadMedia',
];

export function sendCalls(fake: TelegramFake): number {
	return SEND_CALLS.reduce((sum, name) => sum + callsOf(fake, name), 0);
}

export const sendText = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: 'sendText',
	chat: '@alice_test',
	text: 'Hello from n8n',
	sendWhen: 'now',
	...overrides,
});

export const scheduleText = (overrides: IDataObject = {}): IDataObject =>
	sendText({ sendWhen: 'at', sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}', ...overrides });

/**
 * Inside a describe: a fake started before its tests, stopped (with our pooled clients) after
 * them, and back to its seed, with our peer cache empty, before each test.
 */
export function useTelegramFake(onStarted: (fake: TelegramFake) => void): void {
	let fake: TelegramFake | undefined;
	before(async () => {
		fake = await startFake();
		onStarted(fake);
	});
	after(async () => await stopFake(fake));
	beforeEach(() => {
		fake?.reset();
		distTransport.peers.clearPeerCache();
	});
}

/** Schedules one message per text in `chat`, a minute apart from 1 hour on; returns their ids. */
export async function scheduleTexts(
	fake: TelegramFake,
	credential: ICredentialDataDecryptedObject,
	chat: string,
	texts: string[],
): Promise<number[]> {
	const result = await runTelegram(fake, {
		credential,
		parameters: scheduleText({
			chat,
			text: '={{ $json.text }}',
			sendAt: '={{ $now.plus({ minutes: 60 + $itemIndex }).toISO() }}',
		}),
		items: texts.map((text) => ({ text })),
	});
	assert.equal(result.error, undefined, result.error?.message);
	return result.items.map((item) => item.json.messageId as number);
}

/** Scheduled Message parameters whose chat comes from each item's `chat`. */
export const scheduledOp = (operation: string, extra: IDataObject = {}): IDataObject => ({
	resource: 'scheduledMessage',
	operation,
	chat: '={{ $json.chat }}',
	...extra,
});

/** Schedules one album of photos by URL (one per caption) in `chat`, an hour ahead; returns its ids. */
export async function scheduleAlbum(
	fake: TelegramFake,
	credential: ICredentialDataDecryptedObject,
	chat: string,
	captions: string[],
): Promise<number[]> {
	const result = await runTelegram(fake, {
		credential,
		parameters: {
			resource: 'message',
			operation: 'sendAlbum',
			chat,
			media: {
				items: captions.map((caption, index) => ({
					source: 'url',
					url: `https://example.com/album-${index}.jpg`,
					caption,
					kind: 'photo',
				})),
			},
			sendWhen: 'at',
			sendAt: '={{ $now.plus({ hours: 1 }).toISO() }}',
		},
	});
	assert.equal(result.error, undefined, result.error?.message);
	return result.items[0].json.messageIds as number[];
}
