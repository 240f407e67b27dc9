// Whether an HTTP node keeps anything per item once its execution is over: heap after a forced GC,
// before and after 10,000 items through the node (in process, through n8n's engine, local fakes).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { runNode, type NodeUnderTest } from '../test/harness/engine';
import { TelnyxFake } from '../test/fakes/telnyx/server';
import { ZulipFake } from '../test/fakes/zulip/server';
import { credentialsFor, sendParams } from '../test/nodes/Telnyx/setup';

export interface MemoryRow {
	case: string;
	items: number;
	heapBeforeMb: number;
	heapAfterMb: number;
	/** after / before, after a forced GC each time. */
	ratio: number;
}

async function settledHeap(): Promise<number> {
	// WeakMap entries keyed by a collected object go in a later collection: collect a few times.
	for (let round = 0; round < 4; round++) {
		global.gc?.();
		await nextTurn();
	}
	return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));

export async function benchMemory(items: number): Promise<MemoryRow[]> {
	if (!global.gc) throw new Error('run with node --expose-gc (npm run bench does)');
	const zulip = await ZulipFake.start({ specsDir: false });
	const telnyx = await TelnyxFake.start({ specsDir: false });
	const input = Array.from({ length: items }, (_, i) => ({ i }));
	const cases: Array<{ case: string; node: NodeUnderTest; reset: () => void }> = [
		{
			case: 'Zulip: Message > Send',
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
				},
			},
			reset: () => zulip.reset(),
		},
		{
			case: 'Telnyx: Message > Send (concurrency 5)',
			node: {
				type: 'telnyx',
				credentials: credentialsFor(telnyx),
				parameters: sendParams({
					text: '=m{{ $json.i }}',
					options: { concurrency: 5, maxPerSecond: 0 },
				}),
			},
			reset: () => telnyx.reset(),
		},
	];
	const rows: MemoryRow[] = [];
	try {
		for (const entry of cases) {
			// Warm: modules loaded, caches of the engine filled, before the first measure.
			await runNode({ node: entry.node, items: input.slice(0, 50) });
			entry.reset();
			const before = await settledHeap();
			let result: Awaited<ReturnType<typeof runNode>> | undefined = await runNode({
				node: entry.node,
				items: input,
			});
			if (result.error || result.items.length !== items)
				throw new Error(`${entry.case} failed: ${result.error?.message}`);
			result = undefined;
			// The fake's own request log is not the node's state.
			entry.reset();
			const after = await settledHeap();
			rows.push({
				case: entry.case,
				items,
				heapBeforeMb: mb(before),
				heapAfterMb: mb(after),
				ratio: Number((after / before).toFixed(3)),
			});
		}
	} finally {
		await zulip.stop();
		await telnyx.stop();
	}
	return rows;
}
