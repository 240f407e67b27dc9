import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDiffieHellman, createHash, randomBytes } from 'node:crypto';
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { Raw } from 'telegram/events';
import { bigintFromBytes, bytesFromBigint, modPow, randomBigint } from './numbers';
import { TelegramFake, type FakeEncryptedChat } from './server';
import { closeFakeClient, connectedFakeClient } from './testClient';

/**
 * Secret chats through the fake's relay with a real gramjs client as the node's account and the
 * test playing the other account (alice). The DH values are real (g^a mod p on the served p), so
 * both sides derive the same key; the encrypted bytes are opaque to the relay and only compared.
 */

type UpdateClass<T> = { prototype: T; new (...args: never[]): T };

/** Resolves with the first update of this class (matching `wanted`) the client dispatches. */
function nextUpdate<T>(
	client: TelegramClient,
	type: UpdateClass<T>,
	wanted: (update: T) => boolean = () => true,
): Promise<T> {
	return new Promise((resolve) => {
		const event = new Raw({ types: [type] });
		const handler = (update: T) => {
			if (!wanted(update)) return;
			client.removeEventHandler(handler, event);
			resolve(update);
		};
		client.addEventHandler(handler, event);
	});
}

interface DhSide {
	exponent: bigint;
	publicValue: Buffer;
}

function dhSide(p: Buffer, g: number): DhSide {
	const exponent = randomBigint(256);
	return {
		exponent,
		publicValue: bytesFromBigint(modPow(BigInt(g), exponent, bigintFromBytes(p)), 256),
	};
}

function sharedKey(p: Buffer, mine: DhSide, theirs: Buffer): Buffer {
	return bytesFromBigint(modPow(bigintFromBytes(theirs), mine.exponent, bigintFromBytes(p)), 256);
}

/** The low 64 bits of SHA1(key), as a signed little-endian long. */
function fingerprintOf(key: Buffer): bigint {
	return createHash('sha1').update(key).digest().subarray(12).readBigInt64LE(0);
}

/** Bytes shaped like a sealed payload: fingerprint + msg_key + whole AES blocks. */
function sealedLike(blocks: number): Buffer {
	return randomBytes(24 + 16 * blocks);
}

const long = (value: bigint) => bigInt(value.toString());

