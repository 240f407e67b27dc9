import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Api } from 'telegram';
import bigInt from 'big-integer';
import { TelegramFake, type FakeEncryptedChat } from '../fakes/telegram/server';
import {
	startPythonPeer,
	telethonAvailable,
	type PythonPeer,
} from '../fakes/secretPeer/pythonPeer';
import {
	activateWorkflow,
	importJson,
	postToWebhook,
	prepareN8n,
	startN8n,
	type N8nInstall,
	type RunningN8n,
} from './n8nCli';
import { telegramCredentialData } from '../fakes/telegram/credential';

/**
 * The Telegram Trigger in a real `n8n start` with the packed pack: a published workflow keeps a
 * connection to the fake Telegram open, answers a cloud message, accepts a secret chat from an
 * independent peer (Python, telethon's crypto) and answers it encrypted, with the chat's keys in
 * n8n's user folder, sends a file a Code node made into that chat, and still answers after n8n
 * restarts.
 */

const TRIGGER = 'n8n-nodes-scheduled-messaging.telegramTrigger';
const TELEGRAM = 'n8n-nodes-scheduled-messaging.telegram';
const STORAGE_SECRET = 'a long storage secret for the e2e test';
const telethon = telethonAvailable();
// The other side of the secret chat is peer.py on telethon; the cloud-message test runs without it.
const secretSkip = telethon.ok ? false : `the secret-chat peer needs telethon: ${telethon.reason}`;

/** Only a guard against a hang, so a failure names what never came: a run that gets there has failed anyway. */
const GIVE_UP_MS = 3 * 60_000;

