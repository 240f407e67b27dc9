import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import type { TelegramFake } from '../../fakes/telegram/server';
import { credentialData, useTelegramFake } from './setup';
import { listenTrigger } from './fixtures/listenTrigger';

/**
 * An album (messages sharing a grouped_id) starts the workflow once, with every part (and each
 * part's file as binary data), not once per photo; the messages after it come after it.
 */

const ALICE = 5000002n;

describe('Telegram Trigger: albums', () => {
	let fake: TelegramFake;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
	});

	const photos = (count: number) => Array.from({ length: count }, () => randomBytes(2000));

	test('three photos arrive as one item with all parts and their files', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'], downloadMedia: true },
			stops,
		);
		const files = photos(3);
		const parts = fake.receiveAlbum(ALICE, [
			{ media: { kind: 'photo', bytes: files[0] }, text: 'holiday' },
			{ media: { kind: 'photo', bytes: files[1] } },
			{ media: { kind: 'photo', bytes: files[2] } },
		]);
		fake.receiveMessage(ALICE, 'after the album');
		await emitted.until(() => emitted.items.find((item) => item.text === 'after the album'));

		assert.equal(emitted.whole.length, 2, 'one item for the album, one for the message after it');
		const [album] = emitted.whole;
		const ids = parts.map((part) => part.id);
		assert.deepEqual(
			[album.json.messageId, album.json.messageIds, album.json.text, album.json.chatId],
			[ids[0], ids, 'holiday', ALICE.toString()],
		);
		assert.ok(album.json.albumId);
		const albumParts = album.json.parts as IDataObject[];
		assert.deepEqual(
			albumParts.map((part) => [
				part.messageId,
				part.binaryProperty,
				(part.media as IDataObject).kind,
			]),
			[
				[ids[0], 'data_0', 'photo'],
				[ids[1], 'data_1', 'photo'],
				[ids[2], 'data_2', 'photo'],
			],
		);
		files.forEach((bytes, index) =>
			assert.ok(Buffer.from(album.binary?.[`data_${index}`].data ?? '', 'base64').equals(bytes)),
		);
	});

	test('an album that arrived while the trigger was stopped is one item when it is back', async () => {
		const credential = credentialData(fake);
		const first = await listenTrigger(fake, { events: ['message'] }, stops, credential);
		await stops.pop()?.();
		const state = JSON.parse(JSON.stringify(first.host.workflow.staticData)) as IDataObject;
		const parts = fake.receiveAlbum(ALICE, [
			{ media: { kind: 'photo', bytes: randomBytes(100) } },
			{ media: { kind: 'photo', bytes: randomBytes(100) }, text: 'caption on the second' },
		]);
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'] },
			stops,
			credential,
			state,
		);
		fake.receiveMessage(ALICE, 'later');
		await emitted.until(() => emitted.items.find((item) => item.text === 'later'));
		assert.deepEqual(
			emitted.items.map((item) => [item.messageIds, item.text]),
			[
				[parts.map((part) => part.id), 'caption on the second'],
				[undefined, 'later'],
			],
		);
		assert.equal(emitted.whole[0].binary, undefined, 'Download Media is off');
	});
});
