import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from '../../../../fakes/telegram/server';
import { callsOf, credentialData, runTelegram, scheduleTexts, useTelegramFake } from '../../setup';

describe('Telegram: Scheduled Message > Reschedule', () => {
	let fake: TelegramFake;
	let credential: ICredentialDataDecryptedObject;
	useTelegramFake((started) => (fake = started));
	beforeEach(() => {
		credential = credentialData(fake);
	});

	const schedule = async (chat: string, texts: string[]) =>
		await scheduleTexts(fake, credential, chat, texts);

	test('Reschedule moves a scheduled message; moving it to the same time again is fine', async () => {
		const [id] = await schedule('@alice_test', ['a1']);
		const parameters = {
			resource: 'scheduledMessage',
			operation: 'reschedule',
			chat: '@alice_test',
			messageId: id,
			newSendAt: '={{ $now.plus({ days: 2 }).startOf("minute").toISO() }}',
		};
		const result = await runTelegram(fake, { credential, parameters });
		assert.equal(result.error, undefined, result.error?.message);
		const expected = Math.floor(Date.now() / 60_000) * 60 + 2 * 86400;
		assert.ok(Math.abs((fake.scheduled[0].scheduleDate ?? 0) - expected) <= 60);
		assert.equal(result.items[0].json.rescheduled, true);
		assert.equal(result.items[0].json.alreadyAtThatTime, false);
		const again = await runTelegram(fake, { credential, parameters });
		assert.equal(again.error, undefined, again.error?.message);
		assert.equal(again.items[0].json.alreadyAtThatTime, true);
		assert.equal(fake.scheduled.length, 1);
	});

	test('Reschedule refuses a time out of the window before any call', async () => {
		const [id] = await schedule('@alice_test', ['a1']);
		const result = await runTelegram(fake, {
			credential,
			parameters: {
				resource: 'scheduledMessage',
				operation: 'reschedule',
				chat: '@alice_test',
				messageId: id,
				newSendAt: '={{ $now.plus({ days: 400 }).toISO() }}',
			},
		});
		assert.match(result.error?.message ?? '', /'New Send Time' .* is too far ahead/);
		assert.equal(callsOf(fake, 'messages.EditMessage'), 0);
	});
});
