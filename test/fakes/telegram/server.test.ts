import net from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import bigInt from 'big-integer';
import { Api, errors, type TelegramClient } from 'telegram';
import { CustomFile } from 'telegram/client/uploads';
import { StringSession } from 'telegram/sessions';
import {
	METHOD_NOT_IMPLEMENTED,
	parseServerAddress,
	TelegramFake,
	TRUST_FAKE_RSA_PRELOAD,
} from './server';
import { closeFakeClient, connectedFakeClient, fakeClient } from './testClient';

/**
 * A real gramjs client against the fake: every test opens its own client, closes it, and
 * asserts on what the fake holds. gramjs's own reconnect pause makes the dropped-connection
 * tests take about a second each.
 */

const HOUR = 3600;

function photo(name: string, fill: string, size: number): CustomFile {
	const bytes = Buffer.alloc(size, fill);
	return new CustomFile(name, bytes.length, '', bytes);
}

function sha256Hex(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** Runs `body` with a connected client and always closes it. */
async function withClient<T>(
	fake: TelegramFake,
	body: (client: TelegramClient) => Promise<T>,
	session?: string,
): Promise<T> {
	const client = await connectedFakeClient(fake, { session });
	try {
		return await body(client);
	} finally {
		await closeFakeClient(client);
	}
}

describe('Telegram fake server (gramjs client)', () => {
	let fake: TelegramFake;
	const alice = () => fake.users.find((u) => u.username === 'alice_test')!;
	const alicePeer = () =>
		new Api.InputPeerUser({
			userId: bigInt(alice().id.toString()),
			accessHash: bigInt(alice().accessHash.toString()),
		});
	const inAnHour = () => fake.nowSeconds() + HOUR;

	before(async () => {
		const started = Date.now();
		fake = await TelegramFake.start();
		// Lets this process's gramjs create auth keys with the fake (DH exchange).
		fake.trustRsaKeyInThisProcess();
		console.log(
			`# Telegram fake started (RSA key made) in ${Date.now() - started} ms on ${fake.host}:${fake.port}`,
		);
	});
	after(async () => {
		await fake?.stop();
	});
	beforeEach(() => fake.reset());

	test('connects with a pre-shared key, answers getMe and resolves a username', async () => {
		await withClient(fake, async (client) => {
			const me = (await client.getMe()) as Api.User;
			assert.equal(me.username, 'me_account');
			assert.equal(me.self, true);
			assert.equal(me.id.toString(), fake.me.id.toString());
			const resolved = (await client.getEntity('@alice_test')) as Api.User;
			assert.equal(resolved.id.toString(), alice().id.toString());
			assert.equal(resolved.accessHash?.toString(), alice().accessHash.toString());
			const byPhone = await client.invoke(
				new Api.contacts.ResolvePhone({ phone: '+1 555 000 1111' }),
			);
			assert.equal((byPhone.users[0] as Api.User).username, 'alice_test');
			await assert.rejects(
				client.getEntity('@nobody_here'),
				/No user has "nobody_here" as username/,
			);
			const full = await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }));
			assert.equal(full.fullUser.id.toString(), fake.me.id.toString());
			// gramjs's keep-alive: answered by a top-level pong.
			const pong = await client.invoke(
				new Api.PingDelayDisconnect({ pingId: bigInt(99), disconnectDelay: 60 }),
			);
			assert.equal(pong.pingId.toString(), '99');
		});
		const names = fake.requests.map((r) => r.name);
		assert.equal(names[0], 'help.GetConfig', 'initConnection/invokeWithLayer are unwrapped');
		assert.ok(names.includes('users.GetUsers') && names.includes('contacts.ResolveUsername'));
		assert.ok(fake.requests.every((r) => r.dcId === 2));
	});

	test('sends text at once with its flags, entities and reply; a repeated random_id is answered with the original', async () => {
		await withClient(fake, async (client) => {
			const sent = await client.sendMessage('@alice_test', {
				message: 'hello **there**',
				silent: true,
				linkPreview: false,
			});
			assert.equal(sent.id, 1);
			const entity = new Api.MessageEntityBold({ offset: 0, length: 5 });
			const answer = await client.invoke(
				new Api.messages.SendMessage({
					peer: alicePeer(),
					message: 'again',
					entities: [entity],
					randomId: bigInt(42),
					replyTo: new Api.InputReplyToMessage({ replyToMsgId: 1 }),
				}),
			);
			// Telegram answers a text sent at once to a private chat with updateShortSentMessage.
			assert.ok(answer instanceof Api.UpdateShortSentMessage);
			assert.equal(answer.id, 2);
			// As Telegram does: the original message again, nothing new sent.
			const repeated = await client.invoke(
				new Api.messages.SendMessage({ peer: alicePeer(), message: 'dup', randomId: bigInt(42) }),
			);
			assert.ok(repeated instanceof Api.Updates);
			const idUpdate = repeated.updates.find(
				(update): update is Api.UpdateMessageID => update instanceof Api.UpdateMessageID,
			);
			assert.equal(idUpdate?.id, 2);
			const original = repeated.updates.find(
				(update): update is Api.UpdateNewMessage => update instanceof Api.UpdateNewMessage,
			);
			assert.equal((original?.message as Api.Message).message, 'again');
			assert.equal(original?.ptsCount, 0);
			await assert.rejects(
				client.invoke(new Api.messages.SendMessage({ peer: alicePeer(), message: '   ' })),
				{ errorMessage: 'MESSAGE_EMPTY' },
			);
		});
		assert.equal(fake.messages.length, 2);
		const [first, second] = fake.messages;
		assert.deepEqual(
			{
				peerKey: first.peerKey,
				fromId: first.fromId,
				text: first.text,
				silent: first.silent,
				noWebpage: first.noWebpage,
			},
			{
				peerKey: fake.peerKey({ userId: alice().id }),
				fromId: fake.me.id,
				text: 'hello there',
				silent: true,
				noWebpage: true,
			},
		);
		assert.equal((first.entities[0] as Api.MessageEntityBold).className, 'MessageEntityBold');
		assert.equal(second.randomId, 42n);
		assert.equal(second.replyToMsgId, 1);
		assert.equal(fake.scheduled.length, 0);
	});

	test('posts to a channel it administers, not to one it does not', async () => {
		await withClient(fake, async (client) => {
			const post = await client.sendMessage('@news_test', { message: 'news' });
			assert.equal(post.id, 1);
			fake.channels[0].adminIds = [];
			await assert.rejects(client.sendMessage('@news_test', { message: 'not allowed' }), {
				errorMessage: 'CHAT_WRITE_FORBIDDEN',
			});
		});
		assert.deepEqual(
			fake.messages.map((m) => [m.peerKey, m.text]),
			[[fake.peerKey({ channelId: fake.channels[0].id }), 'news']],
		);
	});

	test('schedules, lists the queue, sends one now, reschedules and deletes', async () => {
		// Fixed once: the clock may tick between the calls and the assertions.
		const due = inAnHour();
		await withClient(fake, async (client) => {
			const first = await client.sendMessage('@alice_test', { message: 'first', schedule: due });
			const second = await client.sendMessage('@alice_test', {
				message: 'second',
				schedule: due + 60,
			});
			assert.deepEqual([first.id, second.id], [1, 2]);
			assert.equal(fake.messages.length, 0);

			const history = (await client.invoke(
				new Api.messages.GetScheduledHistory({ peer: alicePeer(), hash: bigInt.zero }),
			)) as Api.messages.Messages;
			assert.deepEqual(
				history.messages.map((m) => [(m as Api.Message).message, (m as Api.Message).date]),
				[
					['second', due + 60],
					['first', due],
				],
			);
			const picked = (await client.invoke(
				new Api.messages.GetScheduledMessages({ peer: alicePeer(), id: [2, 99] }),
			)) as Api.messages.Messages;
			assert.deepEqual(
				picked.messages.map((m) => m.id),
				[2],
			);

			const newDate = due + 2 * HOUR;
			await client.invoke(
				new Api.messages.EditMessage({ peer: alicePeer(), id: 1, scheduleDate: newDate }),
			);
			assert.equal(fake.scheduled.find((m) => m.id === 1)?.scheduleDate, newDate);
			await assert.rejects(
				client.invoke(
					new Api.messages.EditMessage({ peer: alicePeer(), id: 1, scheduleDate: newDate }),
				),
				{ errorMessage: 'MESSAGE_NOT_MODIFIED' },
			);

			const sentNow = (await client.invoke(
				new Api.messages.SendScheduledMessages({ peer: alicePeer(), id: [1] }),
			)) as Api.Updates;
			const removed = sentNow.updates.find(
				(u): u is Api.UpdateDeleteScheduledMessages =>
					u instanceof Api.UpdateDeleteScheduledMessages,
			);
			assert.deepEqual(removed?.messages, [1]);
			assert.equal(fake.messages.length, 1);
			assert.deepEqual(
				{ text: fake.messages[0].text, fromScheduled: fake.messages[0].fromScheduled },
				{ text: 'first', fromScheduled: true },
			);
			assert.deepEqual(removed?.sentMessages, [fake.messages[0].id]);

			// Id 1 left the queue: Telegram deletes the ids it has (2) and ignores the others.
			const deleted = (await client.invoke(
				new Api.messages.DeleteScheduledMessages({ peer: alicePeer(), id: [1, 2] }),
			)) as Api.Updates;
			const gone = deleted.updates.find(
				(u): u is Api.UpdateDeleteScheduledMessages =>
					u instanceof Api.UpdateDeleteScheduledMessages,
			);
			assert.deepEqual(gone?.messages, [2]);
		});
		assert.equal(fake.scheduled.length, 0);
		assert.equal(fake.messages.length, 1);
	});

	test('applies Telegram schedule rules: 10 s window, 367 days, the per-chat limit, no past reschedule', async () => {
		await withClient(fake, async (client) => {
			const soon = await client.sendMessage('@alice_test', {
				message: 'almost now',
				schedule: fake.nowSeconds() + 5,
			});
			assert.equal(soon.id, 1);
			assert.equal(fake.messages.length, 1, 'scheduled under 10 s ahead goes out at once');
			await assert.rejects(
				client.sendMessage('@alice_test', {
					message: 'too late',
					schedule: fake.nowSeconds() + 368 * 24 * HOUR,
				}),
				{ errorMessage: 'SCHEDULE_DATE_TOO_LATE' },
			);
			fake.scheduledLimitPerChat = 2;
			await client.sendMessage('@alice_test', { message: 'a', schedule: inAnHour() });
			await client.sendMessage('@alice_test', { message: 'b', schedule: inAnHour() });
			await assert.rejects(
				client.sendMessage('@alice_test', { message: 'c', schedule: inAnHour() }),
				{ errorMessage: 'SCHEDULE_TOO_MUCH' },
			);
			await client.sendMessage('@bob_test', { message: 'other chat', schedule: inAnHour() });
			await assert.rejects(
				client.invoke(
					new Api.messages.EditMessage({
						peer: alicePeer(),
						id: 1,
						scheduleDate: fake.nowSeconds() - 60,
					}),
				),
				{
					errorMessage: 'SCHEDULE_DATE_INVALID',
				},
			);
		});
		assert.deepEqual(
			fake.scheduled.map((m) => m.text),
			['a', 'b', 'other chat'],
		);
	});

	test('uploads two photos and schedules them as an album', async () => {
		const files = [photo('one.jpg', 'a', 3000), photo('two.jpg', 'b', 70000)];
		const scheduleDate = inAnHour();
		await withClient(fake, async (client) => {
			const album = (await client.sendFile('@alice_test', {
				file: files,
				caption: ['first photo', 'second photo'],
				scheduleDate,
			})) as unknown as Api.Message[];
			assert.deepEqual(
				album.map((m) => m.id),
				[1, 2],
			);
		});
		assert.equal(fake.scheduled.length, 2);
		const [one, two] = fake.scheduled;
		assert.equal(one.groupedId, two.groupedId);
		assert.notEqual(one.groupedId, undefined);
		assert.deepEqual(
			fake.scheduled.map((m) => [
				m.text,
				m.scheduleDate,
				m.media?.kind,
				m.media?.fileName,
				m.media?.size,
				m.media?.sha256,
			]),
			[
				['first photo', scheduleDate, 'photo', 'one.jpg', 3000, sha256Hex(files[0].buffer!)],
				['second photo', scheduleDate, 'photo', 'two.jpg', 70000, sha256Hex(files[1].buffer!)],
			],
		);
		assert.deepEqual(
			[...fake.uploads.values()].map((bytes) => bytes.length).sort((a, b) => a - b),
			[3000, 70000],
		);
		const names = fake.requests.map((r) => r.name);
		assert.deepEqual(
			names.filter((n) => n === 'messages.UploadMedia' || n === 'messages.SendMultiMedia'),
			['messages.UploadMedia', 'messages.UploadMedia', 'messages.SendMultiMedia'],
		);
	});

	test('sends a single document and a single scheduled photo through messages.sendMedia', async () => {
		const report = new CustomFile('report.pdf', 5000, '', Buffer.alloc(5000, 'r'));
		await withClient(fake, async (client) => {
			const sent = await client.sendFile('@alice_test', {
				file: report,
				caption: 'the report',
				forceDocument: true,
			});
			assert.equal(sent.id, 1);
			const later = await client.sendFile('@bob_test', {
				file: photo('pic.jpg', 'p', 1500),
				scheduleDate: inAnHour(),
			});
			assert.equal(later.id, 1);
		});
		assert.deepEqual(
			[
				fake.messages[0].text,
				fake.messages[0].media?.kind,
				fake.messages[0].media?.fileName,
				fake.messages[0].media?.mimeType,
				fake.messages[0].media?.size,
			],
			['the report', 'document', 'report.pdf', 'application/pdf', 5000],
		);
		assert.deepEqual(
			[fake.scheduled[0].peerKey, fake.scheduled[0].media?.kind],
			[fake.peerKey({ userId: fake.users[2].id }), 'photo'],
		);
		assert.deepEqual(
			fake.requests.map((r) => r.name).filter((n) => n.startsWith('messages.')),
			['messages.SendMedia', 'messages.SendMedia'],
		);
	});

	test('checks albums: by URL, at most 10 items, documents not mixed with photos, no raw uploads', async () => {
		const item = (i: number, kind: 'photo' | 'document' = 'photo') =>
			new Api.InputSingleMedia({
				media:
					kind === 'photo'
						? new Api.InputMediaPhotoExternal({ url: `https://example.test/p${i}.jpg` })
						: new Api.InputMediaDocumentExternal({ url: `https://example.test/d${i}.pdf` }),
				message: `item ${i}`,
				randomId: bigInt(1000 + i),
			});
		await withClient(fake, async (client) => {
			const eleven = Array.from({ length: 11 }, (_, i) => item(i));
			await assert.rejects(
				client.invoke(new Api.messages.SendMultiMedia({ peer: alicePeer(), multiMedia: eleven })),
				{ errorMessage: 'MULTI_MEDIA_TOO_LONG' },
			);
			await assert.rejects(
				client.invoke(
					new Api.messages.SendMultiMedia({
						peer: alicePeer(),
						multiMedia: [item(20), item(21, 'document')],
					}),
				),
				{ errorMessage: 'MEDIA_INVALID' },
			);
			// Raw uploads must go through messages.uploadMedia first.
			await client.invoke(
				new Api.upload.SaveFilePart({ fileId: bigInt(77), filePart: 0, bytes: Buffer.from('x') }),
			);
			const raw = new Api.InputSingleMedia({
				media: new Api.InputMediaUploadedPhoto({
					file: new Api.InputFile({ id: bigInt(77), parts: 1, name: 'x.jpg', md5Checksum: '' }),
				}),
				message: 'raw',
				randomId: bigInt(1040),
			});
			await assert.rejects(
				client.invoke(
					new Api.messages.SendMultiMedia({ peer: alicePeer(), multiMedia: [raw, item(41)] }),
				),
				{ errorMessage: 'MEDIA_INVALID' },
			);
			await client.invoke(
				new Api.messages.SendMultiMedia({ peer: alicePeer(), multiMedia: [item(30), item(31)] }),
			);
		});
		assert.deepEqual(
			fake.messages.map((m) => [m.text, m.media?.url]),
			[
				['item 30', 'https://example.test/p30.jpg'],
				['item 31', 'https://example.test/p31.jpg'],
			],
		);
	});

	test('says the length limits in help.getConfig / getAppConfig, and applies them per account, Premium included', async () => {
		const photoItem = (caption: string, id: number) =>
			new Api.InputSingleMedia({
				media: new Api.InputMediaPhotoExternal({ url: `https://example.test/${id}.jpg` }),
				message: caption,
				randomId: bigInt(id),
			});
		const sendAlbum = async (client: TelegramClient, caption: string, id: number) =>
			await client.invoke(
				new Api.messages.SendMultiMedia({
					peer: alicePeer(),
					multiMedia: [photoItem(caption, id), photoItem('', id + 1)],
				}),
			);
		fake.textLimits = { message: 20, captionDefault: 8, captionPremium: 16 };
		await withClient(fake, async (client) => {
			const config = await client.invoke(new Api.help.GetConfig());
			assert.deepEqual([config.messageLengthMax, config.captionLengthMax], [20, 8]);
			const app = await client.invoke(new Api.help.GetAppConfig({ hash: 0 }));
			assert.ok(app instanceof Api.help.AppConfig && app.config instanceof Api.JsonObject);
			assert.deepEqual(
				app.config.value.map((entry) => [entry.key, (entry.value as Api.JsonNumber).value]),
				[
					['caption_length_limit_default', 8],
					['caption_length_limit_premium', 16],
				],
			);
			assert.ok(
				(await client.invoke(new Api.help.GetAppConfig({ hash: app.hash }))) instanceof
					Api.help.AppConfigNotModified,
			);
			const [me] = await client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
			assert.equal((me as Api.User).premium, false);
			// Counted in UTF-16 code units: 10 emoji are 20.
			await client.invoke(
				new Api.messages.SendMessage({
					peer: alicePeer(),
					message: '🙂'.repeat(10),
					randomId: bigInt(1),
				}),
			);
			await assert.rejects(
				client.invoke(
					new Api.messages.SendMessage({
						peer: alicePeer(),
						message: 'x'.repeat(21),
						randomId: bigInt(2),
					}),
				),
				{ errorMessage: 'MESSAGE_TOO_LONG' },
			);
			await assert.rejects(sendAlbum(client, 'x'.repeat(9), 10), {
				errorMessage: 'MEDIA_CAPTION_TOO_LONG',
			});
			fake.me.premium = true;
			const [premium] = await client.invoke(
				new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }),
			);
			assert.equal((premium as Api.User).premium, true);
			await sendAlbum(client, 'x'.repeat(16), 20);
			await assert.rejects(sendAlbum(client, 'x'.repeat(17), 30), {
				errorMessage: 'MEDIA_CAPTION_TOO_LONG',
			});
		});
		assert.deepEqual(
			fake.messages.map((m) => m.text.length),
			[20, 16, 0],
		);
	});

	test('answers injected errors, flood waits and unknown methods like Telegram', async () => {
		await withClient(fake, async (client) => {
			fake.injectError('messages.SendMessage', { code: 400, message: 'PEER_ID_INVALID' });
			await assert.rejects(
				client.sendMessage('@alice_test', { message: 'x' }),
				(error: unknown) => {
					assert.ok(error instanceof errors.RPCError);
					assert.equal(error.errorMessage, 'PEER_ID_INVALID');
					assert.equal(error.code, 400);
					return true;
				},
			);
			fake.floodWaitNext('messages.SendMessage', 5);
			await assert.rejects(
				client.sendMessage('@alice_test', { message: 'x' }),
				(error: unknown) => {
					assert.ok(error instanceof errors.FloodWaitError);
					assert.equal(error.seconds, 5);
					return true;
				},
			);
			await client.sendMessage('@alice_test', { message: 'after the faults' });
			await assert.rejects(client.invoke(new Api.messages.GetDialogFilters()), {
				errorMessage: METHOD_NOT_IMPLEMENTED,
			});
			await assert.rejects(
				client.invoke(
					new Api.messages.SendMessage({
						peer: new Api.InputPeerUser({ userId: bigInt(999), accessHash: bigInt(1) }),
						message: 'x',
					}),
				),
				{
					errorMessage: 'PEER_ID_INVALID',
				},
			);
		});
		assert.deepEqual(
			fake.messages.map((m) => m.text),
			['after the faults'],
		);
		assert.deepEqual(
			fake.requests.filter((r) => r.error).map((r) => [r.name, r.error?.message]),
			[
				['messages.SendMessage', 'PEER_ID_INVALID'],
				['messages.SendMessage', 'FLOOD_WAIT_5'],
				['messages.GetDialogFilters', METHOD_NOT_IMPLEMENTED],
				['messages.SendMessage', 'PEER_ID_INVALID'],
			],
			'answered errors are recorded with the calls',
		);
	});

	test('survives a connection dropped before the call is applied', async () => {
		await withClient(fake, async (client) => {
			fake.dropConnectionNext('messages.SendMessage', 'before-apply');
			const sent = await client.sendMessage('@alice_test', { message: 'resent after reconnect' });
			assert.equal(sent.id, 1);
			assert.equal((await client.getMe()).className, 'User');
		});
		assert.deepEqual(
			fake.messages.map((m) => m.text),
			['resent after reconnect'],
		);
		assert.equal(fake.requests.filter((r) => r.name === 'messages.SendMessage').length, 2);
	});

	test('a connection dropped after the call is applied: sent once, the resend gets the original', async () => {
		await withClient(fake, async (client) => {
			fake.dropConnectionNext('messages.SendMessage', 'after-apply');
			const request = new Api.messages.SendMessage({
				peer: alicePeer(),
				message: 'sent, but no answer',
				randomId: bigInt(7),
				scheduleDate: inAnHour(),
			});
			const answer = await client.invoke(request);
			assert.ok(answer instanceof Api.Updates);
			assert.ok(
				answer.updates.some(
					(update) =>
						update instanceof Api.UpdateNewScheduledMessage &&
						(update.message as Api.Message).message === 'sent, but no answer',
				),
			);
			// Once the original left the scheduled queue, a repeat is refused by name.
			fake.scheduled.splice(0);
			await assert.rejects(
				client.invoke(
					new Api.messages.SendMessage({
						peer: alicePeer(),
						message: 'sent, but no answer',
						randomId: bigInt(7),
						scheduleDate: inAnHour(),
					}),
				),
				{ errorMessage: 'RANDOM_ID_DUPLICATE' },
			);
		});
		assert.deepEqual(fake.scheduled, []);
		assert.equal(fake.requests.filter((r) => r.name === 'messages.SendMessage').length, 3);
	});

	test('logs in from nothing: DH auth key, PHONE_MIGRATE followed, code, then a 2FA password checked by SRP', async () => {
		fake.setLoginCode('15550000000', '24680');
		fake.setPassword('correct horse');
		fake.migrateNext('auth.SendCode', 4);
		const session = new StringSession('');
		session.setDC(fake.dcId, fake.host, 443);
		const client = fakeClient(fake, { session: '' });
		(client as unknown as { session: StringSession }).session = session;
		const seenErrors: string[] = [];
		const passwords = ['wrong horse', 'correct horse'];
		try {
			await client.start({
				phoneNumber: async () => '+1 555 000 0000',
				phoneCode: async () => '24680',
				password: async () => passwords.shift() ?? '',
				onError: async (error) => {
					seenErrors.push((error as { errorMessage?: string }).errorMessage ?? error.message);
					return seenErrors.length > 3;
				},
			});
			assert.deepEqual(seenErrors, ['PASSWORD_HASH_INVALID']);
			assert.equal(client.session.dcId, 4, 'the client followed PHONE_MIGRATE_4');
			const me = (await client.getMe()) as Api.User;
			assert.equal(me.username, 'me_account');
			const saved = client.session.save() as unknown as string;
			assert.deepEqual(fake.sessionInfo(saved), { dcId: 4, userId: fake.me.id });
		} finally {
			await closeFakeClient(client);
		}
		const names = fake.requests.map((r) => r.name);
		assert.deepEqual(
			fake.requests.filter((r) => r.name === 'ReqPqMulti').map((r) => r.dcId),
			[2, 4],
			'one auth key made on DC 2, a new one on DC 4 after the migration',
		);
		assert.deepEqual(
			names.filter((n) => n.startsWith('auth.') || n === 'account.GetPassword'),
			[
				'auth.SendCode',
				'auth.SendCode',
				'auth.SignIn',
				'account.GetPassword',
				'auth.CheckPassword',
				'account.GetPassword',
				'auth.CheckPassword',
			],
		);
		assert.equal(fake.requests.find((r) => r.name === 'auth.SignIn')?.dcId, 4);
	});

	test('USER_MIGRATE on a logged-in session: gramjs switches DC and retries the call', async () => {
		await withClient(fake, async (client) => {
			fake.migrateNext('users.GetUsers', 4);
			assert.equal(((await client.getMe()) as Api.User).username, 'me_account');
			assert.equal(client.session.dcId, 4);
		});
		// gramjs keeps the StringSession's key across the switch (StringSession.load restores it);
		// the fake, serving every DC on one address, accepts it: see the README on DCs.
		const names = fake.requests.map((r) => r.name);
		assert.deepEqual(names.filter((n) => n === 'users.GetUsers').length, 2);
		assert.ok(!names.includes('ReqPqMulti'));
	});

	test('a session without login gets 401 until it signs in', async () => {
		const session = fake.createSession({ authorized: false });
		await withClient(
			fake,
			async (client) => {
				assert.equal(await client.checkAuthorization(), false);
				await assert.rejects(client.getMe(), { errorMessage: 'AUTH_KEY_UNREGISTERED' });
				await assert.rejects(
					client.sendCode({ apiId: fake.apiId, apiHash: 'not-the-hash' }, '15550001111'),
					{ errorMessage: 'API_ID_INVALID' },
				);
				const { phoneCodeHash } = await client.sendCode(
					{ apiId: fake.apiId, apiHash: fake.apiHash },
					'15550001111',
				);
				await assert.rejects(
					client.invoke(
						new Api.auth.SignIn({ phoneNumber: '15550001111', phoneCodeHash, phoneCode: '00000' }),
					),
					{ errorMessage: 'PHONE_CODE_INVALID' },
				);
				await client.invoke(
					new Api.auth.SignIn({ phoneNumber: '15550001111', phoneCodeHash, phoneCode: '12345' }),
				);
				assert.equal(((await client.getMe()) as Api.User).username, 'alice_test');
			},
			session,
		);
		assert.equal(fake.sessionInfo(session)?.userId, alice().id);
	});

	test('parses a Server Address for the fixed-address connection', () => {
		assert.deepEqual(parseServerAddress('127.0.0.1:4430'), { host: '127.0.0.1', port: 4430 });
		assert.deepEqual(parseServerAddress('[::1]:443'), { host: '::1', port: 443 });
		assert.throws(() => parseServerAddress('127.0.0.1'), /host:port/);
		assert.throws(() => parseServerAddress('host:70000'), /host:port/);
	});

	test('refuses an unknown api_id at initConnection', async () => {
		const client = fakeClient(fake);
		(client as unknown as { _initRequest: Api.InitConnection })._initRequest.apiId = 1;
		try {
			await assert.rejects(client.connect(), { errorMessage: 'API_ID_INVALID' });
		} finally {
			await closeFakeClient(client);
		}
	});

	test('a child process preloading trust-fake-rsa.cjs makes an auth key by DH and logs in', async () => {
		// What a login CLI test does: the CLI knows nothing of the fake but the address and its key.
		const cli = `
			const { TelegramClient } = require('telegram');
			const { StringSession } = require('telegram/sessions');
			const { ConnectionTCPFull } = require('telegram/network');
			const { Logger } = require('telegram/extensions');
			class FakeAddress extends ConnectionTCPFull {
				constructor(params) { super({ ...params, ip: process.env.FAKE_HOST, port: Number(process.env.FAKE_PORT) }); }
			}
			(async () => {
				const client = new TelegramClient(new StringSession(''), Number(process.env.FAKE_API_ID), process.env.FAKE_API_HASH, {
					connection: FakeAddress, connectionRetries: 1, baseLogger: new Logger('none'),
				});
				await client.start({ phoneNumber: '+15550000000', phoneCode: async () => '12345', onError: async () => true });
				process.stdout.write(client.session.save());
				await client.destroy();
			})().catch((error) => { console.error(error); process.exit(1); });`;
		const env = {
			...process.env,
			...fake.rsaTrustEnv(),
			FAKE_HOST: fake.host,
			FAKE_PORT: String(fake.port),
			FAKE_API_ID: String(fake.apiId),
			FAKE_API_HASH: fake.apiHash,
		};
		const { stdout } = await promisify(execFile)(
			process.execPath,
			['--require', TRUST_FAKE_RSA_PRELOAD, '-e', cli],
			{ env },
		);
		assert.match(stdout, /^1[A-Za-z0-9+/=]+$/);
		assert.equal(fake.sessionInfo(stdout)?.userId, fake.me.id);
		assert.deepEqual(fake.requests.map((r) => r.name).slice(0, 3), [
			'ReqPqMulti',
			'ReqDHParams',
			'SetClientDHParams',
		]);
	});

	test('pushes updates to connected clients, and delivers due scheduled messages by its clock', async () => {
		let clockMs = Date.UTC(2026, 0, 1, 12);
		const timed = await TelegramFake.start({ now: () => clockMs });
		try {
			await withClient(timed, async (client) => {
				const received: Api.TypeUpdate[] = [];
				client.addEventHandler((update: Api.TypeUpdate) => {
					received.push(update);
				});
				const incoming = new Api.Message({
					id: 77,
					peerId: new Api.PeerUser({ userId: bigInt(timed.users[1].id.toString()) }),
					fromId: new Api.PeerUser({ userId: bigInt(timed.users[1].id.toString()) }),
					date: timed.nowSeconds(),
					message: 'pushed by the test',
				});
				timed.pushUpdate(new Api.UpdateNewMessage({ message: incoming, pts: 1, ptsCount: 1 }));
				await client.sendMessage('@alice_test', {
					message: 'later',
					schedule: timed.nowSeconds() + HOUR,
				});
				clockMs += 2 * HOUR * 1000;
				assert.deepEqual(
					timed.deliverDueScheduled().map((m) => m.text),
					['later'],
				);
				// A round trip after both pushes: they were written before its answer.
				await client.getMe();
				const texts = received
					.filter((u): u is Api.UpdateNewMessage => u instanceof Api.UpdateNewMessage)
					.map((u) => (u.message as Api.Message).message);
				assert.deepEqual(texts, ['pushed by the test', 'later']);
				assert.ok(received.some((u) => u instanceof Api.UpdateDeleteScheduledMessages));
			});
		} finally {
			await timed.stop();
		}
		assert.deepEqual(
			timed.messages.map((m) => [m.text, m.fromScheduled, m.date]),
			[['later', true, Date.UTC(2026, 0, 1, 14) / 1000]],
		);
	});

	test('a silenced connection takes requests and answers nothing; a refusing fake accepts no connection', async () => {
		await withClient(fake, async (client) => {
			await client.getMe();
			assert.equal(fake.silenceConnections(), 1);
			const ping = new Api.PingDelayDisconnect({ pingId: bigInt(7), disconnectDelay: 75 });
			const outcome = await Promise.race([
				client.invoke(ping).then(() => 'answered'),
				new Promise((resolve) => setTimeout(() => resolve('silent'), 300)),
			]);
			assert.equal(outcome, 'silent');
			// A new connection is served as usual.
			await withClient(fake, async (other) => assert.ok(await other.getMe()));
		});
		fake.refuseConnections();
		try {
			await assert.rejects(
				new Promise<void>((resolve, reject) => {
					const socket = net.connect(fake.port, fake.host, () => {
						socket.destroy();
						resolve();
					});
					socket.on('error', reject);
				}),
				/ECONNREFUSED/,
			);
		} finally {
			await fake.acceptConnections();
		}
		const accepted = fake.acceptedConnections;
		await withClient(fake, async (client) => assert.ok(await client.getMe()));
		assert.ok(fake.acceptedConnections > accepted);
	});
});
