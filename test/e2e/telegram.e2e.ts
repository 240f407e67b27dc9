import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { TelegramFake } from '../fakes/telegram/server';
import { executeWorkflow, importJson, prepareN8n, type N8nInstall } from './n8nCli';
import { telegramCredentialData } from '../fakes/telegram/credential';

const TYPE = 'n8n-nodes-scheduled-messaging.telegram';
const albumExample = JSON.parse(
	readFileSync(resolve(__dirname, '../../examples/telegram-weekly-album.json'), 'utf8'),
);

// A type alias (not an interface), so Record<string, unknown> converts to it.
type ExecutionResult = {
	data: {
		resultData: {
			error?: { message: string };
			runData: Record<
				string,
				Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>
			>;
		};
	};
};

/** The example's rule: today's 09:00 in the zone, or tomorrow's once 09:00 has come. */
function nextNineOClock(at: DateTime, zone: string): DateTime {
	const local = at.setZone(zone);
	return local
		.set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
		.plus({ days: local.hour < 9 ? 0 : 1 });
}

describe('Telegram through the real n8n CLI (the pack installed as n8n installs it)', () => {
	let fake: TelegramFake;
	let install: N8nInstall;
	before(async () => {
		fake = await TelegramFake.start();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				// The id and name the example workflow refers to.
				id: 'telegramAccount',
				name: 'Telegram account',
				type: 'telegramMtprotoApi',
				data: telegramCredentialData(fake),
			},
		]);
	});
	after(async () => await fake?.stop());

	test('a workflow schedules a message, lists it, and sends it now', async () => {
		const credentials = { telegramMtprotoApi: { id: 'telegramAccount', name: 'Telegram account' } };
		const node = (
			name: string,
			x: number,
			parameters: Record<string, unknown>,
			extra: Record<string, unknown> = {},
		) => ({
			id: `node-${x}`,
			name,
			type: TYPE,
			typeVersion: 1,
			position: [x, 0],
			parameters,
			credentials,
			...extra,
		});
		const workflow = {
			id: 'telegramE2eWorkflow',
			name: 'Telegram scheduled message end to end',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'start',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				node('Schedule', 200, {
					resource: 'message',
					operation: 'sendText',
					chat: '@alice_test',
					text: 'see you at 10',
					sendWhen: 'at',
					sendAt: '={{ $now.plus({ hours: 3 }).toISO() }}',
				}),
				node('List', 400, {
					resource: 'scheduledMessage',
					operation: 'getAll',
					chat: '@alice_test',
				}),
				node('Send Now', 600, {
					resource: 'scheduledMessage',
					operation: 'sendNow',
					chat: '@alice_test',
					messageIds: '={{ $json.messageId }}',
				}),
			],
			connections: {
				Start: { main: [[{ node: 'Schedule', type: 'main', index: 0 }]] },
				Schedule: { main: [[{ node: 'List', type: 'main', index: 0 }]] },
				List: { main: [[{ node: 'Send Now', type: 'main', index: 0 }]] },
			},
		};
		await importJson(install, 'workflow', [workflow]);
		const result = (await executeWorkflow(install, workflow.id)) as ExecutionResult;
		assert.equal(result.data.resultData.error, undefined, result.data.resultData.error?.message);
		assert.equal(fake.scheduled.length, 0, 'the scheduled message was sent now');
		const sent = fake.messages.filter((message) => message.text === 'see you at 10');
		assert.equal(sent.length, 1);
		assert.equal(sent[0].fromScheduled, true);
	});

	test('the weekly album example schedules its album for the next 09:00 in the workflow time zone', async () => {
		fake.reset();
		// A zone other than n8n's default and the machine's, to see the expression follow the workflow's.
		// In Tokyo's last minute before 09:00, 09:00 may be under Telegram's 10 s minimum away: use Berlin then.
		const tokyoNow = DateTime.now().setZone('Asia/Tokyo');
		const zone = tokyoNow.hour === 8 && tokyoNow.minute === 59 ? 'Europe/Berlin' : 'Asia/Tokyo';
		const workflow = {
			...albumExample,
			id: 'telegramAlbumExample',
			active: false,
			settings: { ...albumExample.settings, timezone: zone },
		};
		await importJson(install, 'workflow', [workflow]);
		const started = DateTime.now();
		const result = (await executeWorkflow(install, workflow.id)) as ExecutionResult;
		const finished = DateTime.now();
		assert.equal(result.data.resultData.error, undefined, result.data.resultData.error?.message);

		const expectedItems = albumExample.nodes.find(
			(node: { name: string }) => node.name === 'Schedule Weekly Album',
		).parameters.media.items as Array<{ url: string; caption: string }>;
		// The run may straddle 09:00; either side's answer is right, nothing else is.
		const expectedTimes = new Set([
			nextNineOClock(started, zone).toUnixInteger(),
			nextNineOClock(finished, zone).toUnixInteger(),
		]);

		assert.equal(fake.messages.length, 0, 'nothing was sent now');
		assert.equal(fake.scheduled.length, expectedItems.length);
		const [first] = fake.scheduled;
		assert.ok(
			expectedTimes.has(first.scheduleDate as number),
			`scheduled for ${DateTime.fromSeconds(first.scheduleDate as number, { zone }).toISO()}`,
		);
		assert.equal(
			DateTime.fromSeconds(first.scheduleDate as number, { zone }).toFormat('HH:mm:ss'),
			'09:00:00',
		);
		assert.notEqual(first.groupedId, undefined, 'one album');
		for (const [part, message] of fake.scheduled.entries()) {
			assert.equal(
				message.peerKey,
				fake.peerKey({ userId: fake.me.id }),
				'Saved Messages of the account',
			);
			assert.equal(message.groupedId, first.groupedId);
			assert.equal(message.scheduleDate, first.scheduleDate);
			assert.equal(message.media?.kind, 'photo');
			assert.equal(message.media?.url, expectedItems[part].url);
			assert.equal(message.text, expectedItems[part].caption);
		}
		const sendCalls = fake.requests.filter((request) => request.name === 'messages.SendMultiMedia');
		assert.equal(sendCalls.length, 1, 'one sendMultiMedia call');
		assert.equal(sendCalls[0].error, undefined);

		const [output] = result.data.resultData.runData['Schedule Weekly Album'][0].data.main[0].map(
			(item) => item.json,
		);
		assert.equal(output.scheduled, true);
		assert.equal(
			output.scheduledFor,
			DateTime.fromSeconds(first.scheduleDate as number, { zone }).toISO(),
		);
		assert.deepEqual(
			output.messageIds,
			fake.scheduled.map((message) => message.id),
		);
		assert.equal(output.alreadySent, false);
	});
});
