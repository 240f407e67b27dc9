import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { testCredentialByNode } from '../../harness/credentialTest';
import { MtproxyFake } from '../../fakes/mtproxy';
import { Socks5ProxyFake } from '../../fakes/socks5Proxy';
import type { TelegramFake } from '../../fakes/telegram/server';
import { credentialData, runTelegram, sendText, useTelegramFake } from './setup';

const SOCKS_LOGIN = { username: 'n8n-user', password: 'proxy pass' };
const MTPROXY_SECRET = '0123456789abcdef0123456789abcdef';

/**
 * The credential's Proxy: Send Text goes through a SOCKS5 proxy or an MTProxy in front of the
 * fake Telegram, and the proxies' own records show the traffic passed them.
 */
describe('Telegram: the credential reaches Telegram through a proxy', () => {
	let fake: TelegramFake;
	let socks: Socks5ProxyFake;
	let mtproxy: MtproxyFake;
	useTelegramFake((started) => (fake = started));
	before(async () => {
		socks = await Socks5ProxyFake.start(SOCKS_LOGIN);
		mtproxy = await MtproxyFake.start({
			secret: MTPROXY_SECRET,
			upstream: (dcId) => fake.addressOf(dcId),
		});
	});
	after(async () => {
		await socks.stop();
		await mtproxy.stop();
	});

	const viaSocks = (overrides: ICredentialDataDecryptedObject = {}) =>
		credentialData(fake, {
			proxyType: 'socks5',
			proxyHost: socks.host,
			proxyPort: socks.port,
			proxyUsername: SOCKS_LOGIN.username,
			proxyPassword: SOCKS_LOGIN.password,
			...overrides,
		});
	// An MTProxy picks the server by data center: no Custom Server Address.
	const viaMtproxy = (overrides: ICredentialDataDecryptedObject = {}) =>
		credentialData(fake, {
			customServer: false,
			proxyType: 'mtproxy',
			proxyHost: mtproxy.host,
			proxyPort: mtproxy.port,
			proxySecret: `dd${MTPROXY_SECRET}`,
			...overrides,
		});

	test('Send Text through a SOCKS5 proxy with a login', async () => {
		const tunnelsBefore = socks.tunnels.length;
		const result = await runTelegram(fake, {
			credential: viaSocks(),
			parameters: sendText({ text: 'through SOCKS5' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.messages.map((m) => m.text),
			['through SOCKS5'],
		);
		const tunnels = socks.tunnels.slice(tunnelsBefore);
		assert.ok(tunnels.length >= 1, 'the client connected through the proxy');
		for (const tunnel of tunnels) {
			assert.equal(tunnel.destination, `${fake.host}:${fake.port}`);
			assert.equal(tunnel.username, SOCKS_LOGIN.username);
			assert.ok(tunnel.bytesToDestination > 0 && tunnel.bytesToClient > 0);
		}
	});

	test('a proxy added to a credential connects anew, after closing the idle direct connection of that session', async () => {
		const credential = credentialData(fake);
		const direct = await runTelegram(fake, { credential, parameters: sendText({ text: '1' }) });
		assert.equal(direct.error, undefined, direct.error?.message);
		const tunnelsBefore = socks.tunnels.length;
		const proxied = await runTelegram(fake, {
			credential: viaSocks({ sessionToken: credential.sessionToken }),
			parameters: sendText({ text: '2' }),
		});
		assert.equal(proxied.error, undefined, proxied.error?.message);
		assert.ok(socks.tunnels.length > tunnelsBefore, 'not the pooled direct client');
		// Two connections of one session at once would have made Telegram revoke it.
		assert.equal(fake.sessionInfo(String(credential.sessionToken))?.duplicated, undefined);
	});

	test('the credential test connects through the SOCKS5 proxy too', async () => {
		const tunnelsBefore = socks.tunnels.length;
		const check = await testCredentialByNode('telegramMtprotoApi', viaSocks());
		assert.equal(check.status, 'OK', check.message);
		assert.ok(socks.tunnels.length > tunnelsBefore);
	});

	test('Send Text through an MTProxy (obfuscated2), to the data center of the session', async () => {
		const relaysBefore = mtproxy.relays.length;
		const result = await runTelegram(fake, {
			credential: viaMtproxy(),
			parameters: sendText({ text: 'through MTProxy' }),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.messages.map((m) => m.text),
			['through MTProxy'],
		);
		const relays = mtproxy.relays.slice(relaysBefore);
		assert.ok(relays.length >= 1, 'the client connected through the proxy');
		assert.equal(relays[0].dcId, fake.dcId);
		assert.ok(relays[0].packetsToServer > 0 && relays[0].packetsToClient > 0);
		const sends = fake.requests.filter((r) => r.name === 'messages.SendMessage');
		assert.deepEqual(
			sends.map((r) => r.dcId),
			[fake.dcId],
		);
	});

	test('a wrong SOCKS5 password fails with the proxy named and what to check', async () => {
		const result = await runTelegram(fake, {
			credential: viaSocks({ proxyPassword: 'wrong' }),
			parameters: sendText(),
		});
		assert.match(
			result.error?.message ?? '(no error)',
			/could not connect to .* through the SOCKS5 proxy 127\.0\.0\.1:\d+/,
		);
		assert.match(String(result.error?.description), /Proxy Username and Proxy Password/);
		assert.ok(socks.refused.includes('wrong login'));
		assert.equal(JSON.stringify(result.error).includes('wrong'), false, 'no password in the error');
		assert.deepEqual(fake.messages, []);
	});

	test('a wrong MTProxy secret fails with the proxy named and what to check', async () => {
		const refusedBefore = mtproxy.refused.length;
		const result = await runTelegram(fake, {
			credential: viaMtproxy({ proxySecret: 'ffeeddccbbaa99887766554433221100' }),
			parameters: sendText(),
		});
		assert.match(result.error?.message ?? '(no error)', /MTProxy 127\.0\.0\.1:\d+/);
		assert.match(String(result.error?.description), /MTProxy Secret/);
		assert.ok(mtproxy.refused.length > refusedBefore);
		assert.deepEqual(fake.messages, []);
	});

	const badFields: Array<[string, ICredentialDataDecryptedObject, RegExp]> = [
		['no host', { proxyHost: ' ' }, /the Proxy Host is empty/],
		[
			'a host with a port',
			{ proxyHost: 'proxy.example:1080' },
			/the Proxy Host \("proxy\.example:1080"\) is not a host name/,
		],
		['port 0', { proxyPort: 0 }, /the Proxy Port \("0"\) is not a port number/],
		[
			'a password without user',
			{ proxyUsername: '' },
			/the Proxy Password is set but the Proxy Username is empty/,
		],
	];
	for (const [name, fields, message] of badFields) {
		test(`SOCKS5 with ${name} is refused before connecting, naming the field`, async () => {
			const result = await runTelegram(fake, {
				credential: viaSocks(fields),
				parameters: sendText(),
			});
			assert.match(result.error?.message ?? '(no error)', message);
			assert.deepEqual(fake.requests, []);
		});
	}

	const badMtproxy: Array<[string, ICredentialDataDecryptedObject, RegExp]> = [
		['an empty secret', { proxySecret: '' }, /the MTProxy Secret is empty/],
		['a short secret', { proxySecret: 'abcd' }, /the MTProxy Secret is not an MTProxy secret/],
		[
			'a fake-TLS secret',
			{ proxySecret: `ee${MTPROXY_SECRET}676f6f676c652e636f6d` },
			/fake-TLS secret .* cannot use/,
		],
		[
			'a Custom Server Address',
			{ customServer: true },
			/an MTProxy cannot be combined with a Custom Server Address/,
		],
	];
	for (const [name, fields, message] of badMtproxy) {
		test(`MTProxy with ${name} is refused before connecting, naming the field`, async () => {
			const result = await runTelegram(fake, {
				credential: viaMtproxy(fields),
				parameters: sendText(),
			});
			assert.match(result.error?.message ?? '(no error)', message);
			assert.deepEqual(fake.requests, []);
		});
	}
});
