import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZulipFake } from '../fakes/zulip/server';
import { executeWorkflow, importJson, prepareN8n, type N8nInstall } from './n8nCli';

const TYPE = 'n8n-nodes-scheduled-messaging.zulip';

function zulipNode(
	name: string,
	x: number,
	parameters: Record<string, unknown>,
	extra: Record<string, unknown> = {},
) {
	return {
		id: `node-${x}`,
		name,
		type: TYPE,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		credentials: { zulipScheduledApi: { id: 'zulipFakeCredential', name: 'Zulip fake' } },
		...extra,
	};
}

function chain(names: string[]) {
	return Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, index) => [
				name,
				{ main: [[{ node: names[index + 1], type: 'main', index: 0 }]] },
			]),
	);
}

describe('Zulip through the real n8n CLI', () => {
	let fake: ZulipFake;
	let install: N8nInstall;
	before(async () => {
		fake = await ZulipFake.start();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				id: 'zulipFakeCredential',
				name: 'Zulip fake',
				type: 'zulipScheduledApi',
				data: { url: fake.url, email: fake.email, apiKey: fake.apiKey },
			},
		]);
	});
	after(async () => await fake?.stop());

	test('a workflow schedules, updates, lists, sends now and deletes, with no spec violation', async () => {
		const names = [
			'Start',
			'Schedule',
			'Reschedule',
			'Schedule Direct',
			'List',
			'Send Now',
			'Delete Direct',
		];
		const workflow = {
			id: 'zulipE2eWorkflow',
			name: 'Zulip scheduled messages end to end',
			active: false,
			settings: { timezone: 'Europe/Berlin', executionOrder: 'v1' },
			nodes: [
				{
					id: 'start',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				zulipNode('Schedule', 200, {
					resource: 'scheduledMessage',
					operation: 'create',
					messageType: 'channel',
					channel: { __rl: true, mode: 'id', value: '15' },
					topic: 'Launch',
					content: 'first draft',
					sendAt: '={{ $now.plus({ days: 1 }).toISO() }}',
				}),
				zulipNode('Reschedule', 400, {
					resource: 'scheduledMessage',
					operation: 'update',
					scheduledMessageId: '={{ $json.scheduled_message_id }}',
					updateFields: { content: 'final text', sendAt: '={{ $now.plus({ days: 2 }).toISO() }}' },
				}),
				zulipNode('Schedule Direct', 600, {
					resource: 'scheduledMessage',
					operation: 'create',
					messageType: 'direct',
					users: '={{ ["hamlet@example.com"] }}',
					content: 'psst',
					sendAt: '2030-01-01T09:00:00',
				}),
				zulipNode('List', 800, {
					resource: 'scheduledMessage',
					operation: 'getAll',
					returnAll: true,
				}),
				zulipNode(
					'Send Now',
					1000,
					{
						resource: 'scheduledMessage',
						operation: 'sendNow',
						scheduledMessageId: "={{ $('Schedule').first().json.scheduled_message_id }}",
					},
					{ executeOnce: true },
				),
				zulipNode(
					'Delete Direct',
					1200,
					{
						resource: 'scheduledMessage',
						operation: 'delete',
						scheduledMessageId: "={{ $('Schedule Direct').first().json.scheduled_message_id }}",
					},
					{ executeOnce: true },
				),
			],
			connections: chain(names),
		};
		await importJson(install, 'workflow', [workflow]);
		const result = await executeWorkflow(install, workflow.id);
		const runData = (
			result as {
				data: {
					resultData: {
						runData: Record<
							string,
							Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>
						>;
					};
				};
			}
		).data.resultData.runData;
		const output = (name: string) => runData[name][0].data.main[0].map((item) => item.json);

		assert.deepEqual(fake.violations, []);
		assert.equal(output('List').length, 2);
		assert.equal(
			output('Schedule Direct')[0].scheduled_delivery_timestamp,
			Date.UTC(2030, 0, 1, 8, 0) / 1000,
			'read in Europe/Berlin',
		);
		assert.equal(fake.sent.length, 1);
		assert.equal(fake.sent[0].content, 'final text');
		assert.equal(fake.scheduled.size, 0, 'one sent now, one deleted');
		assert.equal(output('Send Now')[0].sent, true);
	});
});
