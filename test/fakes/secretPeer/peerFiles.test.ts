import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { bytesFromBigint, TELEGRAM_DH_PRIME } from '../telegram/numbers';
import { PythonPeerError, startPythonPeer, telethonAvailable, type PythonPeer } from './pythonPeer';

/**
 * The peer's own file checks, peer to peer (no code of ours involved): what makes it a judge of
 * the files the node sends. A file that does not match the fingerprint or the size in its message
 * is refused, and a refusal changes nothing.
 */

const telethon = telethonAvailable();
const skip = telethon.ok ? false : telethon.reason;
const DH = { p: bytesFromBigint(TELEGRAM_DH_PRIME, 256), g: 3 };

describe('the Python peer: files in secret chats', { skip }, () => {
	const peers: PythonPeer[] = [];
	after(async () => await Promise.all(peers.map((peer) => peer.stop())));

	test('decrypts a file another peer sent byte for byte; refuses a wrong fingerprint or size', async () => {
		const [creator, participant] = [await startPythonPeer(), await startPythonPeer()];
		peers.push(creator, participant);
		const { gA } = await creator.request(DH);
		await creator.accepted(await participant.accept({ ...DH, gA }));

		const contents = randomBytes(70_001);
		const sent = await creator.encryptFile(contents, {
			media: 'document',
			fileName: 'a.bin',
			mimeType: 'application/x-test',
			caption: 'caption',
		});
		assert.equal(sent.file.length, 70_016, 'padded to whole AES blocks');
		await assert.rejects(
			participant.decrypt(sent.data, {
				bytes: sent.file,
				keyFingerprint: sent.fileKeyFingerprint ^ 1,
			}),
			(error: Error) => error instanceof PythonPeerError && /key_fingerprint/.test(error.message),
		);
		await assert.rejects(
			participant.decrypt(sent.data, {
				bytes: sent.file.subarray(0, sent.file.length - 16),
				keyFingerprint: sent.fileKeyFingerprint,
			}),
			/size mismatch/,
		);
		const read = await participant.decrypt(sent.data, {
			bytes: sent.file,
			keyFingerprint: sent.fileKeyFingerprint,
		});
		assert.ok(read.file?.equals(contents));
		assert.deepEqual(
			[read.media?.type, read.media?.fileName, read.media?.mimeType, read.media?.caption],
			['document', 'a.bin', 'application/x-test', 'caption'],
		);
		const forged = await creator.encryptFile(randomBytes(10), {
			media: 'photo',
			wrongFingerprint: true,
		});
		await assert.rejects(
			participant.decrypt(forged.data, {
				bytes: forged.file,
				keyFingerprint: forged.fileKeyFingerprint,
			}),
			/key_fingerprint/,
		);
	});

	test('reads and writes video and voice attributes and a thumbnail, peer to peer', async () => {
		const [creator, participant] = [await startPythonPeer(), await startPythonPeer()];
		peers.push(creator, participant);
		const { gA } = await creator.request(DH);
		await creator.accepted(await participant.accept({ ...DH, gA }));
		const read = async (sent: Awaited<ReturnType<PythonPeer['encryptFile']>>) =>
			await participant.decrypt(sent.data, {
				bytes: sent.file,
				keyFingerprint: sent.fileKeyFingerprint,
			});

		const thumb = randomBytes(700);
		const video = await read(
			await creator.encryptFile(randomBytes(3000), {
				media: 'video',
				mimeType: 'video/mp4',
				fileName: 'clip.mp4',
				duration: 42,
				w: 1280,
				h: 720,
				thumb: { bytes: thumb, w: 90, h: 51 },
			}),
		);
		assert.deepEqual(
			[video.media?.type, video.media?.attributes, video.media?.duration, video.media?.w],
			['document', ['video', 'filename'], 42, 1280],
		);
		assert.equal(video.media?.round, false);
		assert.ok(video.media?.thumb.equals(thumb));
		assert.deepEqual([video.media?.thumbW, video.media?.thumbH], [90, 51]);

		const voice = await read(
			await creator.encryptFile(randomBytes(500), { media: 'voice', duration: 7 }),
		);
		assert.deepEqual(
			[voice.media?.attributes, voice.media?.voice, voice.media?.duration, voice.media?.title],
			[['voice', 'filename'], true, 7, undefined],
		);
		assert.equal(voice.media?.thumb.length, 0);
		const song = await read(
			await creator.encryptFile(randomBytes(500), {
				media: 'audio',
				duration: 200,
				title: 'Song',
				performer: 'Band',
			}),
		);
		assert.deepEqual(
			[song.media?.voice, song.media?.title, song.media?.performer],
			[false, 'Song', 'Band'],
		);
	});
});
