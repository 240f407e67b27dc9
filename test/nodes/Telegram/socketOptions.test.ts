import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Socks5ProxyFake } from '../../fakes/socks5Proxy';
import type { TelegramFake } from '../../fakes/telegram/server';
import { credentialData, distTransport, runTelegram, sendText, useTelegramFake } from './setup';

const SOCKS_LOGIN = { username: 'n8n-user', password: 'proxy pass' };

/**
 * Our MTProto sockets turn Nagle's algorithm off: each packet is one write, and with Nagle a
 * request written while the one before is unacknowledged waits for the server's ACK (delayed
 * up to 40 ms on Linux, a round trip on a real network). Watched through net.Socket's own
 * setNoDelay, which the bundled transport calls on the same class.
 */
describe('Telegram: the connection sends each packet at once (TCP_NODELAY)', () => {
	let fake: TelegramFake;
	let socks: Socks5ProxyFake;
	const noDelayCalls: Array<{ socket: net.Socket; enabled: boolean }> = [];
	const original = net.Socket.prototype.setNoDelay;
	useTelegramFake((started) => (fake = started));
	before(async () => {
		socks = await Socks5ProxyFake.start(SOCKS_LOGIN);
		net.Socket.prototype.setNoDelay = function (this: net.Socket, noDelay?: boolean) {
			noDelayCalls.push({ socket: this, enabled: noDelay !== false });
			return original.call(this, noDelay);
		};
	});
	after(async () => {
		net.Socket.prototype.setNoDelay = original;
		await socks.stop();
	});

	/** The sockets this process dialled to `port` that had Nagle turned off. */
	const noDelayTo = (port: number) =>
		noDelayCalls.filter((call) => call.enabled && call.socket.remotePort === port);

	test('a direct connection', async () => {
		await distTransport.pool.closeAllTelegramClients();
		noDelayCalls.length = 0;
		const result = await runTelegram(fake, { parameters: sendText({ text: 'direct' }) });
		assert.equal(result.error, undefined, result.error?.message);
		assert.ok(noDelayTo(fake.port).length >= 1, 'the socket to Telegram has TCP_NODELAY');
	});

	test('a connection through a SOCKS5 proxy', async () => {
		await distTransport.pool.closeAllTelegramClients();
		noDelayCalls.length = 0;
		const result = await runTelegram(fake, {
			credential: credentialData(fake, {
				proxyType: 'socks5',
				proxyHost: socks.host,
				proxyPort: socks.port,
				proxyUsername: SOCKS_LOGIN.username,
				proxyPassword: SOCKS_LOGIN.password,
			}),
			parameters: sendText({ text: 'through SOCKS5' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			['through SOCKS5'],
		);
		assert.ok(noDelayTo(socks.port).length >= 1, 'the socket to the proxy has TCP_NODELAY');
	});
});
