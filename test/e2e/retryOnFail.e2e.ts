import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TelnyxFake } from '../fakes/telnyx/server';
import { executeWorkflowDespiteExitCrash, importJson, prepareN8n, type N8nInstall } from './n8nCli';
import { codeNode, manualTriggerNode } from './workflows/nodes';
import type { ExecutionResult } from './workflows/runData';

const TEXTS = ['retry #1', 'retry #2', 'retry #3'];
const SEND = 'Send SMS';

/**
 * Manual trigger -> three items -> Telnyx Send with n8n's Retry On Fail (3 tries, no wait). n8n
 * runs the whole node again for every item on each try; our once-only memory (shared/
 * executionMemo.ts) must carry over between those tries in a real n8n as it does in n8n-core.
 */
function retryWorkflow(id: string, settings: { continueOnFail: boolean; concurrency?: number }) {
	const items = TEXTS.map((text) => ({ json: { text } }));
	return {
		id,
		name: `Retry On Fail: ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			manualTriggerNode(),
			codeNode('Items', [220, 0], `return ${JSON.stringify(items)};`),
			{
				id: 'send',
				name: SEND,
				type: 'n8n-nodes-scheduled-messaging.telnyx',
				typeVersion: 1,
				position: [440, 0],
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 0,
				...(settings.continueOnFail && { onError: 'continueRegularOutput' }),
				parameters: {
					resource: 'message',
					operation: 'send',
					senderType: 'phoneNumber',
					fromNumber: { __rl: true, mode: 'number', value: '+15550001111' },
					to: '+15557654321',
					text: '={{ $json.text }}',
					options: settings.concurrency ? { concurrency: settings.concurrency } : {},
				},
				credentials: { telnyxScheduledApi: { id: 'retryTelnyx', name: 'Telnyx fake' } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: SEND, type: 'main', index: 0 }]] },
		},
	};
}

describe('Retry On Fail in a real n8n: no item sent twice', () => {
	let fake: TelnyxFake;
	let install: N8nInstall;

	before(async () => {
		fake = await TelnyxFake.start();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			{
				id: 'retryTelnyx',
				name: 'Telnyx fake',
				type: 'telnyxScheduledApi',
				data: { apiKey: fake.apiKey, baseUrl: `${fake.url}/v2` },
			},
		]);
		await importJson(install, 'workflow', [
			retryWorkflow('retryStopsInOrder', { continueOnFail: false, concurrency: 1 }),
			retryWorkflow('retryStops', { continueOnFail: false }),
			retryWorkflow('retryContinues', { continueOnFail: true }),
		]);
	});
	after(async () => await fake?.stop());

	/** How many messages the fake holds with each text, in TEXTS order. */
	const heldPerText = () =>
		TEXTS.map((text) => [...fake.messages.values()].filter((m) => m.text === text).length);
	const postsPerText = () =>
		TEXTS.map(
			(text) =>
				fake.requests.filter(
					(request) =>
						request.method === 'POST' &&
						/\/v2\/messages$/.test(request.path) &&
						(request.body as { text?: string } | undefined)?.text === text,
				).length,
		);

	/** Runs `workflowId` with the POST of item 2 failing as `fault` (after item 1's went through). */
	async function runWithItem2Failing(
		workflowId: string,
		fault: 'drop-after-body' | 'http-500',
	): Promise<ExecutionResult> {
		fake.reset();
		fake.failNext({ method: 'POST', path: /\/v2\/messages$/ }, fault, 1);
		return (await executeWorkflowDespiteExitCrash(install, workflowId)) as ExecutionResult;
	}
	/** A failed execution makes `n8n execute` exit 1 with the node's error (no run data). */
	const LOST_ANSWER =
		/the connection failed .* after the request was sent, so the message from \+15550001111 to \+15557654321 may have been sent/;

	test('Concurrency 1: a send whose answer was lost is not repeated by the retries, the one before is not sent again, the one after never starts', async () => {
		fake.reset();
		// Item 2's POST creates the message, then the connection breaks without an answer.
		fake.failNext({ method: 'POST', path: /\/v2\/messages$/ }, 'drop-after-body', 1);
		// A failed execution makes `n8n execute` exit 1 with the node's error (no run data).
		await assert.rejects(
			executeWorkflowDespiteExitCrash(install, 'retryStopsInOrder'),
			/the connection failed .* after the request was sent, so the message from \+15550001111 to \+15557654321 may have been sent/,
		);
		// Item 1 sent once over all three tries, item 2 once (its first attempt: the tries after it
		// repeat its error without a request), item 3 never (without Continue On Fail nothing
		// starts after a failed item). That n8n does run the node again is shown by the HTTP 500
		// case below.
		assert.deepEqual(heldPerText(), [1, 1, 0]);
		assert.deepEqual(postsPerText(), [1, 1, 0]);
		assert.deepEqual(fake.violations, []);
	});

	test('Concurrency 5 (the default): the items already in flight finish, and no retry sends any item again', async () => {
		await assert.rejects(runWithItem2Failing('retryStops', 'drop-after-body'), LOST_ANSWER);
		// Item 3 started beside item 2 (three items, five at once), so it went out; the retries
		// find items 1 and 3 sent in this execution and item 2 unclear: no request repeats.
		assert.deepEqual(heldPerText(), [1, 1, 1]);
		assert.deepEqual(postsPerText(), [1, 1, 1]);
		assert.deepEqual(fake.violations, []);
	});

	test('with Continue On Fail: the lost answer becomes an error item, the others are sent once', async () => {
		const result = await runWithItem2Failing('retryContinues', 'drop-after-body');
		assert.equal(result.data.resultData.error, undefined, result.data.resultData.error?.message);
		assert.deepEqual(heldPerText(), [1, 1, 1]);
		assert.deepEqual(postsPerText(), [1, 1, 1]);
		const output = result.data.resultData.runData[SEND]?.[0]?.data?.main[0] ?? [];
		assert.equal(output.length, 3);
		assert.deepEqual(
			output.map((item) => item.pairedItem),
			[{ item: 0 }, { item: 1 }, { item: 2 }],
		);
		assert.equal(output[0].json.text, TEXTS[0]);
		assert.ok(output[1].json.error, 'item 2 says what happened');
		assert.equal(output[2].json.text, TEXTS[2]);
	});

	test('a refusal with no effect (HTTP 500) is tried again by Retry On Fail and then sent once', async () => {
		const result = await runWithItem2Failing('retryStops', 'http-500');
		assert.equal(result.data.resultData.error, undefined, result.data.resultData.error?.message);
		assert.deepEqual(heldPerText(), [1, 1, 1]);
		// Items 1 and 3 sent on the first try and never again; item 2 refused once, then sent by
		// n8n's second try (our node does not repeat a 500 itself).
		assert.deepEqual(postsPerText(), [1, 2, 1]);
		assert.deepEqual(fake.violations, []);
	});
});
