import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import {
	completeRequest,
	needsRekey,
	openMessage,
	prepareRequest,
	sealMessage,
	SecretChatError,
	startRekey,
	waitingChat,
	type SecretChatState,
} from '../../../../nodes/Telegram/transport/secret/protocol';
import {
	PythonPeerError,
	startPythonPeer,
	telethonAvailable,
	type PythonPeer,
} from '../../../fakes/secretPeer/pythonPeer';
import { bytesFromBigint, TELEGRAM_DH_PRIME } from '../../../fakes/telegram/numbers';

/**
 * Soak: our state machine and the Python peer exchange 1,000 texts over a network that loses 5 %
 * of what it carries and reorders the rest, with a re-key each 100 messages under one key. Both
 * must end with every text read once, in order, and no key but the current one.
 */

const DH = { p: bytesFromBigint(TELEGRAM_DH_PRIME, 256), g: 3 };
const NOW = 1_800_000_000;
const TEXTS = 1000;
const LOSS = 0.05;
/** A message may overtake up to this many sent before it. */
const REORDER_WINDOW = 3;
const telethon = telethonAvailable();
const skip = telethon.ok ? false : telethon.reason;

/** mulberry32: a seeded generator, so a failing run can be repeated with its seed. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

let peer: PythonPeer | undefined;
after(async () => await peer?.stop());

describe('secret chat soak against the Python peer', { skip }, () => {
	test(`${TEXTS} texts, ${LOSS * 100} % loss, reordering, a re-key each 100 messages: all read once, in order`, async () => {
		const seed = Number(process.env.SOAK_SEED ?? 20261203);
		const random = seeded(seed);
		peer = await startPythonPeer();
		await peer.configure({ holdGaps: true });
		const request = prepareRequest(DH, randomBytes(256));
		const answer = await peer.accept({ ...DH, gA: request.gA });
		let us: SecretChatState = completeRequest(
			waitingChat({ chatId: 1, accessHash: 1n, peerUserId: 2n, date: NOW }, DH, request.exponent),
			answer.gB,
			answer.keyFingerprint,
			NOW,
		);
		const toPeer: Buffer[] = [];
		const toUs: Buffer[] = [];
		const sentByUs: string[] = [];
		const sentByPeer: string[] = [];
		const readByUs: string[] = [];
		const readByPeer: string[] = [];
		const keys = new Set<string>();
		let dropped = 0;
		let refused = 0;
		let lossy = true;

		const ourSend = (text: string | undefined) => {
			if (needsRekey(us, NOW)) {
				const rekey = startRekey(us, randomBytes(256));
				us = rekey.state;
				toPeer.push(rekey.outgoing.data);
			}
			const sealed = sealMessage(
				us,
				text === undefined
					? { kind: 'service', randomId: randomBytes(8).readBigInt64LE(), action: { kind: 'noop' } }
					: {
							kind: 'message',
							randomId: randomBytes(8).readBigInt64LE(),
							ttl: 0,
							text,
							hasMedia: false,
						},
			);
			us = sealed.state;
			toPeer.push(sealed.outgoing.data);
		};
		/** Takes one item off a link: maybe not the first (reordering), maybe lost. */
		const take = (link: Buffer[]): Buffer | undefined => {
			const index = Math.floor(random() * Math.min(REORDER_WINDOW, link.length));
			const [data] = link.splice(index, 1);
			if (lossy && random() < LOSS) {
				dropped++;
				return undefined;
			}
			return data;
		};
		const deliverToUs = () => {
			const data = take(toUs);
			if (!data) return;
			try {
				const opened = openMessage(us, data, NOW);
				assert.equal(opened.aborted, undefined, opened.aborted?.message);
				us = opened.state;
				for (const item of opened.delivered)
					if (item.message.kind === 'message') readByUs.push(item.message.text);
				for (const out of opened.outgoing) toPeer.push(out.data);
				if (us.current) keys.add(us.current.fingerprint);
			} catch (error) {
				// A hole asked for twice may be answered twice: the second copy is a replay, or under
				// a key already dropped. Either is refused and changes nothing.
				if (
					!(
						error instanceof SecretChatError &&
						(error.reason === 'replayed' || error.reason === 'unknown-chat-key')
					)
				)
					throw error;
				refused++;
			}
		};
		const deliverToPeer = async () => {
			const data = take(toPeer);
			if (!data || !peer) return;
			try {
				const read = await peer.decrypt(data);
				if (process.env.SOAK_DEBUG)
					console.log(
						'peer got',
						read.outSeqNo,
						read.held,
						read.kind === 'service'
							? JSON.stringify(read.action, (k, v) =>
									typeof v === 'bigint' ? String(v) : k === 'gA' || k === 'gB' ? '..' : v,
								)
							: '',
						'replies',
						read.replies.length,
						'delivered',
						read.delivered.length,
					);
				for (const item of read.delivered)
					if (item.kind === 'message') readByPeer.push(String(item.text));
				toUs.push(...read.replies);
			} catch (error) {
				if (!(error instanceof PythonPeerError && /replay|unknown key/.test(error.message)))
					throw error;
				refused++;
			}
		};

		while (sentByUs.length + sentByPeer.length < TEXTS) {
			// Each step one side may write; the network then carries one item each way.
			const roll = random();
			if (roll < 0.3) {
				const text = `us ${sentByUs.length}`;
				sentByUs.push(text);
				ourSend(text);
			} else if (roll < 0.6) {
				const text = `peer ${sentByPeer.length}`;
				sentByPeer.push(text);
				toUs.push((await peer.encryptText(text)).data);
			}
			if (toPeer.length > 0) await deliverToPeer();
			if (toUs.length > 0) deliverToUs();
		}
		// The network heals: both sides keep talking (noops) until every hole is filled.
		lossy = false;
		for (let round = 0; round < 60; round++) {
			while (toPeer.length > 0 || toUs.length > 0) {
				if (toPeer.length > 0) await deliverToPeer();
				if (toUs.length > 0) deliverToUs();
			}
			const peerState = await peer.state();
			const done =
				readByUs.length === sentByPeer.length &&
				readByPeer.length === sentByUs.length &&
				us.held.length === 0 &&
				peerState.held.length === 0 &&
				!us.rekey;
			if (done) break;
			ourSend(undefined);
			toUs.push((await peer.encryptAction({ kind: 'noop' })).data);
		}

		assert.ok(dropped > 0, `seed ${seed}: the network lost messages`);
		if (process.env.SOAK_DEBUG)
			console.log({ dropped, refused, keys: keys.size, sent: us.outCount, read: us.inCount });
		assert.deepEqual(
			readByUs,
			sentByPeer,
			`seed ${seed}: we read every text of the peer once, in order`,
		);
		assert.deepEqual(
			readByPeer,
			sentByUs,
			`seed ${seed}: the peer read every text of ours once, in order`,
		);
		assert.ok(keys.size >= 9, `seed ${seed}: ${keys.size} keys over the run`);
		const peerState = await peer.state();
		assert.equal(peerState.fingerprint?.toString(), us.current?.fingerprint);
		assert.equal(us.previous, undefined, 'we keep no key older than the current one');
		assert.equal(peerState.previousFingerprint, undefined, 'nor does the peer');
		assert.deepEqual([us.held, peerState.held], [[], []]);
		const kept = us.sentLog.filter((entry) => entry.envelope !== undefined).length;
		assert.equal(
			kept,
			us.outCount - (us.peerInCount ?? 0),
			'only what the peer has not acknowledged yet is kept',
		);
	});
});
