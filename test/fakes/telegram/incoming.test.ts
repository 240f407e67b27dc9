import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { TelegramFake } from './server';
import { closeFakeClient, connectedFakeClient } from './testClient';

/**
 * What other accounts do, played by the test: incoming media and albums, edits and deletions
 * (pushed, and kept for getDifference), and the files served by upload.getFile with Telegram's
 * offset/limit rules and file references.
 */

const NEWS = 1700000001n;
const MB = 1024 * 1024;

describe('Telegram fake: incoming messages, edits, deletions and downloads', () => {
	let fake: TelegramFake;
	let client: TelegramClient;
	before(async () => {
		fake = await TelegramFake.start();
		client = await connectedFakeClient(fake);
	});
	after(async () => {
		await closeFakeClient(client);
		await fake.stop();
	});
	beforeEach(() => fake.reset());

	const alice = () => fake.users.find((user) => user.username === 'alice_test')!.id;
	const difference = async (pts: number) =>
		await client.invoke(new Api.updates.GetDifference({ pts, date: 1, qts: 0 }));
	const news = () =>
		new Api.InputChannel({
			channelId: bigInt(NEWS.toString()),
			accessHash: bigInt(fake.channels[0].accessHash.toString()),
		});

	test('edits and deletions are numbered in the box and returned by getDifference', async () => {
		const { id } = fake.receiveMessage(alice(), 'first');
		const editPts = fake.editReceived(id, 'first, edited');
		const deletePts = fake.deleteReceived([id]);
		assert.deepEqual([editPts, deletePts], [2, 3]);
		const all = await difference(1);
		assert.ok(all instanceof Api.updates.Difference);
		const [edit, deletion] = all.otherUpdates;
		assert.ok(edit instanceof Api.UpdateEditMessage);
		assert.equal((edit.message as Api.Message).message, 'first, edited');
		assert.ok((edit.message as Api.Message).editDate);
		assert.ok(deletion instanceof Api.UpdateDeleteMessages);
		assert.deepEqual([deletion.messages, deletion.pts, deletion.ptsCount], [[id], 3, 1]);
		assert.ok(all.users.some((user) => String(user.id) === alice().toString()));

		const post = fake.postToChannel(NEWS, 'post');
		fake.editReceived(post.id, 'post, edited', { channelId: NEWS });
		fake.deleteReceived([post.id], { channelId: NEWS });
		const channel = await client.invoke(
			new Api.updates.GetChannelDifference({
				channel: news(),
				filter: new Api.ChannelMessagesFilterEmpty(),
				pts: post.pts,
				limit: 10,
			}),
		);
		assert.ok(channel instanceof Api.updates.ChannelDifference);
		const [channelEdit, channelDeletion] = channel.otherUpdates;
		assert.ok(channelEdit instanceof Api.UpdateEditChannelMessage);
		assert.ok(channelDeletion instanceof Api.UpdateDeleteChannelMessages);
		assert.equal(String(channelDeletion.channelId), NEWS.toString());
		assert.throws(() => fake.editReceived(post.id, 'again', { channelId: NEWS }), /no message/);
	});

	test('a received file is served in parts under Telegram rules; old file references expire', async () => {
		const bytes = randomBytes(MB + 5000);
		const { id } = fake.receiveMessage(alice(), 'report', {
			media: { kind: 'document', bytes, fileName: 'report.pdf', mimeType: 'application/pdf' },
		});
		const fetched = await client.invoke(
			new Api.messages.GetMessages({ id: [new Api.InputMessageID({ id })] }),
		);
		assert.ok(fetched instanceof Api.messages.Messages);
		const document = ((fetched.messages[0] as Api.Message).media as Api.MessageMediaDocument)
			.document as Api.Document;
		assert.equal(Number(document.size), bytes.length);
		const location = (fileReference = document.fileReference) =>
			new Api.InputDocumentFileLocation({
				id: document.id,
				accessHash: document.accessHash,
				fileReference,
				thumbSize: '',
			});
		const part = async (offset: number, limit: number, precise = false) =>
			(await client.invoke(
				new Api.upload.GetFile({ location: location(), offset: bigInt(offset), limit, precise }),
			)) as Api.upload.File;
		const parts: Buffer[] = [];
		for (let offset = 0; ; offset += 512 * 1024) {
			const chunk = await part(offset, 512 * 1024);
			parts.push(Buffer.from(chunk.bytes));
			if (chunk.bytes.length < 512 * 1024) break;
		}
		assert.ok(Buffer.concat(parts).equals(bytes));
		await assert.rejects(part(1000, 4096), /OFFSET_INVALID/);
		await assert.rejects(part(0, 3000), /LIMIT_INVALID/);
		await assert.rejects(part(0, 3 * 4096), /LIMIT_INVALID/, '1 MB is not a multiple of it');
		await assert.rejects(part(MB - 4096, 8192, true), /LIMIT_INVALID/, 'crosses 1 MB');
		assert.equal((await part(1024, 2048, true)).bytes.length, 2048);

		fake.expireFileReferences();
		await assert.rejects(part(0, 4096), /FILE_REFERENCE_EXPIRED/);
		const again = (await client.invoke(
			new Api.messages.GetMessages({ id: [new Api.InputMessageID({ id })] }),
		)) as Api.messages.Messages;
		const fresh = (
			((again.messages[0] as Api.Message).media as Api.MessageMediaDocument)
				.document as Api.Document
		).fileReference;
		const refreshed = (await client.invoke(
			new Api.upload.GetFile({ location: location(fresh), offset: bigInt(0), limit: 4096 }),
		)) as Api.upload.File;
		assert.ok(Buffer.from(refreshed.bytes).equals(bytes.subarray(0, 4096)));
	});

	test('an album arrives in one push, its parts sharing a grouped_id', async () => {
		const second = randomBytes(3000);
		const ids = fake.receiveAlbum(alice(), [
			{ media: { kind: 'photo', bytes: randomBytes(2000) }, text: 'two photos' },
			{ media: { kind: 'photo', bytes: second } },
		]);
		const all = await difference(0);
		assert.ok(all instanceof Api.updates.Difference);
		const messages = all.newMessages as Api.Message[];
		assert.deepEqual(
			messages.map((message) => message.id),
			ids.map(({ id }) => id),
		);
		assert.ok(messages[0].groupedId);
		assert.equal(String(messages[0].groupedId), String(messages[1].groupedId));
		const photoOf = (message: Api.Message) =>
			(message.media as Api.MessageMediaPhoto).photo as Api.Photo;
		const served = (await client.invoke(
			new Api.upload.GetFile({
				location: new Api.InputPhotoFileLocation({
					id: photoOf(messages[1]).id,
					accessHash: photoOf(messages[1]).accessHash,
					fileReference: photoOf(messages[1]).fileReference,
					thumbSize: 'y',
				}),
				offset: bigInt(0),
				limit: 4096,
			}),
		)) as Api.upload.File;
		assert.ok(Buffer.from(served.bytes).equals(second));
		assert.ok(served.type instanceof Api.storage.FileJpeg);
	});

	test("a chat where only the other side wrote is in the account's dialogs; a deletion takes it out", async () => {
		const { id } = fake.receiveMessage(alice(), 'hello');
		const dialogs = async () =>
			(await client.invoke(
				new Api.messages.GetDialogs({
					offsetPeer: new Api.InputPeerEmpty(),
					limit: 10,
					hash: bigInt(0),
				}),
			)) as Api.messages.Dialogs;
		const listed = await dialogs();
		assert.deepEqual(
			listed.dialogs.map((dialog) => String((dialog.peer as Api.PeerUser).userId)),
			[alice().toString()],
		);
		assert.equal((listed.messages[0] as Api.Message).message, 'hello');
		fake.deleteReceived([id]);
		assert.deepEqual((await dialogs()).dialogs, []);
	});

	test('the account deletes messages: its box and a channel, unknown ids ignored, kept for getDifference', async () => {
		const start = await client.invoke(new Api.updates.GetState());
		const sent = await client.sendMessage('@alice_test', { message: 'mine' });
		const got = fake.receiveMessage(alice(), 'theirs');
		const affected = await client.invoke(
			new Api.messages.DeleteMessages({ id: [sent.id, got.id, 999], revoke: true }),
		);
		assert.deepEqual([affected.pts, affected.ptsCount], [start.pts + 4, 2]);
		assert.equal(fake.messages.length, 0);
		const after = await difference(start.pts);
		assert.ok(after instanceof Api.updates.Difference);
		const deletion = after.otherUpdates.find((u) => u instanceof Api.UpdateDeleteMessages);
		assert.deepEqual((deletion as Api.UpdateDeleteMessages).messages, [got.id, sent.id]);

		const post = fake.postToChannel(NEWS, 'post');
		const inChannel = await client.invoke(
			new Api.channels.DeleteMessages({ channel: news(), id: [post.id] }),
		);
		assert.deepEqual([inChannel.pts, inChannel.ptsCount], [post.pts + 1, 1]);
		assert.ok(fake.received.find((r) => r.id === post.id)?.deleted);
	});
});
