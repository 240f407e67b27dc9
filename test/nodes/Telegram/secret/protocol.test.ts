import assert from 'node:assert/strict';
import { getDiffieHellman, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
	acceptRequest,
	closedChat,
	completeRequest,
	needsRekey,
	openMessage,
	prepareRequest,
	REKEY_AFTER_MESSAGES,
	requestedChat,
	sealMessage,
	sealNotifyLayer,
	SecretChatError,
	startRekey,
	waitingChat,
	type OutgoingSecret,
	type SecretChatState,
} from '../../../../nodes/Telegram/transport/secret/protocol';
import type { SecretMessage } from '../../../../nodes/Telegram/transport/secret/tl';
import { OUR_LAYER } from '../../../../nodes/Telegram/transport/secret/layers';

// RFC 3526 group 14: a safe 2048-bit prime with generator 2, independent of Telegram's.
const PARAMS = { p: getDiffieHellman('modp14').getPrime(), g: 2 };
const NOW = 1_800_000_000;

function text(value: string): SecretMessage {
	return {
		kind: 'message',
		randomId: randomBytes(8).readBigInt64LE(),
		ttl: 0,
		text: value,
		hasMedia: false,
	};
}

/** Both ends of one chat, built only from the protocol functions. */
function newChat(): { creator: SecretChatState; participant: SecretChatState } {
	const request = prepareRequest(PARAMS, randomBytes(256));
	const chat = { chatId: 42, accessHash: 7n, date: NOW };
	const waiting = waitingChat({ ...chat, peerUserId: 2n }, PARAMS, request.exponent);
	const incoming = requestedChat({ ...chat, peerUserId: 1n }, PARAMS, request.gA);
	const accepted = acceptRequest(incoming, PARAMS, randomBytes(256), NOW);
	return {
		creator: completeRequest(waiting, accepted.gB, accepted.fingerprint, NOW),
		participant: accepted.state,
	};
}

/** Delivers sealed data to the other side and returns its state, what it read, and its replies. */
function deliver(to: SecretChatState, outgoing: OutgoingSecret) {
	return openMessage(to, outgoing.data, NOW);
}

