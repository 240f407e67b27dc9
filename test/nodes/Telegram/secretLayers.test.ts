import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import type { PeerEntity, PythonPeer } from '../../fakes/secretPeer/pythonPeer';
import type { Emitted } from '../../harness/triggerEvents';
import { ALICE, skip, useSecretChatPeer } from './fixtures/secretChatPeer';

/** One of every formatting kind, in the order gramjs's HTML parser makes them. */
const EVERY_KIND_HTML =
	'<b>b</b> <i>i</i> <code>c</code> <pre>p</pre> <a href="https://example.com">l</a> ' +
	'<u>u</u> <s>s</s> <blockquote>q</blockquote> ' +
	'<spoiler>sp</spoiler> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>';
const EVERY_KIND = [
	['bold', 46],
	['italic', 46],
	['code', 46],
	['pre', 46],
	['textUrl', 46],
	['underline', 101],
	['strike', 101],
	['blockquote', 101],
	['spoiler', 144],
	['customEmoji', 144],
] as const;

/** What the peer sends: every entity kind of layers 46..144, with their extra fields. */
const PEER_ENTITIES: PeerEntity[] = [
	{ type: 'unknown', offset: 0, length: 1 },
	{ type: 'mention', offset: 0, length: 1 },
	{ type: 'hashtag', offset: 0, length: 1 },
	{ type: 'botCommand', offset: 0, length: 1 },
	{ type: 'url', offset: 0, length: 1 },
	{ type: 'email', offset: 0, length: 1 },
	{ type: 'bold', offset: 0, length: 2 },
	{ type: 'italic', offset: 1, length: 2 },
	{ type: 'code', offset: 2, length: 1 },
	{ type: 'pre', offset: 3, length: 1, language: 'python' },
	{ type: 'textUrl', offset: 4, length: 1, url: 'https://example.com/x' },
	{ type: 'mentionName', offset: 5, length: 1, user_id: 5000001 },
	{ type: 'phone', offset: 0, length: 1 },
	{ type: 'cashtag', offset: 0, length: 1 },
	{ type: 'bankCard', offset: 0, length: 1 },
	{ type: 'underline', offset: 0, length: 1 },
	{ type: 'strike', offset: 0, length: 1 },
	{ type: 'blockquote', offset: 0, length: 1 },
	{ type: 'spoiler', offset: 0, length: 1 },
	{ type: 'customEmoji', offset: 6, length: 2, document_id: '5368324170671202286' },
];

