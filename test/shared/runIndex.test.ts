import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { ZulipFake } from '../fakes/zulip/server';
import type { TelnyxFake } from '../fakes/telnyx/server';
import type { TelegramFake } from '../fakes/telegram/server';
import { channelCreate, runZulip } from '../nodes/Zulip/setup';
import { runTelnyx, scheduleParams, startFake as startTelnyx } from '../nodes/Telnyx/setup';
import { runTelegram, scheduleText, useTelegramFake } from '../nodes/Telegram/setup';

/**
 * A loop (Loop Over Items), two IF branches or a Merge run a node several times in one
 * execution, each run with its own run index. Each run must send its own items: the once-only
 * memory (and Telegram's random_id) must not take run 2 for a retry of run 1.
 */

const RUNS: IDataObject[][] = [
	[{ text: 'first' }],
	[{ text: 'second' }, { text: 'third' }],
	[{ text: 'fourth' }],
];
const ALL_TEXTS = RUNS.flat().map((item) => item.text);

function outputTexts(runs: Array<{ items: INodeExecutionData[] }>, field: string): unknown[] {
	return runs.flatMap((run) => run.items.map((item) => item.json[field]));
}

describe('a node run several times in one execution sends every run', () => {
	describe('Zulip: Scheduled Message > Create', () => {
		let fake: ZulipFake;
		before(async () => {
			fake = await ZulipFake.start();
		});
		after(async () => await fake?.stop());
		beforeEach(() => fake.reset());

		test('three runs, four items: four scheduled messages, each output its own', async () => {
			const result = await runZulip(fake, {
				parameters: channelCreate({ content: '={{ $json.text }}' }),
				runs: RUNS,
				executionId: 'loop-zulip',
			});
			assert.deepEqual(
				result.runs.map((run) => run.error),
				[undefined, undefined, undefined],
			);
			const stored = [...fake.scheduled.values()];
			assert.deepEqual(stored.map((message) => message.content).sort(), [...ALL_TEXTS].sort());
			assert.deepEqual(outputTexts(result.runs, 'content'), ALL_TEXTS);
			const ids = outputTexts(result.runs, 'scheduled_message_id');
			assert.equal(new Set(ids).size, 4, `each output names its own message: ${ids.join(', ')}`);
			for (const run of result.runs) {
				for (const item of run.items) {
					const message = fake.scheduled.get(Number(item.json.scheduled_message_id));
					assert.equal(message?.content, item.json.content);
				}
			}
		});
	});

	describe('Telnyx: Schedule', () => {
		let fake: TelnyxFake;
		before(async () => {
			fake = await startTelnyx();
		});
		after(async () => await fake?.stop());
		beforeEach(() => fake.reset());

		test('three runs, four items: four messages, each output its own', async () => {
			const result = await runTelnyx(fake, {
				parameters: scheduleParams({ text: '={{ $json.text }}' }),
				runs: RUNS,
				executionId: 'loop-telnyx',
			});
			assert.deepEqual(
				result.runs.map((run) => run.error),
				[undefined, undefined, undefined],
			);
			const stored = [...fake.messages.values()];
			assert.deepEqual(stored.map((message) => message.text).sort(), [...ALL_TEXTS].sort());
			const ids = outputTexts(result.runs, 'message_id');
			assert.equal(new Set(ids).size, 4);
			for (const run of result.runs) {
				for (const item of run.items)
					assert.equal(fake.messages.get(String(item.json.message_id))?.text, item.json.text);
			}
		});
	});

	describe('Telegram: Message > Send Text', () => {
		let fake: TelegramFake;
		useTelegramFake((started) => (fake = started));

		test('three runs, four items: four scheduled messages with their own random_ids, each output its own', async () => {
			const result = await runTelegram(fake, {
				parameters: scheduleText({ text: '={{ $json.text }}' }),
				runs: RUNS,
				executionId: 'loop-telegram',
			});
			assert.deepEqual(
				result.runs.map((run) => run.error),
				[undefined, undefined, undefined],
			);
			assert.deepEqual(fake.scheduled.map((message) => message.text).sort(), [...ALL_TEXTS].sort());
			assert.deepEqual(outputTexts(result.runs, 'text'), ALL_TEXTS);
			assert.deepEqual(outputTexts(result.runs, 'alreadySent'), [false, false, false, false]);
			const ids = outputTexts(result.runs, 'messageId');
			assert.deepEqual([...ids].sort(), fake.scheduled.map((message) => message.id).sort());
		});
	});
});
