import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import type { Api } from 'telegram';
import type { TelegramFake } from '../../fakes/telegram/server';
import { useTelegramFake } from './setup';
import { listenTrigger, type EmittedItems } from './fixtures/listenTrigger';

/**
 * Download Media: a message's photo or document becomes the item's binary data (upload.getFile in
 * Telegram's part sizes), off by default; a file over Max File Size comes without binary data and
 * with `mediaNotDownloaded` saying why; an expired file reference is refreshed once.
 */

const ALICE = 5000002n;
const MB = 1024 * 1024;

describe('Telegram Trigger: Download Media', () => {
	let fake: TelegramFake;
	const stops: Array<() => Promise<void>> = [];
	useTelegramFake((started) => (fake = started));
	afterEach(async () => {
		for (const stop of stops.splice(0)) await stop();
	});

	const getFileCalls = () =>
		fake.requests.filter((request) => request.name === 'upload.GetFile' && !request.error);
	const nextWhole = async (emitted: EmittedItems, text: string) =>
		await emitted.until(() => emitted.whole.find((item) => item.json.text === text));

	test('a document becomes binary data, downloaded in 512 KB parts', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'], downloadMedia: true, maxMediaSizeMb: 2 },
			stops,
		);
		const bytes = randomBytes(Math.floor(1.3 * MB));
		fake.receiveMessage(ALICE, 'the report', {
			media: { kind: 'document', bytes, fileName: 'report.pdf', mimeType: 'application/pdf' },
		});
		const item = await nextWhole(emitted, 'the report');
		const file = item.binary?.data;
		assert.ok(file, 'binary data under "data"');
		assert.equal(file.fileName, 'report.pdf');
		assert.equal(file.mimeType, 'application/pdf');
		assert.ok(Buffer.from(file.data, 'base64').equals(bytes));
		assert.deepEqual(
			getFileCalls().map((call) => Number((call.request as Api.upload.GetFile).offset)),
			[0, 512 * 1024, 1024 * 1024],
		);
		assert.equal(item.json.mediaNotDownloaded, undefined);

		const photo = randomBytes(40_000);
		fake.receiveMessage(ALICE, 'a photo', { media: { kind: 'photo', bytes: photo } });
		const photoItem = await nextWhole(emitted, 'a photo');
		assert.equal(photoItem.binary?.data.mimeType, 'image/jpeg');
		assert.ok(Buffer.from(photoItem.binary?.data.data ?? '', 'base64').equals(photo));
	});

	test('a file over Max File Size: the item comes without binary data, saying why; nothing downloaded', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'], downloadMedia: true, maxMediaSizeMb: 1 },
			stops,
		);
		fake.receiveMessage(ALICE, 'too big', {
			media: {
				kind: 'video',
				bytes: randomBytes(MB + 1),
				fileName: 'clip.mp4',
				mimeType: 'video/mp4',
			},
		});
		const item = await nextWhole(emitted, 'too big');
		assert.equal(item.binary, undefined);
		assert.match(String(item.json.mediaNotDownloaded), /1\.0 MB.*Max File Size \(1 MB\)/);
		assert.equal(getFileCalls().length, 0);
	});

	test('off by default: the item describes the media, nothing is downloaded', async () => {
		const { emitted } = await listenTrigger(fake, { events: ['message'] }, stops);
		fake.receiveMessage(ALICE, 'just a photo', {
			media: { kind: 'photo', bytes: randomBytes(1000) },
		});
		const item = await nextWhole(emitted, 'just a photo');
		assert.equal(item.binary, undefined);
		assert.deepEqual(item.json.media, { kind: 'photo' });
		assert.equal(getFileCalls().length, 0);
	});

	test('an expired file reference is refreshed by fetching the message again', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'], downloadMedia: true },
			stops,
		);
		const bytes = randomBytes(5000);
		fake.receiveMessage(ALICE, 'old reference', {
			media: { kind: 'document', bytes, fileName: 'a.bin' },
		});
		// The update already went out with the reference that now expires.
		fake.expireFileReferences();
		const item = await nextWhole(emitted, 'old reference');
		assert.ok(Buffer.from(item.binary?.data.data ?? '', 'base64').equals(bytes));
		assert.ok(fake.requests.some((request) => request.error?.message === 'FILE_REFERENCE_EXPIRED'));
		assert.ok(fake.requests.some((request) => request.name === 'messages.GetMessages'));
	});

	test('a file stored on another data center is downloaded from there (FILE_MIGRATE_X)', async () => {
		const { emitted } = await listenTrigger(
			fake,
			{ events: ['message'], downloadMedia: true },
			stops,
		);
		const bytes = randomBytes(70_000);
		fake.receiveMessage(ALICE, 'from dc 4', {
			media: { kind: 'document', bytes, fileName: 'far.bin', dcId: 4 },
		});
		const item = await nextWhole(emitted, 'from dc 4');
		assert.equal(item.json.mediaNotDownloaded, undefined);
		assert.ok(Buffer.from(item.binary?.data.data ?? '', 'base64').equals(bytes));
		const served = getFileCalls();
		assert.ok(served.length > 0 && served.every((call) => call.dcId === 4), 'asked on DC 4');
	});
});