describe(
	'Telegram: Secret Chat layers 73, 101 and 144, against an independent peer',
	{ skip },
	() => {
		let fake: TelegramFake;
		let peer: PythonPeer;
		let credential: ICredentialDataDecryptedObject;
		const { run, send, acceptedChat, startTrigger } = useSecretChatPeer({
			fake: (started) => (fake = started),
			peer: (started) => (peer = started),
			setCredential: (value) => (credential = value),
			credential: () => credential,
		});

		async function chatLayer(chatId: number): Promise<IDataObject> {
			const listed = await run({ operation: 'getAll', returnAll: true });
			return listed.items.find((item) => item.json.chatId === chatId)?.json ?? {};
		}

		/** Waits until the stored chat shows `field` = `value` (the trigger applies what arrives). */
		async function untilStored(chatId: number, field: string, value: unknown): Promise<void> {
			for (let attempt = 0; attempt < 200; attempt++) {
				if ((await chatLayer(chatId))[field] === value) return;
				await new Promise((resolveWait) => setTimeout(resolveWait, 20));
			}
			assert.fail(`secret chat ${chatId} never showed ${field} = ${String(value)}`);
		}

		for (const peerLayer of [73, 101, 144] as const) {
			test(`a peer on layer ${peerLayer}: we write in layer ${peerLayer} and send only the entities it reads`, async () => {
				const chatId = await acceptedChat();
				await startTrigger({ events: ['secretMessage'] });
				await peer.setLayer(peerLayer);
				const notice = await peer.encryptAction({ kind: 'notifyLayer', layer: peerLayer });
				fake.sendEncryptedAs(ALICE, chatId, notice.data, {
					service: true,
					randomId: notice.randomId,
				});
				await untilStored(chatId, 'layer', peerLayer);

				const sent = await send(chatId, EVERY_KIND_HTML, { options: { formatting: 'html' } });
				assert.equal(sent.error, undefined, sent.error?.message);
				assert.equal(sent.items[0].json.layer, peerLayer);
				// The peer refuses a layer above its own and an entity its layer does not know.
				const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
				assert.equal(read.layer, peerLayer);
				assert.equal(read.text, 'b i c p l u s q sp 👍');
				assert.deepEqual(
					read.entities?.map((entity) => 'type' in entity && entity.type),
					EVERY_KIND.filter(([, layer]) => layer <= peerLayer).map(([type]) => type),
				);
				if (peerLayer === 144) {
					const emoji = read.entities?.find(
						(entity) => 'type' in entity && entity.type === 'customEmoji',
					);
					assert.deepEqual(emoji && { ...emoji }, {
						type: 'customEmoji',
						offset: 19,
						length: 2,
						document_id: '5368324170671202286',
						layer: 144,
					});
				}
			});
		}

		/** The peer tells its layer and writes a text in it; the trigger reads both. */
		async function peerWritesIn(chatId: number, emitted: Emitted, layer: 73 | 101 | 144) {
			await peer.setLayer(layer);
			const notice = await peer.encryptAction({ kind: 'notifyLayer', layer });
			fake.sendEncryptedAs(ALICE, chatId, notice.data, {
				service: true,
				randomId: notice.randomId,
			});
			const text = await peer.encryptText(`written in layer ${layer}`);
			fake.sendEncryptedAs(ALICE, chatId, text.data, { randomId: text.randomId });
			const after = emitted.items.length;
			await emitted.until(() =>
				emitted.items.slice(after).find((item) => item.text === `written in layer ${layer}`),
			);
			await untilStored(chatId, 'layer', layer);
		}

		for (const upgrade of [101, 144] as const) {
			test(`a peer on 73 that upgrades to ${upgrade} hears our layer once more, then gets the entities of ${upgrade}`, async () => {
				const chatId = await acceptedChat();
				const emitted = await startTrigger({ events: ['secretMessage'] });
				await peerWritesIn(chatId, emitted, 73);
				await peerWritesIn(chatId, emitted, upgrade);
				await peerWritesIn(chatId, emitted, upgrade);
				const sent = await send(chatId, '<u>u</u> <spoiler>sp</spoiler>', {
					options: { formatting: 'html' },
				});
				assert.equal(sent.error, undefined, sent.error?.message);
				// Written when the trigger read the upgrade: in the common layer, before our text.
				const notice = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
				assert.deepEqual(notice.action, { kind: 'notifyLayer', layer: 144 });
				assert.equal(notice.layer, upgrade);
				// Exactly one notice: the next message is the text.
				const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
				assert.equal(read.text, 'u sp');
				assert.equal(read.layer, upgrade);
				assert.deepEqual(
					read.entities?.map((entity) => 'type' in entity && entity.type),
					upgrade === 144 ? ['underline', 'spoiler'] : ['underline'],
				);
				const state = await peer.state();
				assert.equal(state.layerSeen, 144);
				assert.equal(state.inCount, 3, 'our first notice, the one after the upgrade, the text');
			});
		}

		test('a peer that stays on 73 gets no further notice', async () => {
			const chatId = await acceptedChat();
			const emitted = await startTrigger({ events: ['secretMessage'] });
			for (let round = 0; round < 3; round++) await peerWritesIn(chatId, emitted, 73);
			const sent = await send(chatId, '<u>u</u>', { options: { formatting: 'html' } });
			assert.equal(sent.error, undefined, sent.error?.message);
			const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
			assert.deepEqual(
				[read.kind, read.text, read.layer, read.entities],
				['message', 'u', 73, undefined],
			);
			assert.equal((await peer.state()).inCount, 2, 'our first notice and the text');
		});

		test("the peer's layer is tracked from every message, not only from its notice", async () => {
			const chatId = await acceptedChat();
			const emitted = await startTrigger({ events: ['secretMessage'] });
			await peer.setLayer(101);
			const hello = await peer.encryptText('written in layer 101, no notice');
			fake.sendEncryptedAs(ALICE, chatId, hello.data, { randomId: hello.randomId });
			assert.equal((await emitted.nextOf('secretMessage')).layer, 101);
			await untilStored(chatId, 'layer', 101);
			const sent = await send(chatId, '<u>underlined</u> <spoiler>hidden</spoiler>', {
				options: { formatting: 'html' },
			});
			assert.equal(sent.error, undefined, sent.error?.message);
			const read = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
			assert.equal(read.layer, 101);
			assert.deepEqual(
				read.entities?.map((entity) => 'type' in entity && entity.type),
				['underline'],
			);
		});

		test('a peer message with every entity kind, a reply, a bot, an album and a timer reaches the item whole', async () => {
			const chatId = await acceptedChat();
			const emitted = await startTrigger({ events: ['secretMessage'] });
			await peer.setLayer(144);
			const message = await peer.encryptText('0123456👍', {
				entities: PEER_ENTITIES,
				replyToRandomId: -1234567890123n,
				viaBotName: 'gif',
				groupedId: 77n,
				ttl: 15,
				silent: true,
			});
			fake.sendEncryptedAs(ALICE, chatId, message.data, { randomId: message.randomId });
			const item = await emitted.nextOf('secretMessage');
			assert.equal(item.text, '0123456👍');
			assert.equal(item.layer, 144);
			assert.equal(item.replyToRandomId, '-1234567890123');
			assert.equal(item.viaBotName, 'gif');
			assert.equal(item.albumId, '77');
			assert.equal(item.ttlSeconds, 15);
			assert.equal(item.silent, true);
			assert.deepEqual(
				item.entities,
				PEER_ENTITIES.map((entity) => {
					const { user_id: userId, document_id: documentId, ...rest } = entity as IDataObject;
					if (userId !== undefined) return { ...rest, userId };
					if (documentId !== undefined) return { ...rest, documentId };
					return rest;
				}),
			);
			// A message after it is still read: nothing was left unread in between.
			const next = await peer.encryptText('the next one');
			fake.sendEncryptedAs(ALICE, chatId, next.data, { randomId: next.randomId });
			assert.equal((await emitted.nextOf('secretMessage', 1)).text, 'the next one');
		});
	},
);