describe('Telegram fake: secret chats (gramjs client)', () => {
	let fake: TelegramFake;
	let client: TelegramClient;
	const alice = () => fake.users.find((u) => u.username === 'alice_test')!;
	const bob = () => fake.users.find((u) => u.username === 'bob_test')!;
	const aliceInput = () =>
		new Api.InputUser({ userId: long(alice().id), accessHash: long(alice().accessHash) });
	const inputChat = (chat: FakeEncryptedChat, accessHash = chat.accessHash) =>
		new Api.InputEncryptedChat({ chatId: chat.id, accessHash: long(accessHash) });

	/** The node's account asks alice for a chat; the test, as alice, accepts. */
	async function chatStartedByMe(): Promise<{ chat: FakeEncryptedChat; key: Buffer }> {
		const { p, g } = fake.dhConfig;
		const mine = dhSide(p, g);
		await client.invoke(
			new Api.messages.RequestEncryption({
				userId: aliceInput(),
				randomId: 1 + fake.encryptedChats.length,
				gA: mine.publicValue,
			}),
		);
		const chat = await fake.nextEncryptionRequest(alice().id);
		const hers = dhSide(p, g);
		const key = sharedKey(p, hers, chat.gA);
		const accepted = nextUpdate(
			client,
			Api.UpdateEncryption,
			(u) => u.chat instanceof Api.EncryptedChat && u.chat.id === chat.id,
		);
		fake.acceptEncryptionAs(alice().id, chat.id, hers.publicValue, fingerprintOf(key));
		await accepted;
		return { chat, key: sharedKey(p, mine, hers.publicValue) };
	}

	before(async () => {
		fake = await TelegramFake.start();
	});
	after(async () => {
		if (client) await closeFakeClient(client);
		await fake?.stop();
	});
	beforeEach(async () => {
		fake.reset();
		if (client) await closeFakeClient(client);
		client = await connectedFakeClient(fake);
	});

	test('serves the DH config: Telegram\'s safe 2048-bit prime with g = 3, "not modified" for its version, fresh random bytes', async () => {
		const config = await client.invoke(
			new Api.messages.GetDhConfig({ version: 0, randomLength: 256 }),
		);
		assert.ok(config instanceof Api.messages.DhConfig);
		assert.equal(config.g, 3);
		assert.equal(config.p.length, 256);
		assert.equal(config.p.subarray(0, 8).toString('hex'), 'c71caeb9c6b1c904');
		assert.equal(
			createDiffieHellman(config.p, config.g).verifyError,
			0,
			'OpenSSL finds p a safe prime',
		);
		assert.equal(config.random.length, 256);
		const again = await client.invoke(
			new Api.messages.GetDhConfig({ version: config.version, randomLength: 16 }),
		);
		assert.ok(again instanceof Api.messages.DhConfigNotModified);
		assert.equal(again.random.length, 16);
		assert.notDeepEqual(again.random, config.random.subarray(0, 16));
		await assert.rejects(
			client.invoke(new Api.messages.GetDhConfig({ version: 0, randomLength: 100000 })),
			{ errorMessage: 'RANDOM_LENGTH_INVALID' },
		);

		fake.dhConfig = { ...fake.dhConfig, g: 2, version: 7 };
		const changed = await client.invoke(
			new Api.messages.GetDhConfig({ version: config.version, randomLength: 0 }),
		);
		assert.ok(changed instanceof Api.messages.DhConfig);
		assert.deepEqual([changed.g, changed.version], [2, 7]);
	});

	test('relays a chat the node starts: request, acceptance with g_b, then encrypted bytes both ways with qts', async () => {
		const { p, g } = fake.dhConfig;
		const mine = dhSide(p, g);
		const waiting = await client.invoke(
			new Api.messages.RequestEncryption({
				userId: aliceInput(),
				randomId: 7,
				gA: mine.publicValue,
			}),
		);
		assert.ok(waiting instanceof Api.EncryptedChatWaiting);
		assert.equal(waiting.participantId.toString(), alice().id.toString());

		const request = await fake.nextEncryptionRequest(alice().id);
		assert.equal(request.id, waiting.id);
		assert.deepEqual(request.gA, mine.publicValue);
		assert.equal(request.adminId, fake.me.id);
		assert.equal(request.status, 'requested');

		const hers = dhSide(p, g);
		const herKey = sharedKey(p, hers, request.gA);
		const accepted = nextUpdate(client, Api.UpdateEncryption);
		fake.acceptEncryptionAs(alice().id, request.id, hers.publicValue, fingerprintOf(herKey));
		const update = await accepted;
		assert.ok(update.chat instanceof Api.EncryptedChat);
		assert.deepEqual(update.chat.gAOrB, hers.publicValue, 'the admin gets g_b');
		const myKey = sharedKey(p, mine, update.chat.gAOrB);
		assert.deepEqual(myKey, herKey);
		assert.equal(update.chat.keyFingerprint.toString(), fingerprintOf(myKey).toString());
		// Both accounts travel in the update's `users`, so gramjs can resolve admin_id / participant_id.
		const entities = (update as unknown as { _entities: Map<string, unknown> })._entities;
		assert.ok(entities.has(alice().id.toString()) && entities.has(fake.me.id.toString()));

		const out = sealedLike(3);
		const sent = await client.invoke(
			new Api.messages.SendEncrypted({
				peer: inputChat(request),
				randomId: bigInt(99),
				data: out,
				silent: true,
			}),
		);
		assert.ok(sent instanceof Api.messages.SentEncryptedMessage);
		const relayed = await fake.nextEncryptedMessage(alice().id, request.id);
		assert.deepEqual(relayed.bytes, out);
		assert.deepEqual(
			[relayed.randomId, relayed.service, relayed.silent, relayed.fromId, relayed.date],
			[99n, false, true, fake.me.id, sent.date],
		);

		const incoming = nextUpdate(
			client,
			Api.UpdateNewEncryptedMessage,
			(u) => u.message instanceof Api.EncryptedMessage,
		);
		const inData = sealedLike(2);
		fake.sendEncryptedAs(alice().id, request.id, inData, { randomId: 5n });
		const message = await incoming;
		assert.ok(message.message instanceof Api.EncryptedMessage);
		assert.deepEqual(message.message.bytes, inData);
		assert.deepEqual(
			[message.message.chatId, String(message.message.randomId), message.qts],
			[request.id, '5', 1],
		);
		assert.ok(message.message.file instanceof Api.EncryptedFileEmpty);

		const incomingService = nextUpdate(
			client,
			Api.UpdateNewEncryptedMessage,
			(u) => u.message instanceof Api.EncryptedMessageService,
		);
		const serviceData = sealedLike(1);
		fake.sendEncryptedAs(alice().id, request.id, serviceData, { service: true });
		const service = await incomingService;
		assert.deepEqual(service.message.bytes, serviceData);
		assert.equal(service.qts, 2, "qts counts the account's incoming encrypted messages");
		assert.equal(fake.qtsOf(fake.me.id), 2);
		assert.equal(fake.qtsOf(alice().id), 1);

		assert.deepEqual(
			fake.encryptedChats[0].messages.map((m) => [m.fromId, m.toId, m.service]),
			[
				[fake.me.id, alice().id, false],
				[alice().id, fake.me.id, false],
				[alice().id, fake.me.id, true],
			],
		);
	});

	test('relays a chat the other account starts: encryptedChatRequested, acceptEncryption, then a discard', async () => {
		const { p, g } = fake.dhConfig;
		const hers = dhSide(p, g);
		const requested = nextUpdate(client, Api.UpdateEncryption);
		const chat = fake.requestEncryptionAs(alice().id, fake.me.id, hers.publicValue);
		const update = await requested;
		assert.ok(update.chat instanceof Api.EncryptedChatRequested);
		assert.deepEqual(update.chat.gA, hers.publicValue);
		assert.equal(update.chat.adminId.toString(), alice().id.toString());
		assert.equal(update.chat.accessHash.toString(), chat.accessHash.toString());

		const mine = dhSide(p, g);
		const key = sharedKey(p, mine, update.chat.gA);
		const answer = await client.invoke(
			new Api.messages.AcceptEncryption({
				peer: new Api.InputEncryptedChat({
					chatId: update.chat.id,
					accessHash: update.chat.accessHash,
				}),
				gB: mine.publicValue,
				keyFingerprint: long(fingerprintOf(key)),
			}),
		);
		assert.ok(answer instanceof Api.EncryptedChat);
		assert.deepEqual(answer.gAOrB, hers.publicValue, 'the participant gets g_a back');
		assert.deepEqual(sharedKey(p, hers, chat.gB!), key);
		assert.equal(chat.status, 'accepted');
		assert.equal(chat.keyFingerprint, fingerprintOf(key));

		const data = sealedLike(4);
		await client.invoke(
			new Api.messages.SendEncryptedService({ peer: inputChat(chat), randomId: bigInt(3), data }),
		);
		const relayed = await fake.nextEncryptedMessage(alice().id, chat.id);
		assert.deepEqual([relayed.service, relayed.bytes], [true, data]);

		const discarded = nextUpdate(
			client,
			Api.UpdateEncryption,
			(u) => u.chat instanceof Api.EncryptedChatDiscarded,
		);
		fake.discardEncryptionAs(alice().id, chat.id, { deleteHistory: true });
		const gone = await discarded;
		assert.ok(gone.chat instanceof Api.EncryptedChatDiscarded);
		assert.deepEqual([gone.chat.id, gone.chat.historyDeleted], [chat.id, true]);
		await assert.rejects(
			client.invoke(
				new Api.messages.SendEncrypted({ peer: inputChat(chat), randomId: bigInt(4), data }),
			),
			{ errorMessage: 'ENCRYPTION_DECLINED' },
		);
	});

	test('requestEncryption errors: g_a length, oneself, a wrong access hash, a bot, a repeated random_id', async () => {
		const gA = dhSide(fake.dhConfig.p, fake.dhConfig.g).publicValue;
		const request = (userId: Api.TypeInputUser, value: Buffer, randomId: number) =>
			client.invoke(new Api.messages.RequestEncryption({ userId, randomId, gA: value }));
		await assert.rejects(request(aliceInput(), gA.subarray(1), 1), {
			errorMessage: 'DH_G_A_INVALID',
		});
		await assert.rejects(request(aliceInput(), Buffer.concat([gA, Buffer.alloc(1)]), 2), {
			errorMessage: 'DH_G_A_INVALID',
		});
		await assert.rejects(request(new Api.InputUserSelf(), gA, 3), {
			errorMessage: 'USER_ID_INVALID',
		});
		await assert.rejects(
			request(
				new Api.InputUser({ userId: long(alice().id), accessHash: long(alice().accessHash + 1n) }),
				gA,
				4,
			),
			{ errorMessage: 'USER_ID_INVALID' },
		);
		bob().bot = true;
		await assert.rejects(
			request(
				new Api.InputUser({ userId: long(bob().id), accessHash: long(bob().accessHash) }),
				gA,
				5,
			),
			{ errorMessage: 'USER_ID_INVALID' },
		);
		await request(aliceInput(), gA, 6);
		await assert.rejects(request(aliceInput(), gA, 6), { errorMessage: 'RANDOM_ID_DUPLICATE' });
		assert.equal(fake.encryptedChats.length, 1);
		assert.throws(
			() => fake.requestEncryptionAs(alice().id, fake.me.id, gA.subarray(2)),
			/DH_G_A_INVALID/,
		);
	});

	test('acceptEncryption errors: unknown chat, wrong access hash, not the invited side, g_b length, accepted or declined already', async () => {
		const { p, g } = fake.dhConfig;
		const gB = dhSide(p, g).publicValue;
		const accept = (peer: Api.InputEncryptedChat, value = gB) =>
			client.invoke(
				new Api.messages.AcceptEncryption({ peer, gB: value, keyFingerprint: bigInt(1) }),
			);
		const incoming = fake.requestEncryptionAs(alice().id, fake.me.id, dhSide(p, g).publicValue);
		await assert.rejects(
			accept(
				new Api.InputEncryptedChat({
					chatId: incoming.id + 1,
					accessHash: long(incoming.accessHash),
				}),
			),
			{ errorMessage: 'CHAT_ID_INVALID' },
		);
		await assert.rejects(accept(inputChat(incoming, incoming.accessHash ^ 1n)), {
			errorMessage: 'CHAT_ID_INVALID',
		});
		await assert.rejects(accept(inputChat(incoming), gB.subarray(0, 128)), {
			errorMessage: 'DH_G_B_INVALID',
		});
		assert.equal(incoming.status, 'requested', 'nothing applied');
		await accept(inputChat(incoming));
		await assert.rejects(accept(inputChat(incoming)), {
			errorMessage: 'ENCRYPTION_ALREADY_ACCEPTED',
		});

		const { chat: mine } = await chatStartedByMe();
		// The requesting side may not accept its own request (nor can it twice).
		await assert.rejects(accept(inputChat(mine)), { errorMessage: 'CHAT_ID_INVALID' });
		assert.throws(
			() => fake.acceptEncryptionAs(alice().id, mine.id, gB, 1n),
			/ENCRYPTION_ALREADY_ACCEPTED/,
		);

		const declined = fake.requestEncryptionAs(alice().id, fake.me.id, dhSide(p, g).publicValue);
		await client.invoke(new Api.messages.DiscardEncryption({ chatId: declined.id }));
		await assert.rejects(accept(inputChat(declined)), {
			errorMessage: 'ENCRYPTION_ALREADY_DECLINED',
		});

		// A chat between two other accounts is not this account's to touch.
		const others = fake.requestEncryptionAs(alice().id, bob().id, dhSide(p, g).publicValue);
		await assert.rejects(accept(inputChat(others)), { errorMessage: 'CHAT_ID_INVALID' });
	});

	test('sendEncrypted errors: not accepted yet, data not whole blocks or too short, repeated random_id, wrong access hash, discarded', async () => {
		const { p, g } = fake.dhConfig;
		await client.invoke(
			new Api.messages.RequestEncryption({
				userId: aliceInput(),
				randomId: 11,
				gA: dhSide(p, g).publicValue,
			}),
		);
		const pending = await fake.nextEncryptionRequest(alice().id);
		const send = (chat: FakeEncryptedChat, data: Buffer, randomId: number, accessHash?: bigint) =>
			client.invoke(
				new Api.messages.SendEncrypted({
					peer: inputChat(chat, accessHash),
					randomId: bigInt(randomId),
					data,
				}),
			);
		await assert.rejects(send(pending, sealedLike(1), 1), { errorMessage: 'CHAT_ID_INVALID' });

		const { chat } = await chatStartedByMe();
		await assert.rejects(send(chat, randomBytes(41), 1), { errorMessage: 'DATA_INVALID' });
		await assert.rejects(send(chat, randomBytes(48), 1), { errorMessage: 'DATA_INVALID' });
		await assert.rejects(send(chat, randomBytes(24), 1), { errorMessage: 'DATA_INVALID' });
		const first = sealedLike(1);
		await send(chat, first, 1);
		await assert.rejects(send(chat, first, 1), { errorMessage: 'RANDOM_ID_DUPLICATE' });
		await assert.rejects(
			client.invoke(
				new Api.messages.SendEncryptedService({
					peer: inputChat(chat),
					randomId: bigInt(1),
					data: first,
				}),
			),
			{ errorMessage: 'RANDOM_ID_DUPLICATE' },
			'the same request again (per sender and chat, services included) is not delivered twice',
		);
		// Sealed again (an answer to decryptedMessageActionResend), the same random_id arrives.
		const resent = sealedLike(1);
		await send(chat, resent, 1);
		const copy = chat.messages[chat.messages.length - 1];
		assert.deepEqual([copy.randomId, copy.bytes], [1n, resent]);
		await assert.rejects(send(chat, sealedLike(1), 2, chat.accessHash + 1n), {
			errorMessage: 'CHAT_ID_INVALID',
		});
		// The other side may use the same random_id: it is the sender's.
		fake.sendEncryptedAs(alice().id, chat.id, sealedLike(1), { randomId: 1n });
		assert.throws(() => fake.sendEncryptedAs(alice().id, chat.id, randomBytes(30)), /DATA_INVALID/);
		assert.equal(chat.messages.length, 3);

		await client.invoke(new Api.messages.DiscardEncryption({ chatId: chat.id }));
		assert.equal(chat.status, 'discarded');
		await assert.rejects(send(chat, sealedLike(1), 3), { errorMessage: 'ENCRYPTION_DECLINED' });
		assert.throws(
			() => fake.sendEncryptedAs(alice().id, chat.id, sealedLike(1)),
			/ENCRYPTION_DECLINED/,
		);
	});

	test('discardEncryption: tells the other side, refuses a second discard and unknown chats', async () => {
		const { chat } = await chatStartedByMe();
		const bytes = sealedLike(1);
		assert.equal(
			await client.invoke(
				new Api.messages.DiscardEncryption({ chatId: chat.id, deleteHistory: true }),
			),
			true,
		);
		assert.deepEqual([chat.status, chat.historyDeleted], ['discarded', true]);
		await assert.rejects(client.invoke(new Api.messages.DiscardEncryption({ chatId: chat.id })), {
			errorMessage: 'ENCRYPTION_ALREADY_DECLINED',
		});
		await assert.rejects(client.invoke(new Api.messages.DiscardEncryption({ chatId: 424242 })), {
			errorMessage: 'CHAT_ID_INVALID',
		});
		await assert.rejects(client.invoke(new Api.messages.DiscardEncryption({ chatId: 0 })), {
			errorMessage: 'CHAT_ID_EMPTY',
		});
		assert.throws(
			() => fake.discardEncryptionAs(alice().id, chat.id),
			/ENCRYPTION_ALREADY_DECLINED/,
		);
		assert.throws(() => fake.sendEncryptedAs(alice().id, chat.id, bytes), /ENCRYPTION_DECLINED/);

		// Declining a request before it is accepted reaches the requester as encryptedChatDiscarded.
		const { p, g } = fake.dhConfig;
		await client.invoke(
			new Api.messages.RequestEncryption({
				userId: aliceInput(),
				randomId: 21,
				gA: dhSide(p, g).publicValue,
			}),
		);
		const asked = await fake.nextEncryptionRequest(alice().id);
		const declined = nextUpdate(
			client,
			Api.UpdateEncryption,
			(u) => u.chat instanceof Api.EncryptedChatDiscarded,
		);
		fake.discardEncryptionAs(alice().id, asked.id);
		assert.equal((await declined).chat.id, asked.id);
		assert.equal(asked.historyDeleted, undefined);
	});

	test('readEncryptedHistory, setEncryptedTyping and receivedQueue', async () => {
		const { chat } = await chatStartedByMe();
		const incoming = nextUpdate(client, Api.UpdateNewEncryptedMessage);
		const message = fake.sendEncryptedAs(alice().id, chat.id, sealedLike(1));
		assert.equal((await incoming).qts, 1);
		assert.equal(
			await client.invoke(
				new Api.messages.ReadEncryptedHistory({ peer: inputChat(chat), maxDate: message.date }),
			),
			true,
		);
		assert.equal(chat.readMaxDate.get(fake.me.id), message.date);
		assert.equal(
			await client.invoke(
				new Api.messages.SetEncryptedTyping({ peer: inputChat(chat), typing: true }),
			),
			true,
		);
		await assert.rejects(
			client.invoke(
				new Api.messages.ReadEncryptedHistory({ peer: inputChat(chat, 1n), maxDate: 0 }),
			),
			{ errorMessage: 'CHAT_ID_INVALID' },
		);

		assert.deepEqual(await client.invoke(new Api.messages.ReceivedQueue({ maxQts: 1 })), []);
		await assert.rejects(client.invoke(new Api.messages.ReceivedQueue({ maxQts: 2 })), {
			errorMessage: 'MAX_QTS_INVALID',
		});
	});

	test("two real clients: each account gets the other one's request, acceptance, messages and discard", async () => {
		// createSession() logs in as `me`: make alice `me` for one session.
		const owner = fake.me;
		fake.me = alice();
		const aliceSession = fake.createSession();
		fake.me = owner;
		const aliceClient = await connectedFakeClient(fake, { session: aliceSession });
		try {
			await aliceClient.getMe();
			const { p, g } = fake.dhConfig;
			const mine = dhSide(p, g);
			const requested = nextUpdate(aliceClient, Api.UpdateEncryption);
			const waiting = await client.invoke(
				new Api.messages.RequestEncryption({
					userId: aliceInput(),
					randomId: 1,
					gA: mine.publicValue,
				}),
			);
			const request = (await requested).chat;
			assert.ok(request instanceof Api.EncryptedChatRequested);
			assert.equal(request.id, waiting.id);

			const hers = dhSide(p, g);
			const key = sharedKey(p, hers, request.gA);
			const accepted = nextUpdate(client, Api.UpdateEncryption);
			const peerOfAlice = new Api.InputEncryptedChat({
				chatId: request.id,
				accessHash: request.accessHash,
			});
			await aliceClient.invoke(
				new Api.messages.AcceptEncryption({
					peer: peerOfAlice,
					gB: hers.publicValue,
					keyFingerprint: long(fingerprintOf(key)),
				}),
			);
			const chat = (await accepted).chat;
			assert.ok(chat instanceof Api.EncryptedChat);
			assert.deepEqual(sharedKey(p, mine, chat.gAOrB), key);

			const toAlice = nextUpdate(aliceClient, Api.UpdateNewEncryptedMessage);
			const data = sealedLike(2);
			await client.invoke(
				new Api.messages.SendEncrypted({
					peer: new Api.InputEncryptedChat({ chatId: chat.id, accessHash: chat.accessHash }),
					randomId: bigInt(8),
					data,
				}),
			);
			const received = await toAlice;
			assert.deepEqual([received.message.bytes, received.qts], [data, 1]);

			const toMe = nextUpdate(client, Api.UpdateNewEncryptedMessage);
			const reply = sealedLike(1);
			await aliceClient.invoke(
				new Api.messages.SendEncrypted({ peer: peerOfAlice, randomId: bigInt(8), data: reply }),
			);
			assert.deepEqual((await toMe).message.bytes, reply);

			const closed = nextUpdate(
				aliceClient,
				Api.UpdateEncryption,
				(u) => u.chat instanceof Api.EncryptedChatDiscarded,
			);
			await client.invoke(new Api.messages.DiscardEncryption({ chatId: chat.id }));
			assert.equal((await closed).chat.id, chat.id);
		} finally {
			await closeFakeClient(aliceClient);
		}
	});

	test('reset() forgets secret chats, qts and the DH config, and fails waits still pending', async () => {
		const { chat } = await chatStartedByMe();
		fake.sendEncryptedAs(alice().id, chat.id, sealedLike(1));
		fake.dhConfig = { ...fake.dhConfig, version: 9 };
		const never = fake.nextEncryptedMessage(alice().id, chat.id);
		const noRequest = fake.nextEncryptionRequest(bob().id);
		fake.reset();
		await assert.rejects(never, /reset/);
		await assert.rejects(noRequest, /reset/);
		assert.deepEqual(fake.encryptedChats, []);
		assert.equal(fake.qtsOf(fake.me.id), 0);
		assert.equal(fake.dhConfig.version, 1);
		await assert.rejects(client.invoke(new Api.messages.DiscardEncryption({ chatId: chat.id })), {
			errorMessage: 'CHAT_ID_INVALID',
		});
	});

	test('sendEncryptedFile: the uploaded parts become an encryptedFile on both sides, served by upload.getFile to the chat only; what Telegram refuses is refused', async () => {
		const { chat } = await chatStartedByMe();
		const upload = async (fileId: number, bytes: Buffer, parts = [0]) => {
			for (const part of parts)
				await client.invoke(
					new Api.upload.SaveFilePart({
						fileId: bigInt(fileId),
						filePart: part,
						bytes: bytes.subarray(part * 1024, (part + 1) * 1024),
					}),
				);
		};
		const sendFile = (fileId: number, parts: number, keyFingerprint: number, md5Checksum = '') =>
			client.invoke(
				new Api.messages.SendEncryptedFile({
					peer: inputChat(chat),
					randomId: bigInt(randomBytes(4).readUInt32LE(0) + 1),
					data: sealedLike(2),
					file: new Api.InputEncryptedFileUploaded({
						id: bigInt(fileId),
						parts,
						md5Checksum,
						keyFingerprint,
					}),
				}),
			);
		const encrypted = randomBytes(2048);
		await upload(1, encrypted, [0, 1]);
		const sent = await sendFile(1, 2, -12345, createHash('md5').update(encrypted).digest('hex'));
		assert.ok(sent instanceof Api.messages.SentEncryptedFile);
		assert.ok(sent.file instanceof Api.EncryptedFile);
		assert.deepEqual([Number(sent.file.size), sent.file.keyFingerprint], [2048, -12345]);
		const relayed = await fake.nextEncryptedMessage(alice().id, chat.id);
		assert.deepEqual(relayed.file?.bytes, encrypted);
		const location = new Api.InputEncryptedFileLocation({
			id: sent.file.id,
			accessHash: sent.file.accessHash,
		});
		const part = await client.invoke(
			new Api.upload.GetFile({ location, offset: bigInt(1024), limit: 1024, precise: true }),
		);
		assert.ok(part instanceof Api.upload.File);
		assert.deepEqual(part.bytes, encrypted.subarray(1024));
		await assert.rejects(
			client.invoke(
				new Api.upload.GetFile({
					location: new Api.InputEncryptedFileLocation({
						id: sent.file.id,
						accessHash: sent.file.accessHash.add(1),
					}),
					offset: bigInt(0),
					limit: 4096,
				}),
			),
			{ errorMessage: 'FILE_ID_INVALID' },
		);

		await upload(2, encrypted, [0]);
		await assert.rejects(sendFile(2, 2, 1), { errorMessage: 'FILE_PART_1_MISSING' });
		await assert.rejects(sendFile(2, 1, 1, 'not the md5'), {
			errorMessage: 'MD5_CHECKSUM_INVALID',
		});
		await upload(3, randomBytes(1000), [0]);
		await assert.rejects(sendFile(3, 1, 1), { errorMessage: 'FILE_PARTS_INVALID' });
		await assert.rejects(
			client.invoke(
				new Api.messages.SendEncryptedFile({
					peer: inputChat(chat),
					randomId: bigInt(4242),
					data: sealedLike(2),
					file: new Api.InputEncryptedFileEmpty(),
				}),
			),
			{ errorMessage: 'FILE_EMTPY' },
		);
		// Parts of unequal size, or of a size that does not divide 512 KB.
		await client.invoke(
			new Api.upload.SaveFilePart({ fileId: bigInt(5), filePart: 0, bytes: randomBytes(1024) }),
		);
		await client.invoke(
			new Api.upload.SaveFilePart({ fileId: bigInt(5), filePart: 1, bytes: randomBytes(2048) }),
		);
		await assert.rejects(sendFile(5, 2, 1), { errorMessage: 'FILE_PART_SIZE_INVALID' });
		// A big upload announced 3 parts but names 2.
		for (const part of [0, 1])
			await client.invoke(
				new Api.upload.SaveBigFilePart({
					fileId: bigInt(6),
					filePart: part,
					fileTotalParts: 3,
					bytes: randomBytes(1024),
				}),
			);
		await assert.rejects(
			client.invoke(
				new Api.messages.SendEncryptedFile({
					peer: inputChat(chat),
					randomId: bigInt(4343),
					data: sealedLike(2),
					file: new Api.InputEncryptedFileBigUploaded({
						id: bigInt(6),
						parts: 2,
						keyFingerprint: 1,
					}),
				}),
			),
			{ errorMessage: 'FILE_PARTS_INVALID' },
		);
		// Only the one file went through.
		assert.equal(chat.messages.filter((m) => m.file).length, 1);
	});
});
