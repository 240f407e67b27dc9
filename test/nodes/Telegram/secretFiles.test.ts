import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import type { PythonPeer } from '../../fakes/secretPeer/pythonPeer';
import type { FakeEncryptedMessage, TelegramFake } from '../../fakes/telegram/server';
import { binaryFile, withBinaryInput } from '../../harness/binaryInput';
import { NodeHost } from '../../harness/nodeHost';
import { ALICE, skip, useSecretChatPeer } from './fixtures/secretChatPeer';
import { EmittedItems } from './fixtures/listenTrigger';

/**
 * Photos and documents in secret chats, against the independent peer: it encrypts and decrypts
 * files with telethon's AES-IGE and checks the MD5-based file fingerprint itself, so a file we
 * send is read by code that shares nothing with ours, and a file it sends reaches the trigger.
 */

const MB = 1024 * 1024;

/** The smallest PNG header a size sniffer reads: signature and IHDR with width and height. */
function pngOf(width: number, height: number, extra: number): Buffer {
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'latin1');
	ihdr.writeUInt32BE(width, 8);
	ihdr.writeUInt32BE(height, 12);
	ihdr[16] = 8;
	ihdr[17] = 6;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		ihdr,
		randomBytes(extra),
	]);
}

/** The smallest JPEG header a size sniffer reads: SOI and a baseline SOF0 with height and width. */
function jpegOf(width: number, height: number, extra: number): Buffer {
	const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, randomBytes(extra)]);
}

