import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import { credentialData, runTelegram, scheduleTexts, useTelegramFake } from '../../setup';

describe('Telegram: Scheduled Message > Get Many', () => {
	let fake: TelegramFake;
	let credential: ICredentialDataDecryptedObject;
	useTelegramFake((started) => (fake = started));
	beforeEach(() => {
		credential = credentialData(fake);
	});

	const schedule = async (chat: string, texts: string[]) =>
		await scheduleTexts(fake, credential, chat, texts);

	test("Get Many lists the chat's scheduled messages, soonest first, up to the limit", async () => {
		await schedule('@alice_test', ['a1', 'a2', 'a3']);
		await schedule('@bob_test', ['b1']);
		const all = await runTelegram(fake, {
			credential,
			parameters: {
				resource: 'scheduledMessage',
				operation: 'getAll',
				chat: '@alice_test',
				returnAll: true,
			},
		});
		assert.equal(all.error, undefined, all.error?.message);
		assert.deepEqual(
			all.items.map((item) => item.json.text),
			['a1', 'a2', 'a3'],
		);
		assert.ok(
			all.items.every(
				(item) => item.json.scheduled === true && typeof item.json.scheduledFor === 'string',
			),
		);
		assert.deepEqual(
			all.items.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 0 }, { item: 0 }],
		);
		const some = await runTelegram(fake, {
			credential,
			parameters: {
				resource: 'scheduledMessage',
				operation: 'getAll',
				chat: '@alice_test',
				returnAll: false,
				limit: 2,
			},
		});
		assert.deepEqual(
			some.items.map((item) => item.json.text),
			['a1', 'a2'],
		);
	});
});
