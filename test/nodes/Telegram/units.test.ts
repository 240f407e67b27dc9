import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IExecuteFunctions } from 'n8n-workflow';
import { messageRandomId } from '../../../nodes/Telegram/actions/idempotency';
import { sendKey } from '../../../shared/executionMemo';
import { packBatches } from '../../../nodes/Telegram/actions/scheduledMessage/batch';
import { parseChatReference } from '../../../nodes/Telegram/transport/chatReference';
import { readRpcFailure } from '../../../nodes/Telegram/transport/rpcError';
import type { ResolvedChat } from '../../../nodes/Telegram/transport/peers';

describe('Telegram: the pieces without I/O', () => {
	test('chat references: every accepted form, and the refused ones', () => {
		assert.deepEqual(parseChatReference('@Alice_Test'), {
			kind: 'username',
			username: 'alice_test',
		});
		assert.deepEqual(parseChatReference('https://t.me/alice_test/12'), {
			kind: 'username',
			username: 'alice_test',
		});
		assert.deepEqual(parseChatReference('t.me/s/news_test'), {
			kind: 'username',
			username: 'news_test',
		});
		assert.deepEqual(parseChatReference('tg://resolve?domain=bob_test'), {
			kind: 'username',
			username: 'bob_test',
		});
		assert.deepEqual(parseChatReference('https://t.me/c/1700000001/5'), {
			kind: 'channel',
			id: '1700000001',
		});
		assert.deepEqual(parseChatReference('+1 (555) 000-1111'), {
			kind: 'phone',
			phone: '15550001111',
		});
		assert.deepEqual(parseChatReference('-1001700000001'), { kind: 'channel', id: '1700000001' });
		assert.deepEqual(parseChatReference('-4242'), { kind: 'basicGroup', id: '4242' });
		assert.deepEqual(parseChatReference('5000002'), { kind: 'user', id: '5000002' });
		assert.deepEqual(parseChatReference('ME'), { kind: 'self' });
		for (const bad of ['', '@ab', '+12', 'https://t.me/+invite', 'two words'])
			assert.throws(() => parseChatReference(bad), { name: 'ChatReferenceError' }, bad);
	});

	test('random_id: a retry (same instance, workflow, execution, node, run index, item, part) repeats it; anything else is new', () => {
		type Identity = {
			instance: string;
			workflow: string;
			execution: string;
			node: string;
			runIndex: number;
		};
		const base: Identity = {
			instance: 'instance-a',
			workflow: 'wf-1',
			execution: '17',
			node: 'node-1',
			runIndex: 0,
		};
		const contextOf = (identity: Identity) =>
			({
				runIndex: identity.runIndex,
				getInstanceId: () => identity.instance,
				getWorkflow: () => ({ id: identity.workflow, name: 'w', active: false }),
				getExecutionId: () => identity.execution,
				getNode: () => ({ id: identity.node, name: 'Telegram' }),
			}) as unknown as IExecuteFunctions;
		const id = messageRandomId(contextOf(base), 'message.sendText', 0);
		assert.equal(typeof id, 'bigint');
		assert.ok(id >= -(2n ** 63n) && id < 2n ** 63n && id !== 0n);
		assert.equal(messageRandomId(contextOf({ ...base }), 'message.sendText', 0), id);
		const others = [
			messageRandomId(contextOf({ ...base, instance: 'instance-b' }), 'message.sendText', 0),
			messageRandomId(contextOf({ ...base, workflow: 'wf-2' }), 'message.sendText', 0),
			messageRandomId(contextOf({ ...base, execution: '18' }), 'message.sendText', 0),
			messageRandomId(contextOf({ ...base, node: 'node-2' }), 'message.sendText', 0),
			messageRandomId(contextOf({ ...base, runIndex: 1 }), 'message.sendText', 0),
			messageRandomId(contextOf(base), 'message.sendText', 1),
			messageRandomId(contextOf(base), 'message.sendText', 0, 1),
			messageRandomId(contextOf(base), 'message.sendAlbum', 0),
		];
		assert.equal(new Set([id, ...others]).size, others.length + 1);
		// The once-only memory keys on the same identity.
		assert.equal(
			sendKey(contextOf(base), 0, 'message.sendText')?.id,
			sendKey(contextOf({ ...base }), 0, 'message.sendText')?.id,
		);
		assert.notEqual(
			sendKey(contextOf(base), 0, 'message.sendText')?.id,
			sendKey(contextOf({ ...base, runIndex: 1 }), 0, 'message.sendText')?.id,
		);
		assert.equal(
			sendKey(contextOf({ ...base, execution: '__UNKNOWN__' }), 0, 'message.sendText'),
			undefined,
		);
	});

	test('batches: whole items while their ids fit in 100, duplicates sent once, big items split', () => {
		const chat = { id: '1' } as ResolvedChat;
		const item = (itemIndex: number, from: number, count: number) => ({
			itemIndex,
			reference: { kind: 'self' as const },
			ids: Array.from({ length: count }, (_unused, i) => from + i),
		});
		const batches = packBatches(chat, [
			item(0, 1, 60),
			item(1, 61, 30),
			item(2, 61, 5),
			item(3, 200, 20),
			item(4, 500, 230),
		]);
		assert.deepEqual(
			batches.map((batch) => [
				batch.requests.map((request) => request.itemIndex),
				batch.ids.length,
			]),
			[
				[[0, 1, 2], 90],
				[[3], 20],
				[[4], 100],
				[[4], 100],
				[[4], 30],
			],
		);
	});

	test('Telegram errors are read by name, including the ones gramjs turns into classes', () => {
		assert.deepEqual(readRpcFailure({ errorMessage: 'PEER_ID_INVALID', code: 400 }), {
			name: 'PEER_ID_INVALID',
			code: 400,
		});
		assert.deepEqual(
			readRpcFailure({
				errorMessage: 'FLOOD',
				code: 420,
				seconds: 17,
				message: 'A wait of 17 seconds is required',
			}),
			{ name: 'FLOOD_WAIT_17', code: 420, seconds: 17 },
		);
		assert.deepEqual(
			readRpcFailure({
				errorMessage: 'FLOOD',
				code: 420,
				seconds: 9,
				message: 'A wait of 9 seconds is required before sending another message in this chat',
			}),
			{ name: 'SLOWMODE_WAIT_9', code: 420, seconds: 9 },
		);
		assert.deepEqual(
			readRpcFailure({
				errorMessage: 'x',
				code: 303,
				newDc: 4,
				message: 'The user whose identity is being used to execute queries is associated with DC 4',
			}),
			{ name: 'USER_MIGRATE_4', code: 303, dcId: 4 },
		);
		assert.equal(readRpcFailure(new Error('plain')), undefined);
	});
});
