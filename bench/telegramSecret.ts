// The cost of an end-to-end encrypted message: Secret Chat > Send Message against Message > Send
// Text, both through n8n's engine on the same local Telegram fake, measured in the same run
// (BENCH_SECRET_ROUNDS rounds each, 3 by default, the fastest counts). Beside wall time, the CPU
// of this process per item (the node, n8n's engine and the fake all run here; the lowest round
// counts): on a shared machine wall time also counts waits for a core.
//
// The other side of the chat (alice) behaves like a Telegram app: it reads each message as it
// arrives and answers a re-key at once (requestKey -> acceptKey; commitKey -> noop). Our node
// starts a re-key (perfect forward secrecy) after 100 messages under a key (with no trigger, as
// here, a send first reads alice's message that shows she switched, so the key before can go), and
// reads the answer on its next send; the timed secret rows include those re-keys (`rekeys`), as
// users pay them. Alice runs our own protocol state machine (protocol.ts, from source: not the node's
// instance); the time she spends reading and answering is her phone's, not the user's: it is
// shown as peerMsPerItem and taken out of the CPU column (the wall time keeps it).
import type { IDataObject } from 'n8n-workflow';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distModule } from '../test/harness/dist';
import { runNode } from '../test/harness/engine';
import { telegramCredentialData } from '../test/fakes/telegram/credential';
import { TelegramFake } from '../test/fakes/telegram/server';
import {
	acceptRequest,
	openMessage,
	requestedChat,
	type SecretChatState,
} from '../nodes/Telegram/transport/secret/protocol';
import type { Row } from './row';

type Measure = (name: string, items: number, work: () => Promise<void>) => Promise<Row>;

const ALICE = 5000002n;
const pool = distModule<typeof import('../nodes/Telegram/transport/pool')>(
	'nodes/Telegram/transport/pool',
);

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Alice's side of one chat: accepts our request, then reads every message we send, in order,
 * and sends back what the protocol answers (acceptKey, noop after commitKey, resends). `busyMs`
 * is the time spent doing so (synchronous work in this process: it delays everything else).
 */
class Peer {
	busyMs = 0;
	/** Re-keys completed (our commitKey read). */
	rekeys = 0;
	private readonly done: Promise<void>;

	private constructor(
		private readonly fake: TelegramFake,
		private readonly chatId: number,
		private state: SecretChatState,
	) {
		this.done = this.answer();
	}

	static async accept(fake: TelegramFake, chatId: number): Promise<Peer> {
		const request = await fake.nextEncryptionRequest(ALICE);
		const params = { p: fake.dhConfig.p, g: fake.dhConfig.g };
		const identity = { chatId, accessHash: request.accessHash, peerUserId: fake.me.id };
		const accepted = acceptRequest(
			requestedChat({ ...identity, date: request.date }, params, request.gA),
			params,
			randomBytes(256),
			nowSeconds(),
		);
		fake.acceptEncryptionAs(ALICE, chatId, accepted.gB, accepted.fingerprint);
		return new Peer(fake, chatId, accepted.state);
	}

	private async answer(): Promise<void> {
		for (;;) {
			// Rejected when the fake stops: alice's phone goes away with it.
			const message = await this.fake.nextEncryptedMessage(ALICE, this.chatId);
			const started = performance.now();
			const opened = openMessage(this.state, message.bytes, nowSeconds());
			if (opened.aborted) throw opened.aborted;
			this.state = opened.state;
			for (const { message: read } of opened.delivered)
				if (read.kind === 'service' && read.action.kind === 'commitKey') this.rekeys++;
			for (const reply of opened.outgoing)
				this.fake.sendEncryptedAs(ALICE, this.chatId, reply.data, {
					service: reply.service,
					randomId: reply.randomId,
				});
			this.busyMs += performance.now() - started;
		}
	}

	/** Ends with the fake; a refused message (a bug on our side) fails the bench. */
	async stopped(): Promise<void> {
		await this.done.catch((error: unknown) => {
			if (!(error instanceof Error && /fake stopped/.test(error.message))) throw error;
		});
	}
}

/** Plain and secret sends, `rounds` times each taking turns; returns the fastest round of each. */
export async function benchTelegramSecret(
	measureWall: Measure,
	count: number,
	rounds = 3,
): Promise<Row[]> {
	const perItem = (ms: number, items: number) => Number((ms / items).toFixed(2));
	/** Wall and CPU; with alice, her share is taken out of the CPU (wall keeps it: conservative). */
	const measure = async (name: string, work: () => Promise<void>, alice?: Peer): Promise<Row> => {
		const before = process.cpuUsage();
		const aliceBefore = { busyMs: alice?.busyMs ?? 0, rekeys: alice?.rekeys ?? 0 };
		const row = await measureWall(name, count, work);
		const used = process.cpuUsage(before);
		const aliceMs = (alice?.busyMs ?? 0) - aliceBefore.busyMs;
		return {
			...row,
			cpuMsPerItem: perItem((used.user + used.system) / 1000 - aliceMs, count),
			...(alice && {
				peerMsPerItem: perItem(aliceMs, count),
				rekeys: alice.rekeys - aliceBefore.rekeys,
			}),
		};
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
	let alice: Peer | undefined;
	try {
		// The chat: started by the node, accepted by alice.
		const started = await runNode({
			node: node({ resource: 'secretChat', operation: 'start', chat: '@alice_test' }),
		});
		const chatId = Number(started.items[0]?.json.chatId);
		alice = await Peer.accept(fake, chatId);
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
			plain.push(await measure('Telegram node: Message > Send Text', sendPlain(items)));
			secret.push(
				await measure(
					'Telegram node: Secret Chat > Send Message (file store)',
					sendSecret(items),
					alice,
				),
			);
		}
		const rows = [best(plain), best(secret)];
		return rows;
	} finally {
		await pool.closeAllTelegramClients();
		await fake.stop();
		await alice?.stopped();
		rmSync(folder, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
	}
}
