// The cost of an end-to-end encrypted message: Secret Chat > Send Message against Message > Send
// Text, both through n8n's engine on the same local Telegram fake, measured in the same run
// (BENCH_SECRET_ROUNDS rounds each, 3 by default, the fastest counts). Beside wall time, the CPU
// of this process per item (the node, n8n's engine and the fake all run here; the lowest round
// counts): on a shared machine wall time also counts waits for a core.
import type { IDataObject } from 'n8n-workflow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule } from '../test/harness/dist';
import { runNode } from '../test/harness/engine';
import { telegramCredentialData } from '../test/fakes/telegram/credential';
import { TelegramFake } from '../test/fakes/telegram/server';
import { keyFingerprint } from '../nodes/Telegram/transport/secret/crypto';
import { dhPublicValue, dhSharedKey, newDhExponent } from '../nodes/Telegram/transport/secret/dh';
import type { Row } from './row';

type Measure = (name: string, items: number, work: () => Promise<void>) => Promise<Row>;

const ALICE = 5000002n;
const pool = distModule<typeof import('../nodes/Telegram/transport/pool')>(
	'nodes/Telegram/transport/pool',
);

/** Plain and secret sends, `rounds` times each taking turns; returns the fastest round of each. */
export async function benchTelegramSecret(
	measureWall: Measure,
	count: number,
	rounds = 3,
): Promise<Row[]> {
	const measure: Measure = async (name, items, work) => {
		const before = process.cpuUsage();
		const row = await measureWall(name, items, work);
		const used = process.cpuUsage(before);
		return { ...row, cpuMsPerItem: Number(((used.user + used.system) / 1000 / items).toFixed(2)) };
	};
	const fake = await TelegramFake.start();
	const folder = mkdtempSync(join(tmpdir(), 'bench-secret-'));
	const credentials = {
		telegramMtprotoApi: telegramCredentialData(fake, {
			e2eStorageFolder: folder,
			e2eStorageSecret: 'bench storage secret, long enough',
		}),
	};
	const items = Array.from({ length: count }, (_, index) => ({ text: `message ${index}` }));
	const node = (parameters: IDataObject) => ({ type: 'telegram', credentials, parameters });
	try {
		// The chat: started by the node, accepted here as alice (the bench measures sends, not peers).
		const started = await runNode({
			node: node({ resource: 'secretChat', operation: 'start', chat: '@alice_test' }),
		});
		const chatId = Number(started.items[0]?.json.chatId);
		const request = await fake.nextEncryptionRequest(ALICE);
		const params = { p: fake.dhConfig.p, g: fake.dhConfig.g };
		const exponent = newDhExponent(Buffer.alloc(256));
		const key = dhSharedKey(params, exponent, request.gA);
		fake.acceptEncryptionAs(ALICE, chatId, dhPublicValue(params, exponent), keyFingerprint(key));
		for (let ready = false; !ready; ) {
			const listed = await runNode({
				node: node({ resource: 'secretChat', operation: 'getAll', returnAll: true }),
			});
			ready = listed.items.some((item) => item.json.status === 'ready');
		}
		const sendPlain = (batch: IDataObject[]) => async () => {
			const result = await runNode({
				node: node({
					resource: 'message',
					operation: 'sendText',
					chat: '@alice_test',
					text: '={{ $json.text }}',
					sendWhen: 'now',
				}),
				items: batch,
			});
			if (result.error || result.items.length !== batch.length)
				throw new Error(`bench send failed: ${result.error?.message}`);
		};
		const sendSecret = (batch: IDataObject[]) => async () => {
			const result = await runNode({
				node: node({
					resource: 'secretChat',
					operation: 'sendMessage',
					secretChatId: chatId,
					text: '={{ $json.text }}',
				}),
				items: batch,
			});
			if (result.error || result.items.length !== batch.length)
				throw new Error(`bench secret send failed: ${result.error?.message}`);
		};
		// Warm-up of both paths, then rounds taking turns; the fastest round of each counts, so a
		// busy moment on a shared machine does not land on one side only.
		await sendPlain(items.slice(0, 20))();
		await sendSecret(items.slice(0, 20))();
		const best = (rows: Row[]) => ({
			...rows.reduce((a, b) => (b.msPerItem < a.msPerItem ? b : a)),
			cpuMsPerItem: Math.min(...rows.map((row) => row.cpuMsPerItem ?? Infinity)),
		});
		const plain: Row[] = [];
		const secret: Row[] = [];
		for (let round = 0; round < rounds; round++) {
			plain.push(await measure('Telegram node: Message > Send Text', count, sendPlain(items)));
			secret.push(
				await measure(
					'Telegram node: Secret Chat > Send Message (file store)',
					count,
					sendSecret(items),
				),
			);
		}
		const rows = [best(plain), best(secret)];
		return rows;
	} finally {
		await pool.closeAllTelegramClients();
		await fake.stop();
		rmSync(folder, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
	}
}
