import { TelegramClient } from 'telegram';
import { Logger } from 'telegram/extensions';
import { LogLevel } from 'telegram/extensions/Logger';
import { StringSession } from 'telegram/sessions';
import { connectOptionsFor } from './connectOptions';
import type { TelegramFake } from './server';

/**
 * A real gramjs client for a TelegramFake, set up the way the node should be: flood waits
 * thrown (threshold 0), few retries, connect() checked, and a close that leaves nothing running.
 * TELEGRAM_FAKE_LOG=debug shows gramjs's own log.
 */

export interface FakeClientOptions {
	/** Default: a new logged-in session from fake.createSession(). */
	session?: string;
}

export function fakeClient(fake: TelegramFake, options: FakeClientOptions = {}): TelegramClient {
	const level = (process.env.TELEGRAM_FAKE_LOG as LogLevel | undefined) ?? LogLevel.NONE;
	return new TelegramClient(
		new StringSession(options.session ?? fake.createSession()),
		fake.apiId,
		fake.apiHash,
		{
			...connectOptionsFor(fake),
			connectionRetries: 2,
			retryDelay: 100,
			floodSleepThreshold: 0,
			baseLogger: new Logger(level),
		},
	);
}

export async function connectedFakeClient(
	fake: TelegramFake,
	options: FakeClientOptions = {},
): Promise<TelegramClient> {
	const client = fakeClient(fake, options);
	// connect() resolves false (instead of throwing) when it gives up; later calls would then hang.
	if (!(await client.connect())) throw new Error('gramjs could not connect to the Telegram fake');
	return client;
}

/** destroy() misses the upload connection and its 30 s release timer: close those first. */
export async function closeFakeClient(client: TelegramClient): Promise<void> {
	const internals = client as unknown as {
		_exportedSenderReleaseTimeouts: Map<number, NodeJS.Timeout>;
	};
	for (const timeout of internals._exportedSenderReleaseTimeouts.values()) clearTimeout(timeout);
	internals._exportedSenderReleaseTimeouts.clear();
	const senders = await Promise.allSettled([...client._exportedSenderPromises.values()]);
	await Promise.all(
		senders.map((s) => (s.status === 'fulfilled' ? s.value?.disconnect() : undefined)),
	);
	client._exportedSenderPromises.clear();
	await client.destroy();
}
