import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TelegramFake } from '../fakes/telegram/server';
import { executeWorkflow, importJson, prepareN8n, type N8nInstall } from './n8nCli';

const TYPE = 'n8n-nodes-scheduled-messaging.telegram';

describe('Telegram through the real n8n CLI (the pack installed as n8n installs it)', () => {
	let fake: TelegramFake;
	let install: N8nInstall;
	before(async () => {
		fake = await TelegramFake.start();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				id: 'telegramFakeCredential',
				name: 'Telegram fake',
				type: 'telegramMtprotoApi',
				data: {
					apiId: fake.apiId,
					apiHashSecret: fake.apiHash,
					sessionToken: fake.createSession(),
					environment: 'production',
					customServer: true,
					serverAddress: `${fake.host}:${fake.port}`,
					dcId: fake.dcId,
				},
			},
		]);
	});
	after(async () => await fake?.stop());

	test('a workflow schedules a message, lists it, and sends it now', async () => {
		const credentials = { telegramMtprotoApi: { id: 'telegramFakeCredential', name: 'Telegram fake' } };
		const node = (name: string, x: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
			id: `node-${x}`, name, type: TYPE, typeVersion: 1, position: [x, 0], parameters, credentials, ...extra,
		});
		const workflow = {
			id: 'telegramE2eWorkflow',
			name: 'Telegram scheduled message end to end',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				node('Schedule', 200, { resource: 'message', operation: 'sendText', chat: '@alice_test', text: 'see you at 10', sendWhen: 'at', sendAt: '={{ $now.plus({ hours: 3 }).toISO() }}' }),
				node('List', 400, { resource: 'scheduledMessage', operation: 'getAll', chat: '@alice_test' }),
				node('Send Now', 600, { resource: 'scheduledMessage', operation: 'sendNow', chat: '@alice_test', messageIds: '={{ $json.messageId }}' }),
			],
			connections: {
				Start: { main: [[{ node: 'Schedule', type: 'main', index: 0 }]] },
				Schedule: { main: [[{ node: 'List', type: 'main', index: 0 }]] },
				List: { main: [[{ node: 'Send Now', type: 'main', index: 0 }]] },
			},
		};
		await importJson(install, 'workflow', [workflow]);
		const result = (await executeWorkflow(install, workflow.id)) as { data: { resultData: { error?: { message: string }; runData: Record<string, unknown> } } };
		assert.equal(result.data.resultData.error, undefined, result.data.resultData.error?.message);
		assert.equal(fake.scheduled.length, 0, 'the scheduled message was sent now');
		const sent = fake.messages.filter((message) => message.text === 'see you at 10');
		assert.equal(sent.length, 1);
		assert.equal(sent[0].fromScheduled, true);
	});
});