/** Waits until `probe` returns a value; polls because the fake's state has no events to await. */
async function until<T>(
	what: string,
	probe: () => T | undefined | false | null,
	describeState: () => string = () => '',
): Promise<T> {
	const giveUpAt = Date.now() + GIVE_UP_MS;
	for (;;) {
		const value = probe();
		if (value !== undefined && value !== false && value !== null) return value;
		if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}. ${describeState()}`);
		await new Promise((resolveWait) => setTimeout(resolveWait, 50));
	}
}

/** `promise`, or an error naming `what` if it never settles. */
async function guarded<T>(
	what: string,
	promise: Promise<T>,
	describeState: () => string = () => '',
): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const giveUp = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`gave up waiting for ${what}. ${describeState()}`)),
			GIVE_UP_MS,
		);
	});
	try {
		return await Promise.race([promise, giveUp]);
	} finally {
		clearTimeout(timer);
	}
}

/** Every file under `folder`, recursively. */
function filesUnder(folder: string): string[] {
	return readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.map((name) => join(folder, name))
		.filter((path) => statSync(path).isFile());
}

describe('the Telegram Trigger in a running n8n (cloud and secret chats, across a restart)', () => {
	let fake: TelegramFake;
	let install: N8nInstall;
	let server: RunningN8n | undefined;
	let peer: PythonPeer | undefined;
	let alice: bigint;
	/** The secret chat alice asked for in the second test; the restart test writes to it again. */
	let secretChat: FakeEncryptedChat;

	const credentials = {
		telegramMtprotoApi: { id: 'telegramTriggerAccount', name: 'Telegram trigger account' },
	};
	const node = (name: string, type: string, x: number, parameters: Record<string, unknown>) => ({
		id: `${name.replace(/\W/g, '')}-${x}`,
		name,
		type,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		credentials,
	});
	const workflow = (
		id: string,
		name: string,
		trigger: Record<string, unknown>,
		reply: Record<string, unknown>,
	) => ({
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [node('Telegram Trigger', TRIGGER, 0, trigger), node('Reply', TELEGRAM, 300, reply)],
		connections: { 'Telegram Trigger': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
	});

	/**
	 * Each trigger asks for updates.getState once it listens (only then does a pushed update reach
	 * it), or, with a state saved before a restart, for updates.getDifference from there.
	 */
	const getStateCalls = () =>
		fake.requests.filter(
			(request) => request.name === 'updates.GetState' || request.name === 'updates.GetDifference',
		).length;
	const requestLog = () =>
		`Requests the fake saw: ${fake.requests.map((request) => request.name + (request.error ? ` (${request.error.message})` : '')).join(', ')}`;

	/** The next encrypted message our account sends alice in the secret chat, as the peer reads it. */
	const nextFromUs = async (what: string) =>
		await peer!.decrypt(
			(await guarded(what, fake.nextEncryptedMessage(alice, secretChat.id), requestLog)).bytes,
		);

	/** Webhook → Code (the body's base64 as binary data: a clip and its thumbnail) → Secret Chat > Send File. */
	const fileOnRequest = {
		id: 'telegramSecretFileOnRequest',
		name: 'Secret file on request',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'fileWebhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 300],
				webhookId: '5d0c3d8e-6a3f-4a53-9c1e-2f7a1c0e5b11',
				parameters: {
					httpMethod: 'POST',
					path: 'secret-file',
					responseMode: 'lastNode',
					options: {},
				},
			},
			{
				id: 'fileCode',
				name: 'Make File',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [300, 300],
				parameters: {
					jsCode: [
						'const body = $input.first().json.body;',
						'return [{ json: { chatId: body.chatId }, binary: {',
						"\tdata: { data: body.clip, mimeType: 'video/mp4', fileName: 'clip.mp4' },",
						"\tthumb: { data: body.thumb, mimeType: 'image/jpeg', fileName: 'thumb.jpg' },",
						'} }];',
					].join('\n'),
				},
			},
			node('Send File', TELEGRAM, 600, {
				resource: 'secretChat',
				operation: 'sendFile',
				secretChatId: '={{ $json.chatId }}',
				binaryProperty: 'data',
				sendAs: 'video',
				duration: 3,
				width: 320,
				height: 240,
				caption: 'the clip',
				options: { thumbnailBinaryProperty: 'thumb' },
			}),
		],
		connections: {
			Webhook: { main: [[{ node: 'Make File', type: 'main', index: 0 }]] },
			'Make File': { main: [[{ node: 'Send File', type: 'main', index: 0 }]] },
		},
	};

	/** Starts n8n and waits until both published triggers are listening. */
	async function startListening(): Promise<void> {
		const before = getStateCalls();
		server = await startN8n(install);
		await until(
			'both triggers to listen for updates',
			() => getStateCalls() >= before + 2,
			requestLog,
		);
	}

	before(async () => {
		fake = await TelegramFake.start();
		alice = fake.users.find((user) => user.username === 'alice_test')!.id;
		install = await prepareN8n();
		// n8n listens on every interface by default; this test needs only the loopback.
		install.env.N8N_LISTEN_ADDRESS = '127.0.0.1';
		await importJson(install, 'credentials', [
			{
				id: 'telegramTriggerAccount',
				name: 'Telegram trigger account',
				type: 'telegramMtprotoApi',
				data: telegramCredentialData(fake, {
					// No folder: the store must land in the n8n process's own user folder.
					e2eStorage: 'file',
					e2eStorageSecret: STORAGE_SECRET,
				}),
			},
		]);
		await importJson(install, 'workflow', [
			workflow(
				'telegramPingPong',
				'Telegram ping-pong',
				{ events: ['message'] },
				{
					resource: 'message',
					operation: 'sendText',
					chat: '={{ $json.chatId }}',
					text: '=pong: {{ $json.text }}',
				},
			),
			workflow(
				'telegramSecretAutoReply',
				'Secret auto-reply',
				{ events: ['secretMessage'], autoAccept: true },
				{
					resource: 'secretChat',
					operation: 'sendMessage',
					secretChatId: '={{ $json.chatId }}',
					text: '=pong: {{ $json.text }}',
				},
			),
			fileOnRequest,
		]);
		await activateWorkflow(install, 'telegramPingPong');
		await activateWorkflow(install, 'telegramSecretAutoReply');
		await activateWorkflow(install, fileOnRequest.id);
		await startListening();
	});

	after(async () => {
		await server?.stop();
		await peer?.stop();
		await fake?.stop();
	});

	test(
		'a message from alice starts "Telegram ping-pong", which answers her',
		{ timeout: 5 * 60_000 },
		async () => {
			const incoming = new Api.Message({
				id: 1001,
				peerId: new Api.PeerUser({ userId: bigInt(alice.toString()) }),
				fromId: new Api.PeerUser({ userId: bigInt(alice.toString()) }),
				date: fake.nowSeconds(),
				message: 'ping',
			});
			fake.pushUpdate(
				new Api.UpdateNewMessage({ message: incoming, pts: 1, ptsCount: 1 }),
				fake.me.id,
			);
			const alicesChat = fake.peerKey({ userId: alice });
			const pong = await until(
				'"pong: ping" to alice',
				() => fake.messages.find((message) => message.text === 'pong: ping'),
				requestLog,
			);
			assert.equal(pong.peerKey, alicesChat);
			assert.equal(pong.fromId, fake.me.id);
			assert.equal(
				fake.messages.filter((message) => message.text.startsWith('pong')).length,
				1,
				'one answer',
			);
		},
	);

	test(
		'alice asks for a secret chat: "Secret auto-reply" accepts it and answers "ping" encrypted, keys stored sealed in the user folder',
		{ skip: secretSkip, timeout: 5 * 60_000 },
		async () => {
			peer = await startPythonPeer();
			const { gA } = await peer.request({ p: fake.dhConfig.p, g: fake.dhConfig.g });
			secretChat = fake.requestEncryptionAs(alice, fake.me.id, gA);
			const accepted = await until(
				'the trigger to accept the secret chat',
				() => {
					const chat = fake.encryptedChats.find((c) => c.id === secretChat.id);
					return chat?.gB && chat.keyFingerprint !== undefined
						? { gB: chat.gB, keyFingerprint: chat.keyFingerprint }
						: undefined;
				},
				requestLog,
			);
			await peer.accepted(accepted);
			// Our side tells its layer first; the peer checks it, which also moves its sequence numbers.
			const notice = await nextFromUs('our layer notice');
			assert.deepEqual(
				[notice.kind, notice.action],
				['service', { kind: 'notifyLayer', layer: 144 }],
			);

			const ping = await peer.encryptText('ping');
			fake.sendEncryptedAs(alice, secretChat.id, ping.data, { randomId: ping.randomId });
			const reply = await nextFromUs('the encrypted answer to "ping"');
			assert.deepEqual([reply.kind, reply.text], ['message', 'pong: ping']);

			const store = join(install.userFolder, '.n8n', 'telegram-secret-chats');
			const files = filesUnder(store);
			assert.ok(files.length > 0, `no files under ${store}`);
			for (const file of files) {
				const content = readFileSync(file).toString('latin1');
				assert.ok(
					!content.includes('ping') && !content.includes('pong'),
					`${file} holds a message text in plaintext`,
				);
			}
		},
	);

	test(
		"a Code node's binary file goes into the secret chat as a video with its thumbnail; the peer decrypts it byte for byte",
		{ skip: secretSkip, timeout: 5 * 60_000 },
		async () => {
			assert.ok(peer && secretChat && server, 'the secret chat test set up the chat');
			const clip = randomBytes(300_000 + 7);
			// A JPEG's start of image and frame header (90×60): what the node checks of a thumbnail.
			const thumb = Buffer.concat([
				Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 60, 0, 90, 1, 1, 0x11, 0]),
				randomBytes(800),
			]);
			const response = await postToWebhook(server.baseUrl, 'secret-file', {
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					chatId: secretChat.id,
					clip: clip.toString('base64'),
					thumb: thumb.toString('base64'),
				}),
			});
			const output = (await response.json()) as Record<string, unknown>;
			assert.equal(response.status, 200, JSON.stringify(output));
			assert.deepEqual(
				[output.sendAs, output.size, output.thumbnail, output.alreadySent],
				['video', clip.length, true, false],
			);
			const sent = await guarded(
				'the encrypted file',
				fake.nextEncryptedMessage(alice, secretChat.id),
				requestLog,
			);
			assert.ok(sent.file, 'sent with messages.sendEncryptedFile');
			const read = await peer.decrypt(sent.bytes, {
				bytes: sent.file.bytes,
				keyFingerprint: sent.file.keyFingerprint,
			});
			assert.ok(read.file?.equals(clip), 'the peer decrypted the very bytes');
			assert.equal(read.text, 'the clip');
			assert.deepEqual(
				[read.media?.mimeType, read.media?.fileName, read.media?.duration, read.media?.w],
				['video/mp4', 'clip.mp4', 3, 320],
			);
			assert.ok(read.media?.thumb.equals(thumb), 'the thumbnail as the Code node made it');
		},
	);

	test(
		'after n8n restarts on the same user folder, the chat goes on where it stopped',
		{ skip: secretSkip, timeout: 5 * 60_000 },
		async () => {
			assert.ok(peer && secretChat, 'the secret chat test set up the chat');
			await server?.stop();
			server = undefined;
			await startListening();
			const ping = await peer.encryptText('ping again');
			fake.sendEncryptedAs(alice, secretChat.id, ping.data, { randomId: ping.randomId });
			// The peer refuses a repeated or skipped sequence number: reading this proves the stored state was used.
			const reply = await nextFromUs('the encrypted answer to "ping again"');
			assert.deepEqual([reply.kind, reply.text], ['message', 'pong: ping again']);
		},
	);

	test(
		'a message that arrived while n8n was down is answered once after it starts again',
		{ timeout: 5 * 60_000 },
		async () => {
			await server?.stop();
			server = undefined;
			// Numbered and kept by Telegram (the fake), pushed to nobody: no client of the account is connected.
			fake.receiveMessage(alice, 'sent while n8n was down');
			await startListening();
			await until(
				'"pong: sent while n8n was down" to alice',
				() => fake.messages.find((message) => message.text === 'pong: sent while n8n was down'),
				requestLog,
			);
			// A message after the restart is answered too; by then a second answer to the first would have come.
			fake.receiveMessage(alice, 'after the restart');
			await until(
				'"pong: after the restart" to alice',
				() => fake.messages.find((message) => message.text === 'pong: after the restart'),
				requestLog,
			);
			const answers = (text: string) =>
				fake.messages.filter((message) => message.text === `pong: ${text}`).length;
			assert.deepEqual(
				[answers('ping'), answers('sent while n8n was down'), answers('after the restart')],
				[1, 1, 1],
				'each message answered once',
			);
		},
	);
});
