import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { telegramCredentialData } from '../fakes/telegram/credential';
import { TelegramFake } from '../fakes/telegram/server';
import { TelnyxFake } from '../fakes/telnyx/server';
import { ZulipFake } from '../fakes/zulip/server';
import {
	activateWorkflow,
	executeWorkflowDespiteExitCrash,
	importJson,
	prepareN8n,
	type N8nInstall,
} from './n8nCli';
import { pairedOutputs, runCount, type ExecutionResult } from './workflows/runData';
import {
	shapeWorkflows,
	type SendStep,
	type ShapeCase,
	type ShapeWorkflows,
	type NewNode,
} from './workflows/shapes';

/**
 * Issue 11: a send node that runs more than once in one execution (a loop, two branches, a Merge
 * and a second path, a sub-workflow per item) must send every item once, and each output item must
 * describe its own message. Each provider's shapes run in one `n8n execute` of a real n8n with the
 * packed pack installed, against that provider's fake.
 */

/** A message as the fake holds it. */
type Held = { id: unknown; text: string };

/** A send step, how to read its output item, and where its messages land in the fake. */
interface CheckedStep extends SendStep {
	idOf(output: Record<string, unknown>): unknown;
	textOf(output: Record<string, unknown>): unknown;
	held(): Held[];
}

interface Provider {
	name: string;
	/** Prefix of its workflow ids. */
	idPrefix: string;
	skip: string | false;
	steps: CheckedStep[];
	/** Requests the fake's provider spec refuses (none expected). */
	violations(): string[];
}

function packNode(
	type: string,
	credentials: Record<string, { id: string; name: string }>,
	parameters: Record<string, unknown>,
) {
	return (name: string, position: [number, number]): NewNode => ({
		name,
		type: `n8n-nodes-scheduled-messaging.${type}`,
		typeVersion: 1,
		position,
		parameters,
		credentials,
	});
}

function zulipSteps(fake: () => ZulipFake): CheckedStep[] {
	const node = (parameters: Record<string, unknown>) =>
		packNode(
			'zulip',
			{ zulipScheduledApi: { id: 'shapesZulip', name: 'Zulip fake' } },
			{
				messageType: 'channel',
				channel: { __rl: true, mode: 'id', value: '15' },
				topic: 'shapes',
				content: '={{ $json.content }}',
				...parameters,
			},
		);
	return [
		{
			label: 'create',
			node: node({
				resource: 'scheduledMessage',
				operation: 'create',
				sendAt: '={{ $now.plus({ days: 1 }).toISO() }}',
			}),
			idOf: (output) => output.scheduled_message_id,
			textOf: (output) => output.content,
			held: () =>
				[...fake().scheduled.values()].map((message) => ({
					id: message.scheduled_message_id,
					text: message.content,
				})),
		},
		{
			label: 'send',
			node: node({ resource: 'message', operation: 'send' }),
			idOf: (output) => output.message_id,
			textOf: (output) => output.content,
			held: () => fake().sent.map((message) => ({ id: message.id, text: message.content })),
		},
	];
}

