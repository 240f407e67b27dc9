import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Expression, type IDataObject } from 'n8n-workflow';
import { runNode } from '../harness/engine';
import { TelnyxFake } from '../fakes/telnyx/server';
import { ZulipFake } from '../fakes/zulip/server';
import { runTelnyx, sendParams } from './Telnyx/setup';

// In n8n 2.x each expression evaluation costs about a millisecond of CPU (its isolated engine):
// a node that evaluates an item's expression twice, or every child of a collection for one of
// them, pays that again. The resolver n8n calls for every `=` value is counted here.
describe('one expression per item is evaluated once per item', () => {
	const evaluated: string[] = [];
	const resolve = Expression.prototype.resolveSimpleParameterValue;
	let zulip: ZulipFake;
	let telnyx: TelnyxFake;

	before(async () => {
		Expression.prototype.resolveSimpleParameterValue = function (
			this: Expression,
			...args: Parameters<typeof resolve>
		) {
			evaluated.push(String(args[0]));
			return resolve.apply(this, args);
		} as typeof resolve;
		zulip = await ZulipFake.start();
		telnyx = await TelnyxFake.start();
	});
	after(async () => {
		Expression.prototype.resolveSimpleParameterValue = resolve;
		await zulip.stop();
		await telnyx.stop();
	});

	const items = Array.from({ length: 6 }, (_, i) => ({ i }));

	test('Zulip: Message > Send, content from an expression', async () => {
		evaluated.length = 0;
		const result = await runNode({
			node: {
				type: 'zulip',
				credentials: {
					zulipScheduledApi: { url: zulip.url, email: zulip.email, apiKey: zulip.apiKey },
				},
				parameters: {
					resource: 'message',
					operation: 'send',
					messageType: 'channel',
					channel: { __rl: true, mode: 'id', value: '14' },
					topic: 'bench',
					content: '=m{{ $json.i }}',
					options: { maxRateLimitWait: 30 },
				},
			},
			items,
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(evaluated, Array(items.length).fill('=m{{ $json.i }}'));
	});

	/** Telnyx > Message > Send from a phone number, with this text and these extra parameters. */
	const telnyxSend = (text: string, parameters: IDataObject, continueOnFail = false) =>
		runTelnyx(telnyx, {
			parameters: sendParams({ text, ...parameters }),
			items,
			node: { continueOnFail },
		});

	test('Telnyx: Message > Send, text from an expression, options set', async () => {
		evaluated.length = 0;
		const result = await telnyxSend('=m{{ $json.i }}', {
			additionalFields: { messageType: 'SMS' },
			options: { concurrency: 3, maxPerSecond: 0 },
		});
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(evaluated, Array(items.length).fill('=m{{ $json.i }}'));
	});

	// Expressions are evaluated a few items ahead (shared/parameterAhead.ts): an item whose
	// expression fails must still fail on its own turn, after the items before it were sent.
	const failingText = "=m{{ $json.i === 2 ? $('No Such Node').item.json.x : $json.i }}";
	const failingSend = async (continueOnFail: boolean) =>
		await telnyxSend(failingText, { options: { concurrency: 1, maxPerSecond: 0 } }, continueOnFail);
	const sentTexts = () =>
		telnyx.requests
			.filter((request) => request.method === 'POST')
			.map((request) => (request.body as { text?: string }).text);

	test('Telnyx: an item whose expression fails, with Continue On Fail: its own error, the rest sent', async () => {
		telnyx.reset();
		const result = await failingSend(true);
		assert.equal(result.error, undefined, result.error?.message);
		assert.deepEqual(sentTexts(), ['m0', 'm1', 'm3', 'm4', 'm5']);
		assert.deepEqual(
			result.items.map((item) => [item.pairedItem, item.json.error === undefined]),
			items.map((_, i) => [{ item: i }, i !== 2]),
		);
		assert.match(String(result.items[2].json.error), /Referenced node doesn't exist/);
	});

	test('Telnyx: an item whose expression fails, without Continue On Fail: items before it sent, none after', async () => {
		telnyx.reset();
		const result = await failingSend(false);
		assert.match(String(result.error?.message), /Referenced node doesn't exist/);
		assert.equal(result.error?.context?.itemIndex, 2);
		assert.deepEqual(sentTexts(), ['m0', 'm1']);
	});
});
