import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import {
	abandonRekey,
	acceptRequest,
	completeRequest,
	needsRekey,
	openMessage,
	prepareRequest,
	REKEY_AFTER_MESSAGES,
	requestedChat,
	SENT_LOG_SIZE,
	sealMessage,
	SecretChatError,
	staleRekey,
	startRekey,
	waitingChat,
	type OpenResult,
	type OutgoingSecret,
	type SecretChatState,
} from '../../../../nodes/Telegram/transport/secret/protocol';
import { sentBefore } from '../../../../nodes/Telegram/transport/secret/sentLog';
import type { SecretAction } from '../../../../nodes/Telegram/transport/secret/tl';
import {
	startPythonPeer,
	telethonAvailable,
	type PeerDecrypted,
	type PythonPeer,
} from '../../../fakes/secretPeer/pythonPeer';
import { bytesFromBigint, TELEGRAM_DH_PRIME } from '../../../fakes/telegram/numbers';

/**
 * Our state machine (protocol.ts) against the independent Python peer, which can misbehave on
 * command: gaps, forged sequence numbers, unmeetable resends, bad DH values, wrong commits, stale
 * keys. Each case checks what the spec says both sides end up with: recovered, or aborted.
 */

const DH = { p: bytesFromBigint(TELEGRAM_DH_PRIME, 256), g: 3 };
const NOW = 1_800_000_000;
const telethon = telethonAvailable();
const skip = telethon.ok ? false : telethon.reason;

const peers: PythonPeer[] = [];
after(async () => await Promise.all(peers.map((peer) => peer.stop())));

/** Our end of one chat: the state the caller would store, moved on by each call. */
class Ours {
	constructor(public state: SecretChatState) {}

	text(text: string): OutgoingSecret {
		const sealed = sealMessage(this.state, {
			kind: 'message',
			randomId: randomBytes(8).readBigInt64LE(),
			ttl: 0,
			text,
			hasMedia: false,
		});
		this.state = sealed.state;
		return sealed.outgoing;
	}

	receive(data: Buffer): OpenResult {
		const opened = openMessage(this.state, data, NOW);
		this.state = opened.state;
		return opened;
	}
}

async function newPeer(): Promise<PythonPeer> {
	const peer = await startPythonPeer();
	peers.push(peer);
	return peer;
}

const chat = { chatId: 7, accessHash: 1n, date: NOW };

/** We create the chat, the peer accepts: we are the creator. */
async function weCreate(): Promise<{ peer: PythonPeer; us: Ours }> {
	const peer = await newPeer();
	const request = prepareRequest(DH, randomBytes(256));
	const waiting = waitingChat({ ...chat, peerUserId: 2n }, DH, request.exponent);
	const answer = await peer.accept({ ...DH, gA: request.gA });
	return { peer, us: new Ours(completeRequest(waiting, answer.gB, answer.keyFingerprint, NOW)) };
}

/** The peer creates the chat, we accept. */
async function peerCreates(): Promise<{ peer: PythonPeer; us: Ours }> {
	const peer = await newPeer();
	const { gA } = await peer.request(DH);
	const accepted = acceptRequest(
		requestedChat({ ...chat, peerUserId: 1n }, DH, gA),
		DH,
		randomBytes(256),
		NOW,
	);
	await peer.accepted({ gB: accepted.gB, keyFingerprint: accepted.fingerprint });
	return { peer, us: new Ours(accepted.state) };
}

const texts = (opened: { delivered: OpenResult['delivered'] }) =>
	opened.delivered.map((d) =>
		d.message.kind === 'message' ? d.message.text : d.message.action.kind,
	);

function actionOf(read: PeerDecrypted): SecretAction {
	assert.equal(read.kind, 'service');
	return read.action as SecretAction;
}

function assertAborted(opened: OpenResult, reason: SecretChatError['reason'], message: RegExp) {
	assert.ok(opened.aborted instanceof SecretChatError, 'the chat is aborted');
	assert.equal(opened.aborted.reason, reason);
	assert.match(opened.aborted.message, message);
	assert.equal(opened.state.status, 'closed');
	assert.equal(opened.state.current, undefined, 'the keys are gone');
	// The user reads what happened and what to do.
	assert.equal(
		opened.state.closedReason,
		`${opened.aborted.message}. Start a new secret chat with this user to go on talking.`,
	);
	assert.deepEqual(opened.outgoing, []);
}