function telnyxSteps(fake: () => TelnyxFake): CheckedStep[] {
	const node = (parameters: Record<string, unknown>) =>
		packNode(
			'telnyx',
			{ telnyxScheduledApi: { id: 'shapesTelnyx', name: 'Telnyx fake' } },
			{
				resource: 'message',
				senderType: 'phoneNumber',
				fromNumber: { __rl: true, mode: 'number', value: '+15550001111' },
				to: '+15557654321',
				text: '={{ $json.content }}',
				...parameters,
			},
		);
	const held = (scheduled: boolean) => () =>
		[...fake().messages.values()]
			.filter((message) => (message.send_at !== undefined) === scheduled)
			.map((message) => ({ id: message.id, text: message.text }));
	return [
		{
			label: 'send',
			node: node({ operation: 'send' }),
			idOf: (output) => output.message_id,
			textOf: (output) => output.text,
			held: held(false),
		},
		{
			label: 'schedule',
			node: node({ operation: 'schedule', sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}' }),
			idOf: (output) => output.message_id,
			textOf: (output) => output.text,
			held: held(true),
		},
	];
}

function telegramSteps(fake: () => TelegramFake): CheckedStep[] {
	const node = (parameters: Record<string, unknown>) =>
		packNode(
			'telegram',
			{ telegramMtprotoApi: { id: 'shapesTelegram', name: 'Telegram fake' } },
			{
				resource: 'message',
				operation: 'sendText',
				chat: '@alice_test',
				text: '={{ $json.content }}',
				...parameters,
			},
		);
	const toHeld = (message: { id: number; text?: string }) => ({
		id: message.id,
		text: String(message.text),
	});
	return [
		{
			label: 'now',
			node: node({ sendWhen: 'now' }),
			idOf: (output) => output.messageId,
			textOf: (output) => output.text,
			held: () => fake().messages.map(toHeld),
		},
		{
			label: 'at',
			node: node({ sendWhen: 'at', sendAt: '={{ $now.plus({ hours: 3 }).toISO() }}' }),
			idOf: (output) => output.messageId,
			textOf: (output) => output.text,
			held: () => fake().scheduled.map(toHeld),
		},
	];
}

const sorted = (values: unknown[]) => [...values].map(String).sort();

/** The fake holds exactly this case's messages: one per item, each its own text. */
function assertHeld(step: CheckedStep, shape: ShapeCase): void {
	const held = step.held().filter((message) => message.text.startsWith(`${shape.prefix} #`));
	assert.deepEqual(
		sorted(held.map((message) => message.text)),
		sorted(shape.expected),
		`${shape.prefix}: the fake holds one message per item, no more, no fewer`,
	);
}

/** Every output item (all runs) describes its own message: its paired item's text, an id of its own that the fake holds with that text. */
function assertOutputs(result: ExecutionResult, step: CheckedStep, shape: ShapeCase): void {
	const outputs = pairedOutputs(result, shape.outputNode);
	assert.deepEqual(
		sorted(outputs.map(({ output }) => step.textOf(output))),
		sorted(shape.expected),
		'one output item per item',
	);
	const held = step.held();
	for (const { run, output, input } of outputs) {
		const id = step.idOf(output);
		const where = `run ${run}, output "${String(step.textOf(output))}", id ${String(id)}`;
		assert.equal(
			step.textOf(output),
			input?.content,
			`${where}: the output describes its own (paired) item`,
		);
		const messages = held.filter((message) => message.id === id);
		assert.equal(messages.length, 1, `${where}: the fake holds one message with this id`);
		assert.equal(
			messages[0].text,
			step.textOf(output),
			`${where}: the message with this id has this item's text`,
		);
	}
	const ids = outputs.map(({ output }) => String(step.idOf(output)));
	assert.equal(
		new Set(ids).size,
		ids.length,
		`every output item has its own message id (${ids.join(', ')})`,
	);
}

describe('every item sent once, whatever the workflow shape (real n8n CLI, one execution per provider)', () => {
	let install: N8nInstall;
	let zulip: ZulipFake;
	let telnyx: TelnyxFake;
	let telegram: TelegramFake;

	const providers: Array<Provider & { workflows: ShapeWorkflows }> = (
		[
			{
				name: 'zulip',
				idPrefix: 'shapesZulip',
				skip: false,
				steps: zulipSteps(() => zulip),
				violations: () => zulip.violations,
			},
			{
				name: 'telnyx',
				idPrefix: 'shapesTelnyx',
				skip: false,
				steps: telnyxSteps(() => telnyx),
				violations: () => [...telnyx.violations, ...telnyx.responseViolations],
			},
			{
				name: 'telegram',
				idPrefix: 'shapesTelegram',
				skip: false,
				steps: telegramSteps(() => telegram),
				violations: () => [],
			},
		] as Provider[]
	).map((provider) => ({
		...provider,
		workflows: shapeWorkflows(provider.name, provider.idPrefix, provider.steps),
	}));
	const running = providers.filter((provider) => provider.skip === false);

	before(async () => {
		zulip = await ZulipFake.start();
		telnyx = await TelnyxFake.start();
		telegram = await TelegramFake.start();
		install = await prepareN8n();
		await importJson(install, 'credentials', [
			...(zulip
				? [
						{
							id: 'shapesZulip',
							name: 'Zulip fake',
							type: 'zulipScheduledApi',
							data: { url: zulip.url, email: zulip.email, apiKey: zulip.apiKey },
						},
					]
				: []),
			...(telnyx
				? [
						{
							id: 'shapesTelnyx',
							name: 'Telnyx fake',
							type: 'telnyxScheduledApi',
							data: { apiKey: telnyx.apiKey, baseUrl: `${telnyx.url}/v2` },
						},
					]
				: []),
			{
				id: 'shapesTelegram',
				name: 'Telegram fake',
				type: 'telegramMtprotoApi',
				data: telegramCredentialData(telegram),
			},
		]);
		await importJson(
			install,
			'workflow',
			running.flatMap(({ workflows }) => [workflows.subWorkflow, workflows.main]),
		);
		// Outside manual runs (`n8n execute` is mode cli) n8n calls a sub-workflow's published version.
		for (const { workflows } of running) await activateWorkflow(install, workflows.subWorkflow.id);
		// A running n8n copies what is published into its publication table in the background; the
		// CLI has no such worker, so let it read the published version from the workflow itself.
		install = {
			...install,
			env: { ...install.env, N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' },
		};
	});
	after(async () => {
		await zulip?.stop();
		await telnyx?.stop();
		await telegram?.stop();
	});

	for (const provider of providers) {
		test(
			`${provider.name}: loops of 1 and 2, IF branches, Merge and a second path, a sub-workflow per item`,
			{ skip: provider.skip },
			async (t: TestContext) => {
				const result = (await executeWorkflowDespiteExitCrash(
					install,
					provider.workflows.main.id,
				)) as ExecutionResult;
				assert.equal(
					result.data.resultData.error,
					undefined,
					result.data.resultData.error?.message,
				);
				const steps = new Map(provider.steps.map((step) => [step.label, step]));
				for (const shape of provider.workflows.cases) {
					const step = steps.get(shape.step) as CheckedStep;
					await t.test(`${shape.step}, ${shape.shape}: the node ran ${shape.runs} time(s)`, () =>
						assert.equal(runCount(result, shape.outputNode), shape.runs),
					);
					await t.test(`${shape.step}, ${shape.shape}: the fake holds one message per item`, () =>
						assertHeld(step, shape),
					);
					await t.test(
						`${shape.step}, ${shape.shape}: each output item describes its own message`,
						() => assertOutputs(result, step, shape),
					);
				}
				await t.test('the fake holds nothing else', () => {
					const expected = provider.workflows.cases.reduce(
						(count, shape) => count + shape.expected.length,
						0,
					);
					const held = provider.steps.reduce((count, step) => count + step.held().length, 0);
					assert.equal(
						held,
						expected,
						`the fake holds ${held} messages, the workflow meant ${expected}`,
					);
				});
				await t.test('no request broke the provider spec', () =>
					assert.deepEqual(provider.violations(), []),
				);
			},
		);
	}
});