describe('secret chat protocol', () => {
	test('both sides derive the same key; a wrong fingerprint from the other side is refused', () => {
		const { creator, participant } = newChat();
		assert.equal(creator.current?.fingerprint, participant.current?.fingerprint);
		const request = prepareRequest(PARAMS, randomBytes(256));
		const waiting = waitingChat(
			{ chatId: 1, accessHash: 1n, peerUserId: 2n, date: NOW },
			PARAMS,
			request.exponent,
		);
		const accepted = acceptRequest(
			requestedChat({ chatId: 1, accessHash: 1n, peerUserId: 1n, date: NOW }, PARAMS, request.gA),
			PARAMS,
			randomBytes(256),
			NOW,
		);
		assert.throws(
			() => completeRequest(waiting, accepted.gB, accepted.fingerprint + 1n, NOW),
			(error: unknown) =>
				error instanceof SecretChatError && error.reason === 'fingerprint-mismatch',
		);
	});

	test('messages both ways carry the sequence numbers of each role and arrive in order', () => {
		let { creator, participant } = newChat();
		const layer = sealNotifyLayer(creator);
		creator = layer.state;
		let opened = deliver(participant, layer.outgoing);
		participant = opened.state;
		assert.equal(participant.peerLayer, OUR_LAYER);
		const first = sealMessage(creator, text('one'));
		creator = first.state;
		opened = deliver(participant, first.outgoing);
		participant = opened.state;
		assert.deepEqual(
			opened.delivered.map((d) => [
				d.outSeqNo,
				d.inSeqNo,
				d.message.kind === 'message' ? d.message.text : '',
			]),
			[[3, 0, 'one']],
		);
		const reply = sealMessage(participant, text('two'));
		participant = reply.state;
		opened = deliver(creator, reply.outgoing);
		assert.deepEqual(
			opened.delivered.map((d) => [d.outSeqNo, d.inSeqNo]),
			[[0, 5]],
		);
		assert.equal(opened.state.inCount, 1);
		assert.equal(opened.state.outCount, 2);
	});

	test('a replayed message is refused, and a flipped byte fails the msg_key check', () => {
		let { creator, participant } = newChat();
		const sent = sealMessage(creator, text('once'));
		creator = sent.state;
		participant = deliver(participant, sent.outgoing).state;
		assert.throws(
			() => deliver(participant, sent.outgoing),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'replayed',
		);
		const next = sealMessage(creator, text('tampered'));
		const tampered = Buffer.from(next.outgoing.data);
		tampered[40] ^= 1;
		assert.throws(
			() => openMessage(participant, tampered, NOW),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'tampered',
		);
		// The refused copy changed nothing: the genuine one is still next in sequence.
		assert.equal(deliver(participant, next.outgoing).delivered.length, 1);
	});

	test('a gap holds later messages, asks for a resend, and delivers all in order once filled', () => {
		const chat = newChat();
		let creator = chat.creator;
		const participant = chat.participant;
		const sealed: OutgoingSecret[] = [];
		for (const value of ['a', 'b', 'c']) {
			const next = sealMessage(creator, text(value));
			creator = next.state;
			sealed.push(next.outgoing);
		}
		const afterGap = deliver(participant, sealed[2]);
		assert.equal(afterGap.delivered.length, 0);
		assert.equal(afterGap.outgoing.length, 1);
		// The creator reads the resend request and sends the missing ones again.
		const asked = deliver(creator, afterGap.outgoing[0]);
		const action = asked.delivered[0].message;
		assert.ok(action.kind === 'service' && action.action.kind === 'resend');
		assert.deepEqual([action.action.startSeqNo, action.action.endSeqNo], [1, 3]);
		assert.equal(asked.outgoing.length, 2);
		let state = afterGap.state;
		const texts: string[] = [];
		for (const resent of asked.outgoing) {
			const opened = deliver(state, resent);
			state = opened.state;
			for (const d of opened.delivered)
				if (d.message.kind === 'message') texts.push(d.message.text);
		}
		assert.deepEqual(texts, ['a', 'b', 'c']);
		assert.equal(state.held.length, 0);
	});

	test(`re-keys after ${REKEY_AFTER_MESSAGES} messages: request, accept, commit, then the new key on both sides`, () => {
		let { creator, participant } = newChat();
		for (let i = 0; i < REKEY_AFTER_MESSAGES; i++) {
			const next = sealMessage(creator, text(`m${i}`));
			creator = next.state;
			participant = deliver(participant, next.outgoing).state;
		}
		assert.ok(needsRekey(creator, NOW));
		const oldFingerprint = creator.current?.fingerprint;
		const request = startRekey(creator, randomBytes(256));
		creator = request.state;
		const answered = deliver(participant, request.outgoing);
		participant = answered.state;
		assert.equal(answered.outgoing.length, 1);
		const committed = deliver(creator, answered.outgoing[0]);
		creator = committed.state;
		assert.notEqual(creator.current?.fingerprint, oldFingerprint);
		// The commit travels under the old key; the responder switches on it and answers with a noop.
		const switched = deliver(participant, committed.outgoing[0]);
		participant = switched.state;
		assert.equal(participant.current?.fingerprint, creator.current?.fingerprint);
		creator = deliver(creator, switched.outgoing[0]).state;
		const after = sealMessage(creator, text('under the new key'));
		assert.equal(after.outgoing.data.readBigInt64LE(0).toString(), creator.current?.fingerprint);
		const read = deliver(participant, after.outgoing);
		assert.ok(
			read.delivered[0].message.kind === 'message' &&
				read.delivered[0].message.text === 'under the new key',
		);
	});

	test('no new re-key while the old key is kept, unless the other side stays silent for a whole further period', () => {
		let { creator, participant } = newChat();
		const request = startRekey(creator, randomBytes(256));
		creator = request.state;
		const answered = deliver(participant, request.outgoing);
		participant = answered.state;
		creator = deliver(creator, answered.outgoing[0]).state;
		assert.ok(creator.previous, 'kept until the other side writes under the new key');
		for (let i = 0; i < REKEY_AFTER_MESSAGES; i++)
			creator = sealMessage(creator, text(`m${i}`)).state;
		assert.equal(needsRekey(creator, NOW), false);
		for (let i = 0; i < REKEY_AFTER_MESSAGES; i++)
			creator = sealMessage(creator, text(`n${i}`)).state;
		assert.equal(needsRekey(creator, NOW), true);
	});

	test('a state stored by the earlier version (sealed held messages, sent log without numbers) still works', () => {
		const chat = newChat();
		let creator = chat.creator;
		const participant = chat.participant;
		const sealed: OutgoingSecret[] = [];
		for (const value of ['a', 'b']) {
			const next = sealMessage(creator, text(value));
			creator = next.state;
			sealed.push(next.outgoing);
		}
		// As stored before: sent entries with only the envelope, a held message as its sealed bytes.
		const oldCreator: SecretChatState = {
			...creator,
			sentLog: creator.sentLog.map(({ randomId, service, envelope }) => ({
				randomId,
				service,
				envelope,
			})),
			resendAskedUpTo: 1,
		};
		const oldParticipant: SecretChatState = {
			...participant,
			held: [{ rawSeq: 1, data: sealed[1].data.toString('base64') }],
		};
		const resent = openMessage(
			oldCreator,
			sealMessage(participant, {
				kind: 'service',
				randomId: 5n,
				action: { kind: 'resend', startSeqNo: 1, endSeqNo: 3 },
			}).outgoing.data,
			NOW,
		);
		assert.equal(resent.outgoing.length, 2);
		const filled = deliver(oldParticipant, resent.outgoing[0]);
		assert.deepEqual(
			filled.delivered.map((d) => (d.message.kind === 'message' ? d.message.text : '')),
			['a', 'b'],
		);
	});

	test('the same random_id sent again is the same envelope (no new sequence number)', () => {
		let { creator, participant } = newChat();
		const message = text('retry me');
		const first = sealMessage(creator, message);
		creator = first.state;
		const again = sealMessage(creator, message);
		assert.equal(again.state.outCount, creator.outCount);
		const opened = deliver(participant, again.outgoing);
		participant = opened.state;
		// Both report the out_seq_no and layer the other side reads.
		const { outSeqNo, layer } = opened.delivered[0];
		assert.deepEqual([first.outSeqNo, first.layer], [outSeqNo, layer]);
		assert.deepEqual([again.outSeqNo, again.layer], [outSeqNo, layer]);
		assert.throws(
			() => deliver(participant, first.outgoing),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'replayed',
		);
	});

	test('a chat that is waiting or closed refuses to send, saying why', () => {
		const request = prepareRequest(PARAMS, randomBytes(256));
		const waiting = waitingChat(
			{ chatId: 5, accessHash: 1n, peerUserId: 2n, date: NOW },
			PARAMS,
			request.exponent,
		);
		assert.throws(
			() => sealMessage(waiting, text('x')),
			/not accepted yet \(the other side has not accepted it\)/,
		);
		const { creator } = newChat();
		const closed = closedChat(creator, NOW);
		assert.equal(closed.current, undefined);
		assert.throws(
			() => sealMessage(closed, text('x')),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'closed',
		);
	});

	test('bad DH parameters are refused before anything is sent', () => {
		const notSafe = { p: Buffer.alloc(256, 0xff), g: 3 };
		assert.throws(
			() => prepareRequest(notSafe, randomBytes(256)),
			(error: unknown) => error instanceof SecretChatError && error.reason === 'bad-parameters',
		);
		const incoming = requestedChat(
			{ chatId: 9, accessHash: 1n, peerUserId: 1n, date: NOW },
			PARAMS,
			Buffer.from([1]),
		);
		assert.throws(() => acceptRequest(incoming, PARAMS, randomBytes(256), NOW), /g_a was refused/);
	});
});