describe('secret chat state machine against the Python peer', { skip }, () => {
	test('in_seq_no with the wrong parity, above what we sent, or going back aborts the chat', async () => {
		let { peer, us } = await weCreate();
		// We created the chat: the peer's in_seq_no is odd.
		assertAborted(
			us.receive((await peer.encryptText('x', { inSeqNo: 0 })).data),
			'wrong-parity',
			/in_seq_no 0 .*wrong parity.*aborted/,
		);
		({ peer, us } = await weCreate());
		assertAborted(
			us.receive((await peer.encryptText('x', { inSeqNo: 3 })).data),
			'wrong-sequence',
			/in_seq_no 3 .* received 1 messages, but only 0 were sent/,
		);
		({ peer, us } = await weCreate());
		for (const text of ['one', 'two']) await peer.decrypt(us.text(text).data);
		assert.deepEqual(texts(us.receive((await peer.encryptText('got both')).data)), ['got both']);
		const back = us.receive((await peer.encryptText('x', { inSeqNo: 3 })).data);
		assertAborted(back, 'wrong-sequence', /in_seq_no 3 .* went back/);
		assert.deepEqual(back.delivered, []);
	});

	test('an out_seq_no with the wrong parity aborts the chat at once', async () => {
		const { peer, us } = await peerCreates();
		// The peer created the chat: its out_seq_no is odd.
		assertAborted(
			us.receive((await peer.encryptText('x', { outSeqNo: 2 })).data),
			'wrong-parity',
			/out_seq_no 2 .*wrong parity.*aborted/,
		);
	});

	test('one resend request per hole; later messages wait; once filled, all arrive once, in order', async () => {
		const { peer, us } = await weCreate();
		await peer.configure({ holdGaps: true });
		const sent = [];
		for (const text of ['a', 'b', 'c', 'd', 'e', 'f']) sent.push(await peer.encryptText(text));
		const requests: Array<[number, number]> = [];
		const replies: OutgoingSecret[] = [];
		const read: string[] = [];
		// b and e are lost on the way.
		for (const index of [0, 2, 3, 5]) {
			const opened = us.receive(sent[index].data);
			read.push(...texts(opened));
			replies.push(...opened.outgoing);
		}
		for (const reply of replies) {
			const asked = await peer.decrypt(reply.data);
			const action = actionOf(asked);
			assert.equal(action.kind, 'resend');
			if (action.kind === 'resend') requests.push([action.startSeqNo, action.endSeqNo]);
			for (const resent of asked.replies) read.push(...texts(us.receive(resent)));
		}
		assert.deepEqual(requests, [
			[2, 2],
			[8, 8],
		]);
		assert.deepEqual(read, ['a', 'b', 'c', 'd', 'e', 'f']);
		assert.deepEqual(us.state.held, []);
		assert.equal(us.state.inCount, 6);
	});

	test('a gap on the way to the peer: its resend request comes in sequence, we send the lost message again, it reads both in order', async () => {
		const { peer, us } = await peerCreates();
		await peer.configure({ holdGaps: true });
		us.text('lost on the way');
		const second = await peer.decrypt(us.text('second').data);
		assert.equal(second.held, true, 'the peer holds what came after the gap');
		assert.equal(second.replies.length, 1);
		const request = us.receive(second.replies[0]);
		assert.deepEqual(texts(request), ['resend'], 'no gap on our side: read in sequence');
		assert.equal(request.aborted, undefined);
		assert.equal(request.outgoing.length, 1, 'exactly the lost message');
		const resent = await peer.decrypt(request.outgoing[0].data);
		assert.deepEqual(
			resent.delivered.map((item) => item.text),
			['lost on the way', 'second'],
		);
		assert.deepEqual((await peer.state()).held, []);
		assert.equal((await peer.decrypt(us.text('third').data)).text, 'third');
		assert.deepEqual(texts(us.receive((await peer.encryptText('all three')).data)), ['all three']);
	});

	test('concurrent gaps: each side lost a message; a resend request after a gap is met at once', async () => {
		const { peer, us } = await weCreate();
		await peer.configure({ holdGaps: true });
		us.text('A1, lost');
		await peer.encryptText('B1, lost');
		const a2 = await peer.decrypt(us.text('A2').data);
		assert.equal(a2.held, true);
		assert.equal(a2.replies.length, 1, 'the peer asks for A1');
		// The peer's request comes after B1, which we lack: we still meet it at once.
		const opened = us.receive(a2.replies[0]);
		assert.deepEqual(opened.delivered, []);
		const readByPeer: string[] = [];
		const ourRequests: SecretAction[] = [];
		for (const out of opened.outgoing) {
			const read = await peer.decrypt(out.data);
			for (const item of read.delivered)
				readByPeer.push(item.kind === 'message' ? String(item.text) : String(item.action?.kind));
			if (read.kind === 'service') ourRequests.push(actionOf(read));
			for (const reply of read.replies) us.receive(reply);
		}
		assert.deepEqual(readByPeer.slice(0, 2), ['A1, lost', 'A2']);
		assert.deepEqual(ourRequests, [{ kind: 'resend', startSeqNo: 0, endSeqNo: 0 }]);
		assert.equal(us.state.inCount, 2, 'B1 and the resend request are read');
		assert.deepEqual((await peer.state()).held, []);
		// Both go on in order.
		assert.equal((await peer.decrypt(us.text('after').data)).text, 'after');
		assert.deepEqual(texts(us.receive((await peer.encryptText('and back')).data)), ['and back']);
	});

	test('a resend request we cannot meet aborts the chat: never sent, or already acknowledged', async () => {
		let { peer, us } = await weCreate();
		await peer.decrypt(us.text('only one').data);
		assertAborted(
			us.receive((await peer.encryptAction({ kind: 'resend', startSeqNo: 1, endSeqNo: 5 })).data),
			'unmeetable-resend',
			/resend out_seq_no 1\.\.5, but we only sent up to 1/,
		);
		({ peer, us } = await weCreate());
		await peer.decrypt(us.text('acknowledged').data);
		us.receive((await peer.encryptText('I got it')).data);
		assert.equal(us.state.sentLog[0].envelope, undefined, 'an acknowledged message is not kept');
		assertAborted(
			us.receive((await peer.encryptAction({ kind: 'resend', startSeqNo: 1, endSeqNo: 1 })).data),
			'unmeetable-resend',
			/1\.\.1, but the same message says 1 was received/,
		);
	});

	test('a resend request for a message older than the ones we keep aborts the chat', async () => {
		const { peer, us } = await weCreate();
		await peer.configure({ holdGaps: true });
		// None of the first SENT_LOG_SIZE reach the peer; it gets the last and asks for them all.
		for (let i = 0; i < SENT_LOG_SIZE; i++) us.text(`lost ${i}`);
		const last = await peer.decrypt(us.text('the last').data);
		assert.equal(last.held, true);
		const request = us.receive(last.replies[0]);
		assertAborted(
			request,
			'unmeetable-resend',
			/resend out_seq_no 1\.\.199, but 1 is no longer kept \(older than the last 100\): the chat was aborted/,
		);
		assert.deepEqual(request.delivered, []);
	});

	test('a re-key with a bad g_a or g_b is aborted with abortKey and the chat goes on; an unreadable body aborts the chat', async () => {
		let { peer, us } = await weCreate();
		const badRequest = await peer.encryptAction({
			kind: 'requestKey',
			exchangeId: 77n,
			gA: Buffer.alloc(256, 0),
		});
		const opened = us.receive(badRequest.data);
		assert.equal(opened.aborted, undefined);
		assert.equal(opened.outgoing.length, 1);
		assert.deepEqual(actionOf(await peer.decrypt(opened.outgoing[0].data)), {
			kind: 'abortKey',
			exchangeId: 77n,
		});
		assert.equal(us.state.rekey, undefined);
		assert.deepEqual(texts(us.receive((await peer.encryptText('still here')).data)), [
			'still here',
		]);

		await peer.configure({ badGB: true });
		const request = startRekey(us.state, randomBytes(256));
		us.state = request.state;
		const answered = await peer.decrypt(request.outgoing.data);
		const refused = us.receive(answered.replies[0]);
		assert.equal(refused.outgoing.length, 1);
		const abort = actionOf(await peer.decrypt(refused.outgoing[0].data));
		assert.equal(abort.kind, 'abortKey');
		assert.equal(us.state.rekey, undefined);
		assert.ok(needsRekey({ ...us.state, current: { ...us.state.current!, since: 0 } }, NOW));

		({ peer, us } = await weCreate());
		assertAborted(
			us.receive((await peer.encryptRaw(Buffer.from('deadbeef', 'hex'))).data),
			'undecodable',
			/could not be read/,
		);
	});

	test('after a re-key the old key is dropped once the other side uses the new one; a stale message is refused', async () => {
		const { peer, us } = await weCreate();
		const oldFingerprint = us.state.current?.fingerprint;
		const request = startRekey(us.state, randomBytes(256));
		us.state = request.state;
		const accept = await peer.decrypt(request.outgoing.data);
		// Sent by the peer before it sees our commit: under the old key.
		const early = await peer.encryptText('before the commit');
		const committed = us.receive(accept.replies[0]);
		assert.notEqual(us.state.current?.fingerprint, oldFingerprint);
		assert.equal(us.state.rekey?.exponent, undefined, 'the DH exponent is gone once used');
		assert.deepEqual(texts(us.receive(early.data)), ['before the commit']);
		assert.equal(
			us.state.previous?.fingerprint,
			oldFingerprint,
			'kept while old-key messages may come',
		);
		await peer.decrypt(committed.outgoing[0].data);
		for (const text of ['new 1', 'new 2']) us.receive((await peer.encryptText(text)).data);
		assert.equal(us.state.previous, undefined);
		const stale = await peer.encryptText('under the old key', { retiredKey: true });
		assert.equal(stale.fingerprint.toString(), oldFingerprint);
		assert.throws(
			() => us.receive(stale.data),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'unknown-chat-key',
		);
	});

	test('an acceptKey whose fingerprint does not match its g_b aborts the exchange on both sides; the next re-key completes', async () => {
		const { peer, us } = await weCreate();
		const oldFingerprint = us.state.current?.fingerprint;
		await peer.configure({ acceptFingerprintDelta: 1 });
		const request = startRekey(us.state, randomBytes(256));
		us.state = request.state;
		const answered = await peer.decrypt(request.outgoing.data);
		assert.equal((await peer.state()).rekey, 'accepted');
		const refused = us.receive(answered.replies[0]);
		assert.equal(refused.aborted, undefined, 'the chat goes on');
		assert.deepEqual(texts(refused), ['acceptKey']);
		assert.equal(us.state.rekey, undefined);
		assert.equal(us.state.current?.fingerprint, oldFingerprint, 'no commit, no new key');
		assert.equal(refused.outgoing.length, 1);
		assert.deepEqual(actionOf(await peer.decrypt(refused.outgoing[0].data)), {
			kind: 'abortKey',
			exchangeId: BigInt(request.state.rekey?.exchangeId ?? 0),
		});
		const peerState = await peer.state();
		assert.deepEqual([peerState.rekey, String(peerState.fingerprint)], [null, oldFingerprint]);

		const again = startRekey(us.state, randomBytes(256));
		us.state = again.state;
		const accept = await peer.decrypt(again.outgoing.data);
		const commit = us.receive(accept.replies[0]);
		await peer.decrypt(commit.outgoing[0].data);
		assert.notEqual(us.state.current?.fingerprint, oldFingerprint);
		assert.equal(String((await peer.state()).fingerprint), us.state.current?.fingerprint);
	});

	test('a commitKey for another key aborts the exchange with abortKey; the next re-key completes', async () => {
		const { peer, us } = await weCreate();
		const oldFingerprint = us.state.current?.fingerprint;
		await peer.configure({ commitFingerprintDelta: 1 });
		const request = us.receive((await peer.encryptAction({ kind: 'requestKey' })).data);
		assert.equal(us.state.rekey?.role, 'responder');
		assert.equal(us.state.rekey?.exponent, undefined, 'a responder keeps no exponent');
		const wrongCommit = await peer.decrypt(request.outgoing[0].data);
		const aborted = us.receive(wrongCommit.replies[0]);
		assert.equal(us.state.rekey, undefined);
		assert.equal(us.state.current?.fingerprint, oldFingerprint);
		assert.equal(actionOf(await peer.decrypt(aborted.outgoing[0].data)).kind, 'abortKey');

		const again = us.receive((await peer.encryptAction({ kind: 'requestKey' })).data);
		const commit = await peer.decrypt(again.outgoing[0].data);
		const switched = us.receive(commit.replies[0]);
		assert.equal(us.state.current?.fingerprint, (await peer.state()).fingerprint?.toString());
		assert.equal((await peer.decrypt(switched.outgoing[0].data)).action?.kind, 'noop');
	});

	test('a sent message the peer acknowledged keeps only its id: a retry of it sends nothing', async () => {
		const { peer, us } = await weCreate();
		const message = {
			kind: 'message' as const,
			randomId: 42n,
			ttl: 0,
			text: 'once',
			hasMedia: false,
		};
		const sealed = sealMessage(us.state, message);
		us.state = sealed.state;
		await peer.decrypt(sealed.outgoing.data);
		assert.equal(
			sentBefore(us.state, 42n)?.acknowledged,
			false,
			'not acknowledged yet: a retry repeats it',
		);
		assert.equal(sealMessage(us.state, message).state.outCount, 1);
		us.receive((await peer.encryptText('got it')).data);
		assert.equal(sentBefore(us.state, 42n)?.acknowledged, true);
		assert.deepEqual(us.state.sentLog, [{ randomId: '42', service: false, outSeqNo: 1 }]);
		assert.throws(
			() => sealMessage(us.state, message),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'replayed',
		);
	});

	test('a re-key nobody answers is given up after as many messages, and a new one can start', async () => {
		const { peer, us } = await weCreate();
		us.state = startRekey(us.state, randomBytes(256)).state; // its requestKey never arrives
		for (let i = 0; i < REKEY_AFTER_MESSAGES - 1; i++) us.text(`m${i}`);
		assert.equal(needsRekey(us.state, NOW), false);
		assert.equal(staleRekey(us.state), false);
		us.text('one more');
		assert.equal(staleRekey(us.state), true);
		const abort = abandonRekey(us.state);
		assert.equal(abort.state.rekey, undefined);
		assert.ok(needsRekey(abort.state, NOW));
		void peer;
	});
});
