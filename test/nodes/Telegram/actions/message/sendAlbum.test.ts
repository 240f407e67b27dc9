import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { binaryFile, withBinaryInput } from '../../../../harness/binaryInput';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import { callsOf, runTelegram, sendCalls, useTelegramFake } from '../../setup';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const album = (media: IDataObject[], extra: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: 'sendAlbum',
	chat: '@alice_test',
	media: { items: media },
	sendWhen: 'now',
	...extra,
});

const fromBinary = (binaryProperty: string, caption = '', kind = 'auto'): IDataObject => ({
	source: 'binary',
	binaryProperty,
	caption,
	kind,
});
const fromUrl = (url: string, caption = '', kind = 'auto'): IDataObject => ({
	source: 'url',
	url,
	caption,
	kind,
});

describe('Telegram: Message > Send Album', () => {
	let fake: TelegramFake;
	useTelegramFake((started) => (fake = started));

	const sunrise = Buffer.alloc(700 * 1024, 'a');
	const sunset = Buffer.from('a small second photo');
	const photos = () => ({
		first: binaryFile(sunrise, 'sunrise.jpg', 'image/jpeg'),
		second: binaryFile(sunset, 'sunset.png', 'image/png'),
	});

	test('sends two photos from binary properties as one album, each with its caption', async () => {
		const result = await withBinaryInput(
			[photos()],
			async () =>
				await runTelegram(fake, {
					parameters: album([fromBinary('first', 'Sunrise'), fromBinary('second', 'Sunset')]),
				}),
		);
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 2);
		const [one, two] = fake.messages;
		assert.deepEqual([one.text, two.text], ['Sunrise', 'Sunset']);
		assert.deepEqual([one.media?.kind, two.media?.kind], ['photo', 'photo']);
		assert.deepEqual([one.media?.sha256, two.media?.sha256], [sha256(sunrise), sha256(sunset)]);
		assert.ok(one.groupedId !== undefined && one.groupedId === two.groupedId);
		assert.equal(
			callsOf(fake, 'upload.SaveFilePart'),
			3,
			'the 700 KB photo in two parts, the small one in one',
		);
		assert.equal(callsOf(fake, 'messages.SendMultiMedia'), 1);
		assert.deepEqual(result.items[0].json.messageIds, [one.id, two.id]);
		assert.deepEqual(result.items[0].pairedItem, { item: 0 });
	});

	test('schedules photos from URLs (Telegram fetches them), silently, as a reply', async () => {
		const result = await runTelegram(fake, {
			parameters: album(
				[fromUrl('https://example.com/a.jpg', 'A'), fromUrl('https://example.com/b.png', 'B')],
				{
					sendWhen: 'at',
					sendAt: '={{ $now.plus({ days: 1 }).toISO() }}',
					options: { silent: true, replyToMessageId: 3 },
				},
			),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 0);
		assert.equal(fake.scheduled.length, 2);
		assert.deepEqual(
			fake.scheduled.map((message) => message.media?.url),
			['https://example.com/a.jpg', 'https://example.com/b.png'],
		);
		assert.ok(fake.scheduled.every((message) => message.silent && message.replyToMsgId === 3));
		assert.equal(result.items[0].json.scheduled, true);
	});

	describe('URL items sent as videos', () => {
		const clip = Buffer.from('not really an mp4, but bytes to upload');
		let files: Server;
		let base = '';
		before(async () => {
			files = createServer((request, response) => {
				if (request.url === '/clip.mp4') {
					response.writeHead(200, { 'content-type': 'video/mp4' });
					response.end(clip);
				} else if (request.url === '/raw-clip') {
					response.writeHead(200, { 'content-type': 'application/octet-stream' });
					response.end(clip);
				} else {
					response.writeHead(404);
					response.end();
				}
			});
			await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
			base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
		});
		after(async () => await new Promise<void>((resolve) => files.close(() => resolve())));

		test('a photo URL and an .mp4 URL make one album: the video is fetched and uploaded as a video', async () => {
			const result = await runTelegram(fake, {
				parameters: album([
					fromUrl('https://example.com/a.jpg', 'photo'),
					fromUrl(`${base}/clip.mp4`, 'clip'),
				]),
			});
			assert.equal(result.error, undefined, result.error?.message);
			assert.deepEqual(
				fake.messages.map((m) => [m.media?.kind, m.media?.url, m.media?.fileName]),
				[
					['photo', 'https://example.com/a.jpg', 'a.jpg'],
					['video', undefined, 'clip.mp4'],
				],
			);
			assert.equal(fake.messages[1].media?.sha256, sha256(clip));
			assert.equal(fake.messages[1].media?.mimeType, 'video/mp4');
		});

		test('Send As: Video turns a URL without a video extension into a video too', async () => {
			const result = await runTelegram(fake, {
				parameters: album([
					fromUrl('https://example.com/a.jpg'),
					fromUrl(`${base}/raw-clip`, '', 'video'),
				]),
			});
			assert.equal(result.error, undefined, result.error?.message);
			assert.deepEqual(
				fake.messages.map((m) => m.media?.kind),
				['photo', 'video'],
			);
		});

		test('a video URL that cannot be fetched fails the item before anything is sent', async () => {
			const result = await runTelegram(fake, {
				parameters: album([fromUrl('https://example.com/a.jpg'), fromUrl(`${base}/missing.mp4`)]),
			});
			assert.match(
				result.error?.message ?? '',
				/'Media item 2 URL' .* could not be downloaded to send as a video: the server answered HTTP 404/,
			);
			assert.equal(sendCalls(fake), 0);
		});
	});

	test('mixes a photo and a video from binary properties', async () => {
		const files = {
			photo: binaryFile(Buffer.from('jpeg bytes'), 'p.jpg', 'image/jpeg'),
			clip: binaryFile(Buffer.from('mp4 bytes'), 'clip.mp4', 'video/mp4'),
		};
		const result = await withBinaryInput(
			[files],
			async () =>
				await runTelegram(fake, { parameters: album([fromBinary('photo'), fromBinary('clip')]) }),
		);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.messages.map((message) => message.media?.kind),
			['photo', 'video'],
		);
	});

	test('sends documents with documents', async () => {
		const files = {
			a: binaryFile(Buffer.from('%PDF-1.4 one'), 'one.pdf', 'application/pdf'),
			b: binaryFile(Buffer.from('two'), 'two.txt', 'text/plain'),
		};
		const result = await withBinaryInput(
			[files],
			async () =>
				await runTelegram(fake, { parameters: album([fromBinary('a'), fromBinary('b')]) }),
		);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(
			fake.messages.map((message) => [message.media?.kind, message.media?.fileName]),
			[
				['document', 'one.pdf'],
				['document', 'two.txt'],
			],
		);
	});

	test('an album whose answer was lost is not sent twice: the repeat gets the originals, and the output names them', async () => {
		fake.dropConnectionNext('messages.SendMultiMedia', 'after-apply');
		const result = await runTelegram(fake, {
			parameters: album([
				fromUrl('https://example.com/a.jpg'),
				fromUrl('https://example.com/b.jpg'),
			]),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.messages.length, 2);
		assert.equal(
			callsOf(fake, 'messages.SendMultiMedia'),
			2,
			'gramjs repeated the request after reconnecting',
		);
		assert.deepEqual(
			result.items[0].json.messageIds,
			fake.messages.map((message) => message.id),
		);
		assert.equal(result.items[0].json.alreadySent, false);
	});

	test('an album that reaches Telegram less than 10 s before its time is sent at once, and the output says so', async () => {
		// The node accepts 60 s ahead; the album arrives (say after a slow upload) 55 s later.
		fake.clockAheadMs = 55_000;
		const result = await runTelegram(fake, {
			parameters: album(
				[fromUrl('https://example.com/a.jpg', 'one'), fromUrl('https://example.com/b.jpg', 'two')],
				{ sendWhen: 'at', sendAt: '={{ $now.plus({ seconds: 60 }).toISO() }}' },
			),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled.length, 0);
		assert.equal(fake.messages.length, 2);
		const output = result.items[0].json;
		assert.equal(output.scheduled, false);
		assert.equal(output.scheduledFor, undefined);
		assert.match(String(output.note), /sent it at once/);
		assert.deepEqual(
			(output.messages as IDataObject[]).map((message) => message.scheduled),
			[false, false],
		);
	});

	test('an album scheduled well ahead says scheduled, on top and per message', async () => {
		const result = await runTelegram(fake, {
			parameters: album(
				[fromUrl('https://example.com/a.jpg', 'one'), fromUrl('https://example.com/b.jpg', 'two')],
				{ sendWhen: 'at', sendAt: '={{ $now.plus({ hours: 1 }).toISO() }}' },
			),
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.equal(fake.scheduled.length, 2);
		const output = result.items[0].json;
		assert.equal(output.scheduled, true);
		assert.equal(Date.parse(String(output.scheduledFor)) / 1000, fake.scheduled[0].scheduleDate);
		assert.deepEqual(
			(output.messages as IDataObject[]).map((message) => message.scheduled),
			[true, true],
		);
	});

	const withCaptions = async (first: string, second: string) =>
		await withBinaryInput(
			[photos()],
			async () =>
				await runTelegram(fake, {
					parameters: album([fromBinary('first', first), fromBinary('second', second)]),
				}),
		);

	test("a caption longer than the account's limit is refused before any upload or send", async () => {
		const result = await withCaptions('Sunrise', 'y'.repeat(1025));
		assert.match(
			result.error?.message ?? '',
			/'Caption of item 2 of the album' \(under the photo sunset\.png\) is 1025 characters long .*more than the 1024 Telegram allows this account \(without Premium\)/,
		);
		assert.match(
			String(result.error?.description),
			/Shorten it to 1024 characters or fewer, or send from a Telegram Premium account, whose captions may have up to 2048/,
		);
		assert.equal(callsOf(fake, 'upload.SaveFilePart'), 0, 'no file was uploaded');
		assert.equal(sendCalls(fake), 0);
		assert.equal(fake.uploads.size, 0);
		assert.equal(fake.messages.length, 0);
	});

	test('a Premium account may send the longer caption, up to its own limit', async () => {
		fake.me.premium = true;
		const long = 'p'.repeat(2000);
		const sent = await withCaptions(long, 'Sunset');
		assert.equal(sent.error, undefined, sent.error?.message);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			[long, 'Sunset'],
		);
		const uploads = callsOf(fake, 'upload.SaveFilePart');
		const tooLong = await withCaptions('p'.repeat(2049), 'Sunset');
		assert.match(
			tooLong.error?.message ?? '',
			/'Caption of item 1 of the album' \(under the photo sunrise\.jpg\) is 2049 characters long .*more than the 2048 Telegram allows this Premium account/,
		);
		assert.doesNotMatch(String(tooLong.error?.description), /Premium/);
		assert.equal(callsOf(fake, 'upload.SaveFilePart'), uploads, 'nothing more was uploaded');
		assert.equal(callsOf(fake, 'messages.SendMultiMedia'), 1);
	});

	test('without an app config the caption limit is the one help.getConfig says, for every account', async () => {
		fake.injectError('help.GetAppConfig', { code: 400, message: 'METHOD_NOT_IMPLEMENTED' });
		fake.me.premium = true;
		const result = await withCaptions('q'.repeat(1025), 'Sunset');
		assert.match(
			result.error?.message ?? '',
			/'Caption of item 1 of the album' .* is 1025 characters long .*more than the 1024/,
		);
		assert.equal(sendCalls(fake), 0);
	});

	const refusals: Array<[string, IDataObject[], RegExp]> = [
		[
			'one item',
			[fromUrl('https://example.com/a.jpg')],
			/'Media' has 1 item, but an album holds 2 to 10/,
		],
		[
			'eleven items',
			Array.from({ length: 11 }, (_unused, index) => fromUrl(`https://example.com/${index}.jpg`)),
			/'Media' has 11 items, but an album holds 2 to 10/,
		],
		[
			'a document with a photo',
			[fromUrl('https://example.com/a.jpg'), fromUrl('https://example.com/b.pdf')],
			/'Media' mixes 1 document with photos or videos/,
		],
		[
			'a URL that is none',
			[fromUrl('https://example.com/a.jpg'), fromUrl('ftp:/nope')],
			/'Media item 2 URL' \("ftp:\/nope"\) is not an http\(s\) address/,
		],
		[
			'a missing binary property',
			[fromBinary('first'), fromBinary('nothing_here')],
			/nothing_here/,
		],
	];
	test('refuses a negative Reply To Message ID before uploading or sending anything', async () => {
		const media = [fromUrl('https://example.com/a.jpg'), fromUrl('https://example.com/b.jpg')];
		const result = await runTelegram(fake, {
			parameters: album(media, { options: { replyToMessageId: -5 } }),
		});
		assert.match(result.error?.message ?? '', /'Reply To Message ID' \(-5\) is not a message ID/);
		assert.equal(sendCalls(fake), 0);
		assert.equal(fake.messages.length + fake.scheduled.length, 0);
	});

	for (const [name, media, expected] of refusals) {
		test(`refuses ${name} before uploading or sending anything`, async () => {
			const result = await withBinaryInput(
				[photos()],
				async () => await runTelegram(fake, { parameters: album(media) }),
			);
			assert.match(result.error?.message ?? '', expected);
			assert.equal(sendCalls(fake), 0);
			assert.equal(fake.messages.length + fake.scheduled.length, 0);
		});
	}

	test('an album of 10 prepares its parts a few at a time (at most 4), in the order given', async () => {
		// Slow answers let the fake see how many parts were prepared at once on the one connection.
		fake.delayAnswers('messages.UploadMedia', 30);
		const files = Object.fromEntries(
			Array.from({ length: 10 }, (_, index) => [
				`photo${index}`,
				binaryFile(Buffer.from(`photo number ${index}`), `photo${index}.jpg`, 'image/jpeg'),
			]),
		);
		const result = await withBinaryInput(
			[files],
			async () =>
				await runTelegram(fake, {
					parameters: album(
						Object.keys(files).map((name, index) => fromBinary(name, `Part ${index + 1}`)),
					),
				}),
		);
		assert.equal(result.error, undefined, result.error?.message);
		const atOnce = fake.mostUnansweredAtOnce('messages.UploadMedia');
		assert.ok(atOnce > 1 && atOnce <= 4, `${atOnce} parts were prepared at once`);
		assert.deepEqual(
			fake.messages.map((message) => message.text),
			Array.from({ length: 10 }, (_, index) => `Part ${index + 1}`),
		);
		assert.equal(callsOf(fake, 'messages.SendMultiMedia'), 1);
	});
});