/** An ISO BMFF box: size, type, payload. */
function box(type: string, ...payload: Buffer[]): Buffer {
	const body = Buffer.concat(payload);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + body.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

/** An MP4 as a camera writes one: ftyp, mdat, then moov with mvhd (v1) and an audio and a video track (v0). */
function mp4Of(seconds: number, width: number, height: number, extra: number): Buffer {
	const mvhd = Buffer.alloc(112);
	mvhd[0] = 1;
	mvhd.writeUInt32BE(90_000, 20);
	mvhd.writeBigUInt64BE(BigInt(seconds * 90_000 + 1_000), 24);
	const tkhd = (w: number, h: number) => {
		const payload = Buffer.alloc(84);
		payload.writeUInt32BE(w * 65536, 76);
		payload.writeUInt32BE(h * 65536, 80);
		return box('tkhd', payload);
	};
	return Buffer.concat([
		box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1')),
		box('mdat', randomBytes(extra)),
		box('moov', box('mvhd', mvhd), box('trak', tkhd(0, 0)), box('trak', tkhd(width, height))),
	]);
}

/** An Ogg page: capture pattern, version 0, header type, granule position, one segment. */
function oggPage(headerType: number, granule: bigint, data: Buffer): Buffer {
	const header = Buffer.alloc(28);
	header.write('OggS', 0, 'latin1');
	header[5] = headerType;
	header.writeBigInt64LE(granule, 6);
	header[26] = 1;
	header[27] = data.length;
	return Buffer.concat([header, data]);
}

/** A voice message as Telegram's apps record one: Ogg Opus, 48 kHz granules after a pre-skip of 312. */
function opusOf(seconds: number): Buffer {
	const head = Buffer.alloc(19);
	head.write('OpusHead', 0, 'latin1');
	head[8] = 1;
	head[9] = 1;
	head.writeUInt16LE(312, 10);
	head.writeUInt32LE(48_000, 12);
	return Buffer.concat([
		oggPage(2, 0n, head),
		oggPage(0, 0n, randomBytes(200)),
		oggPage(0, 48_000n, randomBytes(200)),
		oggPage(4, BigInt(seconds * 48_000 + 312), randomBytes(200)),
	]);
}

describe('Telegram: files in secret chats, against an independent peer', { skip }, () => {
	let fake: TelegramFake;
	let peer: PythonPeer;
	let credential: ICredentialDataDecryptedObject;
	const { run, acceptedChat, triggers } = useSecretChatPeer({
		fake: (started) => (fake = started),
		peer: (started) => (peer = started),
		setCredential: (value) => (credential = value),
		credential: () => credential,
	});

	const sendFile = async (
		chatId: number,
		file: Buffer,
		name: string,
		mime: string,
		extra: IDataObject = {},
		thumbnail?: Buffer,
	) =>
		await withBinaryInput(
			[
				{
					data: binaryFile(file, name, mime),
					...(thumbnail && { thumb: binaryFile(thumbnail, 'thumb.jpg', 'image/jpeg') }),
				},
			],
			async () =>
				await run({
					operation: 'sendFile',
					secretChatId: chatId,
					binaryProperty: 'data',
					...extra,
				}),
		);

	const peerReads = async (message: FakeEncryptedMessage) => {
		assert.ok(message.file, 'the message went out with messages.sendEncryptedFile');
		return await peer.decrypt(message.bytes, {
			bytes: message.file.bytes,
			keyFingerprint: message.file.keyFingerprint,
		});
	};

	async function listen(parameters: IDataObject): Promise<EmittedItems> {
		const emitted = new EmittedItems();
		const host = await NodeHost.create({
			type: 'telegramTrigger',
			parameters,
			credentials: { telegramMtprotoApi: credential },
		});
		const response = await host.startTrigger(emitted);
		triggers.push(async () => await response.closeFunction?.());
		return emitted;
	}

	test('a document from binary data: uploaded encrypted in parts, the peer decrypts it byte for byte', async () => {
		const chatId = await acceptedChat();
		const report = randomBytes(Math.floor(1.2 * MB) + 5);
		const sent = await sendFile(chatId, report, 'report.pdf', 'application/pdf', {
			caption: 'the quarterly report',
		});
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(report), 'the peer decrypted the very bytes');
		assert.equal(read.media?.type, 'document');
		assert.deepEqual(
			[read.media?.mimeType, read.media?.fileName, read.media?.size],
			['application/pdf', 'report.pdf', report.length],
		);
		// Written in layer 73 (the peer announced nothing newer): the document's size is an int.
		assert.equal(read.media?.constructorName, 'document');
		assert.equal(read.text, 'the quarterly report');
		// The file is not readable by the server: what it holds is not the file.
		const stored = fake.encryptedChats[0].messages.at(-1)?.file;
		assert.ok(stored && !stored.bytes.subarray(0, 64).equals(report.subarray(0, 64)));
		assert.equal(stored.bytes.length % 16, 0);
		const parts = fake.requests.filter((r) => r.name === 'upload.SaveFilePart' && !r.error);
		assert.equal(parts.length, 3);
		const json = sent.items[0].json;
		assert.deepEqual(
			[json.chatId, json.sendAs, json.fileName, json.mimeType, json.size],
			[chatId, 'document', 'report.pdf', 'application/pdf', report.length],
		);
		assert.equal(typeof json.randomId, 'string');
	});

	test('a PNG goes as a photo with its width and height; two files get different keys', async () => {
		const chatId = await acceptedChat();
		const image = pngOf(640, 480, 3000);
		assert.equal((await sendFile(chatId, image, 'chart.png', 'image/png')).error, undefined);
		const photo = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.equal(photo.media?.type, 'photo');
		assert.deepEqual([photo.media?.w, photo.media?.h], [640, 480]);
		assert.ok(photo.file?.equals(image));
		const again = await sendFile(chatId, image, 'chart.png', 'image/png', { sendAs: 'document' });
		assert.equal(again.error, undefined, again.error?.message);
		const document = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.equal(document.media?.type, 'document');
		assert.ok(document.file?.equals(image));
		assert.ok(!document.media?.key.equals(photo.media?.key ?? Buffer.alloc(0)));
	});

	test('Send As Photo with a file that is no JPEG or PNG is a clear field error; nothing is sent', async () => {
		const chatId = await acceptedChat();
		const before = fake.encryptedChats[0].messages.length;
		const result = await sendFile(chatId, Buffer.from('plain words'), 'notes.txt', 'text/plain', {
			sendAs: 'photo',
		});
		assert.match(String(result.error?.message), /Send As/);
		assert.equal(fake.encryptedChats[0].messages.length, before);
	});

	test('the trigger downloads and decrypts a document and a photo the peer sends, byte for byte', async () => {
		const chatId = await acceptedChat();
		const emitted = await listen({
			events: ['secretMessage'],
			downloadMedia: true,
			maxMediaSizeMb: 2,
		});
		const contents = randomBytes(Math.floor(1.1 * MB) + 3);
		const sent = await peer.encryptFile(contents, {
			media: 'document',
			mimeType: 'application/zip',
			fileName: 'archive.zip',
			caption: 'the archive',
		});
		fake.sendEncryptedFileAs(
			ALICE,
			chatId,
			sent.data,
			{ bytes: sent.file, keyFingerprint: sent.fileKeyFingerprint },
			{ randomId: sent.randomId },
		);
		const item = await emitted.until(() => emitted.whole[0]);
		const binary = item.binary?.data;
		assert.ok(binary, `binary data under "data": ${JSON.stringify(item.json)}`);
		assert.ok(Buffer.from(binary.data, 'base64').equals(contents), 'byte for byte');
		assert.deepEqual([binary.fileName, binary.mimeType], ['archive.zip', 'application/zip']);
		assert.equal(item.json.hasMedia, true);
		assert.deepEqual(item.json.media, {
			type: 'document',
			fileName: 'archive.zip',
			mimeType: 'application/zip',
			size: contents.length,
			caption: 'the archive',
		});
		// This peer puts the caption in the media (as older clients do); the message text stays empty.
		assert.equal(item.json.text, '');

		const picture = randomBytes(5000);
		const photo = await peer.encryptFile(picture, { media: 'photo', w: 100, h: 50 });
		fake.sendEncryptedFileAs(ALICE, chatId, photo.data, {
			bytes: photo.file,
			keyFingerprint: photo.fileKeyFingerprint,
		});
		const photoItem = await emitted.until(() => emitted.whole[1]);
		assert.ok(Buffer.from(photoItem.binary?.data.data ?? '', 'base64').equals(picture));
		assert.equal(photoItem.binary?.data.mimeType, 'image/jpeg');
		assert.deepEqual(
			[(photoItem.json.media as IDataObject).type, (photoItem.json.media as IDataObject).width],
			['photo', 100],
		);
	});

	test('a file whose key fingerprint does not match its key is refused with a clear reason; the message still comes', async () => {
		const chatId = await acceptedChat();
		const emitted = await listen({ events: ['secretMessage'], downloadMedia: true });
		const forged = await peer.encryptFile(randomBytes(2000), {
			media: 'document',
			fileName: 'forged.bin',
			text: 'look at this',
			wrongFingerprint: true,
		});
		fake.sendEncryptedFileAs(ALICE, chatId, forged.data, {
			bytes: forged.file,
			keyFingerprint: forged.fileKeyFingerprint,
		});
		const item = await emitted.until(() => emitted.whole[0]);
		assert.equal(item.binary, undefined);
		assert.equal(item.json.text, 'look at this');
		assert.match(String(item.json.mediaNotDownloaded), /fingerprint/i);
	});

	test('Max File Size holds for secret files: over it, nothing is downloaded and the item says why', async () => {
		const chatId = await acceptedChat();
		const emitted = await listen({
			events: ['secretMessage'],
			downloadMedia: true,
			maxMediaSizeMb: 0.01,
		});
		const big = await peer.encryptFile(randomBytes(20_000), { media: 'document' });
		fake.sendEncryptedFileAs(ALICE, chatId, big.data, {
			bytes: big.file,
			keyFingerprint: big.fileKeyFingerprint,
		});
		const item = await emitted.until(() => emitted.whole[0]);
		assert.equal(item.binary, undefined);
		assert.match(String(item.json.mediaNotDownloaded), /Max File Size/);
		assert.equal(
			fake.requests.filter((r) => r.name === 'upload.GetFile').length,
			0,
			'nothing downloaded',
		);
	});

	test('a file over 10 MB goes as a big file (saveBigFilePart), and the peer still decrypts it byte for byte', async () => {
		const chatId = await acceptedChat();
		const video = randomBytes(10 * MB + 100);
		const sent = await sendFile(chatId, video, 'clip.mp4', 'video/mp4');
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(video));
		assert.deepEqual([read.media?.type, read.media?.mimeType], ['document', 'video/mp4']);
		const bigParts = fake.requests.filter((r) => r.name === 'upload.SaveBigFilePart' && !r.error);
		assert.equal(bigParts.length, 21);
	});

	test('a file whose message arrives after a gap is downloaded once the gap is filled', async () => {
		const chatId = await acceptedChat();
		const emitted = await listen({ events: ['secretMessage'], downloadMedia: true });
		const first = await peer.encryptText('the first message');
		const contents = randomBytes(3000);
		const second = await peer.encryptFile(contents, {
			media: 'document',
			fileName: 'late.txt',
			mimeType: 'text/plain',
		});
		fake.sendEncryptedFileAs(
			ALICE,
			chatId,
			second.data,
			{ bytes: second.file, keyFingerprint: second.fileKeyFingerprint },
			{ randomId: second.randomId },
		);
		// Held: our side asks for the missing message first.
		const resend = await peer.decrypt((await fake.nextEncryptedMessage(ALICE, chatId)).bytes);
		assert.equal(resend.action?.kind, 'resend');
		fake.sendEncryptedAs(ALICE, chatId, first.data, { randomId: first.randomId });
		const late = await emitted.until(() => emitted.whole[1]);
		assert.equal(emitted.whole[0].json.text, 'the first message');
		assert.equal(late.json.media && (late.json.media as IDataObject).fileName, 'late.txt');
		assert.ok(Buffer.from(late.binary?.data.data ?? '', 'base64').equals(contents));
	});

	test('a file whose answer was lost is not sent twice, and the peer reads the one that arrived', async () => {
		const chatId = await acceptedChat();
		fake.dropConnectionNext('messages.SendEncryptedFile', 'after-apply');
		const contents = randomBytes(4000);
		const sent = await sendFile(chatId, contents, 'once.bin', 'application/octet-stream');
		assert.equal(sent.error, undefined, sent.error?.message);
		assert.equal(sent.items[0].json.alreadySent, true);
		const files = fake.encryptedChats[0].messages.filter((m) => m.file);
		assert.equal(files.length, 1);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(contents));
	});

	test('a file to a chat the other side has not accepted fails saying so, before anything is uploaded', async () => {
		const started = await run({ operation: 'start', chat: '@alice_test' });
		const chatId = Number(started.items[0].json.chatId);
		const result = await sendFile(
			chatId,
			randomBytes(100),
			'early.bin',
			'application/octet-stream',
		);
		assert.match(String(result.error?.message), /waiting/);
		assert.equal(fake.requests.filter((r) => r.name.startsWith('upload.')).length, 0);
		assert.equal(fake.encryptedChats[0].messages.length, 0);
	});

	test('a video goes with its duration, width and height and the JPEG thumbnail given; the peer reads them as official clients send them', async () => {
		const chatId = await acceptedChat();
		const clip = randomBytes(40_000);
		const thumbnail = jpegOf(90, 51, 1500);
		const sent = await sendFile(
			chatId,
			clip,
			'clip.mp4',
			'video/mp4',
			{
				sendAs: 'video',
				duration: 42,
				width: 1280,
				height: 720,
				options: { thumbnailBinaryProperty: 'thumb' },
			},
			thumbnail,
		);
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(clip));
		// decryptedMessageMediaDocument with documentAttributeVideo66 (layer 66, below our lowest 73).
		assert.deepEqual(
			[read.media?.type, read.media?.mimeType, read.media?.attributes],
			['document', 'video/mp4', ['video', 'filename']],
		);
		assert.deepEqual(
			[read.media?.duration, read.media?.w, read.media?.h, read.media?.round],
			[42, 1280, 720, false],
		);
		assert.ok(read.media?.thumb.equals(thumbnail), 'the thumbnail as given');
		assert.deepEqual([read.media?.thumbW, read.media?.thumbH], [90, 51]);
		const json = sent.items[0].json;
		assert.deepEqual(
			[json.sendAs, json.duration, json.width, json.height, json.thumbnail],
			['video', 42, 1280, 720, true],
		);
	});

	test('audio goes with its title and performer, a voice message with the voice flag: documentAttributeAudio', async () => {
		const chatId = await acceptedChat();
		const song = randomBytes(5000);
		const sent = await sendFile(chatId, song, 'song.mp3', 'audio/mpeg', {
			sendAs: 'audio',
			duration: 200,
			title: 'Song',
			performer: 'Band',
		});
		assert.equal(sent.error, undefined, sent.error?.message);
		const audio = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(audio.file?.equals(song));
		assert.deepEqual(
			[audio.media?.attributes, audio.media?.voice, audio.media?.duration],
			[['audio', 'filename'], false, 200],
		);
		assert.deepEqual([audio.media?.title, audio.media?.performer], ['Song', 'Band']);
		assert.equal(audio.media?.thumb.length, 0, 'no thumbnail given, none sent');

		const note = randomBytes(3000);
		const voice = await sendFile(chatId, note, 'note.ogg', 'audio/ogg', {
			sendAs: 'voice',
			duration: 7,
		});
		assert.equal(voice.error, undefined, voice.error?.message);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(note));
		assert.deepEqual(
			[read.media?.attributes, read.media?.voice, read.media?.duration, read.media?.title],
			[['voice', 'filename'], true, 7, undefined],
		);
	});

	test('a thumbnail larger than 90 px or not a JPEG is a clear field error; nothing is sent', async () => {
		const chatId = await acceptedChat();
		const before = fake.encryptedChats[0].messages.length;
		for (const thumbnail of [jpegOf(320, 180, 100), Buffer.from('not a picture')]) {
			const result = await sendFile(
				chatId,
				randomBytes(1000),
				'clip.mp4',
				'video/mp4',
				{ sendAs: 'video', options: { thumbnailBinaryProperty: 'thumb' } },
				thumbnail,
			);
			assert.match(String(result.error?.message), /Thumbnail/);
		}
		assert.equal(fake.encryptedChats[0].messages.length, before);
	});

	test('the trigger puts the duration and size of a video, the title of audio and the duration of a voice message in its items', async () => {
		const chatId = await acceptedChat();
		const emitted = await listen({ events: ['secretMessage'], downloadMedia: true });
		const clip = randomBytes(2000);
		const video = await peer.encryptFile(clip, {
			media: 'video',
			mimeType: 'video/mp4',
			fileName: 'clip.mp4',
			duration: 42,
			w: 1280,
			h: 720,
			thumb: { bytes: jpegOf(90, 51, 300), w: 90, h: 51 },
		});
		fake.sendEncryptedFileAs(ALICE, chatId, video.data, {
			bytes: video.file,
			keyFingerprint: video.fileKeyFingerprint,
		});
		const videoItem = await emitted.until(() => emitted.whole[0]);
		assert.deepEqual(videoItem.json.media, {
			type: 'video',
			fileName: 'clip.mp4',
			mimeType: 'video/mp4',
			size: clip.length,
			width: 1280,
			height: 720,
			duration: 42,
			caption: '',
		});
		assert.ok(Buffer.from(videoItem.binary?.data.data ?? '', 'base64').equals(clip));

		const song = await peer.encryptFile(randomBytes(900), {
			media: 'audio',
			mimeType: 'audio/mpeg',
			fileName: 'song.mp3',
			duration: 200,
			title: 'Song',
			performer: 'Band',
		});
		fake.sendEncryptedFileAs(ALICE, chatId, song.data, {
			bytes: song.file,
			keyFingerprint: song.fileKeyFingerprint,
		});
		const songItem = await emitted.until(() => emitted.whole[1]);
		assert.deepEqual(
			[
				(songItem.json.media as IDataObject).type,
				(songItem.json.media as IDataObject).duration,
				(songItem.json.media as IDataObject).title,
				(songItem.json.media as IDataObject).performer,
			],
			['audio', 200, 'Song', 'Band'],
		);

		const voice = await peer.encryptFile(randomBytes(800), {
			media: 'voice',
			mimeType: 'audio/ogg',
			duration: 7,
		});
		fake.sendEncryptedFileAs(ALICE, chatId, voice.data, {
			bytes: voice.file,
			keyFingerprint: voice.fileKeyFingerprint,
		});
		const voiceItem = await emitted.until(() => emitted.whole[2]);
		assert.deepEqual(
			[(voiceItem.json.media as IDataObject).type, (voiceItem.json.media as IDataObject).duration],
			['voice', 7],
		);
	});

	test('to a peer on layer 144 a document goes with its layer-143 constructor (a long size), as TDLib sends it', async () => {
		const chatId = await acceptedChat();
		await listen({ events: ['secretMessage'] });
		await peer.setLayer(144);
		const notice = await peer.encryptAction({ kind: 'notifyLayer', layer: 144 });
		fake.sendEncryptedAs(ALICE, chatId, notice.data, { service: true, randomId: notice.randomId });
		for (let attempt = 0; ; attempt++) {
			const listed = await run({ operation: 'getAll', returnAll: true });
			if (listed.items.some((item) => item.json.chatId === chatId && item.json.layer === 144))
				break;
			assert.ok(attempt < 200, "the trigger never stored the peer's layer 144");
			await new Promise((resolveWait) => setTimeout(resolveWait, 20));
		}
		const song = randomBytes(4000);
		const sent = await sendFile(chatId, song, 'song.mp3', 'audio/mpeg', {
			sendAs: 'audio',
			duration: 3,
		});
		assert.equal(sent.error, undefined, sent.error?.message);
		assert.equal(sent.items[0].json.layer, 144);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.equal(read.layer, 144);
		assert.deepEqual(
			[read.media?.constructorName, read.media?.size, read.media?.duration],
			['document143', song.length, 3],
		);
		assert.ok(read.file?.equals(song));
		// A photo has one constructor in every layer.
		const picture = pngOf(64, 64, 500);
		assert.equal((await sendFile(chatId, picture, 'p.png', 'image/png')).error, undefined);
		const photo = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.equal(photo.media?.constructorName, 'photo');
	});

	test("a video's duration, width and height left at 0 are read from the MP4 itself", async () => {
		const chatId = await acceptedChat();
		const clip = mp4Of(12, 1920, 1080, 5000);
		const sent = await sendFile(chatId, clip, 'clip.mp4', 'video/mp4', { sendAs: 'video' });
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(clip));
		assert.deepEqual([read.media?.duration, read.media?.w, read.media?.h], [12, 1920, 1080]);
		// What is given wins; a file that is no MP4 keeps 0.
		const given = await sendFile(chatId, clip, 'clip.mp4', 'video/mp4', {
			sendAs: 'video',
			duration: 30,
		});
		assert.equal(given.error, undefined, given.error?.message);
		const readGiven = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.deepEqual([readGiven.media?.duration, readGiven.media?.w], [30, 1920]);
		const raw = await sendFile(chatId, randomBytes(900), 'clip.webm', 'video/webm', {
			sendAs: 'video',
		});
		assert.equal(raw.error, undefined, raw.error?.message);
		const readRaw = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.deepEqual([readRaw.media?.duration, readRaw.media?.w], [0, 0]);
	});

	test("a voice message's duration left at 0 is read from its Ogg Opus pages", async () => {
		const chatId = await acceptedChat();
		const note = opusOf(9);
		const sent = await sendFile(chatId, note, 'note.ogg', 'audio/ogg', { sendAs: 'voice' });
		assert.equal(sent.error, undefined, sent.error?.message);
		const read = await peerReads(await fake.nextEncryptedMessage(ALICE, chatId));
		assert.ok(read.file?.equals(note));
		assert.deepEqual([read.media?.voice, read.media?.duration], [true, 9]);
		assert.equal(sent.items[0].json.duration, 9);
	});
});
