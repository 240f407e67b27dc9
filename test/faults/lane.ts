import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { distModule } from '../harness/dist';
import { telegramCredentialData } from '../fakes/telegram/credential';
import { TelegramFake } from '../fakes/telegram/server';
import { TelnyxFake } from '../fakes/telnyx/server';
import { ZulipFake } from '../fakes/zulip/server';
import { HttpFaultProxy } from './httpFaultProxy';

/**
 * The fakes one worker of the matrix uses, started when first needed: cells run one after the
 * other on a lane, lanes run side by side. Each Telegram fake has its own account session, so
 * lanes never share a pooled connection.
 */

export interface HttpLane<Fake> {
	fake: Fake;
	proxy: HttpFaultProxy;
}

export interface TelegramLane {
	fake: TelegramFake;
	credential: ICredentialDataDecryptedObject;
	/** Where this lane's secret chats are stored. */
	folder: string;
}

/** The transport's pool as n8n loads it (from dist/), to close pooled clients at the end. */
const distPool = () =>
	distModule<typeof import('../../nodes/Telegram/transport/pool')>('nodes/Telegram/transport/pool');
const distSecretStores = () =>
	distModule<typeof import('../../nodes/Telegram/transport/secret/chatStore')>(
		'nodes/Telegram/transport/secret/chatStore',
	);

async function startHttpLane<Fake extends { url: string }>(
	start: () => Promise<Fake>,
): Promise<HttpLane<Fake>> {
	const fake = await start();
	return { fake, proxy: await HttpFaultProxy.start(fake.url) };
}

/** Back to the fake's seed, every request forwarded. */
function resetHttpLane<Fake extends { reset(): void }>(lane: HttpLane<Fake>): HttpLane<Fake> {
	lane.fake.reset();
	lane.proxy.reset();
	return lane;
}

export const SECRET_STORAGE_SECRET = 'fault matrix storage secret';

export class Lane {
	private zulipLane?: Promise<HttpLane<ZulipFake>>;
	private telnyxLane?: Promise<HttpLane<TelnyxFake>>;
	private telegramLane?: Promise<TelegramLane>;

	async zulip(): Promise<HttpLane<ZulipFake>> {
		this.zulipLane ??= startHttpLane(async () => await ZulipFake.start());
		return resetHttpLane(await this.zulipLane);
	}

	async telnyx(): Promise<HttpLane<TelnyxFake>> {
		this.telnyxLane ??= startHttpLane(async () => await TelnyxFake.start());
		return resetHttpLane(await this.telnyxLane);
	}

	async telegram(): Promise<TelegramLane> {
		this.telegramLane ??= (async () => {
			const fake = await TelegramFake.start();
			// Lets this process's gramjs make auth keys with the fake (DH), for DC migrations.
			fake.trustRsaKeyInThisProcess();
			const folder = mkdtempSync(join(tmpdir(), 'fault-matrix-secret-'));
			const credential = telegramCredentialData(fake, {
				e2eStorage: 'file',
				e2eStorageFolder: folder,
				e2eStorageSecret: SECRET_STORAGE_SECRET,
			});
			return { fake, credential, folder };
		})();
		const lane = await this.telegramLane;
		lane.fake.reset();
		return lane;
	}

	async stop(): Promise<void> {
		const zulip = await this.zulipLane;
		const telnyx = await this.telnyxLane;
		const telegram = await this.telegramLane;
		await Promise.all([
			zulip?.proxy.stop(),
			zulip?.fake.stop(),
			telnyx?.proxy.stop(),
			telnyx?.fake.stop(),
		]);
		if (telegram) {
			await telegram.fake.stop();
			rmSync(telegram.folder, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
		}
	}
}

/** After all lanes: close the pooled Telegram clients and secret-chat stores the node left open. */
export async function closeTelegramClients(): Promise<void> {
	await distPool().closeAllTelegramClients();
	await distSecretStores().closeSecretChatStores();
}
