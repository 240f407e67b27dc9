import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import {
	SecretPayloadError,
	keyFingerprint,
	openSecretPayload,
	sealSecretPayload,
} from '../../../nodes/Telegram/transport/secret/crypto';
import {
	checkDhParameters,
	checkDhPublicValue,
	dhPublicValue,
	dhSharedKey,
	newDhExponent,
	type DhParameters,
} from '../../../nodes/Telegram/transport/secret/dh';
import {
	SECRET_LAYER,
	decodeSecretLayer,
	encodeSecretLayer,
	type SecretAction,
	type SecretLayerEnvelope,
	type SecretMessage,
} from '../../../nodes/Telegram/transport/secret/tl';
import { PythonPeerError, startPythonPeer, telethonAvailable, type PythonPeer } from './pythonPeer';
import { bytesFromBigint, TELEGRAM_DH_PRIME } from '../telegram/numbers';

const TELEGRAM_DH: DhParameters = {
	p: bytesFromBigint(TELEGRAM_DH_PRIME, 256),
	g: 3,
};

/**
 * Our end of the chat, made only of tl/crypto/dh (the state machine is not under test here):
 * raw counters, seq numbers by the rule, keys by fingerprint.
 */
class OurSide {
	outCount = 0;
	inCount = 0;
	keys: Array<{ key: Buffer; fingerprint: bigint }>;

	constructor(
		readonly creator: boolean,
		key: Buffer,
	) {
		this.keys = [{ key, fingerprint: keyFingerprint(key) }];
	}

	get key(): Buffer {
		return this.keys[0].key;
	}

	/** Seals the next message; nothing is delivered until the test passes the bytes on. */
	seal(message: SecretMessage, key = this.key): { data: Buffer; envelope: SecretLayerEnvelope } {
		const envelope: SecretLayerEnvelope = {
			randomBytes: randomBytes(16),
			layer: SECRET_LAYER,
			inSeqNo: 2 * this.inCount + (this.creator ? 0 : 1),
			outSeqNo: 2 * this.outCount + (this.creator ? 1 : 0),
			message,
		};
		this.outCount++;
		return {
			data: sealSecretPayload({
				chatKey: key,
				tl: encodeSecretLayer(envelope),
				fromCreator: this.creator,
			}),
			envelope,
		};
	}

	text(text: string, extra: Partial<Extract<SecretMessage, { kind: 'message' }>> = {}) {
		return this.seal({
			kind: 'message',
			randomId: BigInt.asIntN(64, randomBytes(8).readBigUInt64LE()),
			ttl: 0,
			text,
			hasMedia: false,
			...extra,
		});
	}

	action(action: SecretAction, key?: Buffer) {
		return this.seal(
			{ kind: 'service', randomId: BigInt.asIntN(64, randomBytes(8).readBigUInt64LE()), action },
			key,
		);
	}

	open(data: Buffer): SecretLayerEnvelope & { fingerprint: bigint } {
		const { tl, fingerprint } = openSecretPayload({
			keys: this.keys,
			data,
			fromCreator: !this.creator,
		});
		const envelope = decodeSecretLayer(tl);
		assert.equal(
			envelope.outSeqNo,
			2 * this.inCount + (this.creator ? 0 : 1),
			'the peer numbers its messages by the rule',
		);
		this.inCount++;
		return { ...envelope, fingerprint };
	}

	switchTo(key: Buffer): void {
		this.keys = [{ key, fingerprint: keyFingerprint(key) }, ...this.keys.slice(0, 1)];
	}
}

const telethon = telethonAvailable();
const skip = telethon.ok
	? false
	: `the Python peer needs telethon in /usr/bin/python3 (${telethon.reason}); install python3-telethon`;

const peers: PythonPeer[] = [];
after(async () => {
	await Promise.all(peers.map((peer) => peer.stop()));
});

async function newPeer(): Promise<PythonPeer> {
	const peer = await startPythonPeer();
	peers.push(peer);
	return peer;
}

/** We create the chat, the peer accepts. */
async function weCreate(): Promise<{ peer: PythonPeer; us: OurSide }> {
	const peer = await newPeer();
	checkDhParameters(TELEGRAM_DH);
	const a = newDhExponent(randomBytes(256));
	const gA = dhPublicValue(TELEGRAM_DH, a);
	checkDhPublicValue(gA, TELEGRAM_DH.p, 'g_a');
	const { gB, keyFingerprint: peerFingerprint } = await peer.accept({ ...TELEGRAM_DH, gA });
	checkDhPublicValue(gB, TELEGRAM_DH.p, 'g_b');
	const key = dhSharedKey(TELEGRAM_DH, a, gB);
	assert.equal(keyFingerprint(key), peerFingerprint, 'both sides computed the same key');
	return { peer, us: new OurSide(true, key) };
}

/** The peer creates the chat, we accept. */
async function peerCreates(): Promise<{ peer: PythonPeer; us: OurSide }> {
	const peer = await newPeer();
	const { gA } = await peer.request(TELEGRAM_DH);
	checkDhParameters(TELEGRAM_DH);
	checkDhPublicValue(gA, TELEGRAM_DH.p, 'g_a');
	const b = newDhExponent(randomBytes(256));
	const gB = dhPublicValue(TELEGRAM_DH, b);
	const key = dhSharedKey(TELEGRAM_DH, b, gA);
	await peer.accepted({ gB, keyFingerprint: keyFingerprint(key) });
	return { peer, us: new OurSide(false, key) };
}

/** The DH half of a re-key started by us: the peer's acceptKey gives the new key. */
function newKeyFrom(accept: SecretAction, exponent: Buffer): Buffer {
	assert.equal(accept.kind, 'acceptKey');
	if (accept.kind !== 'acceptKey') throw new Error('unreachable');
	checkDhPublicValue(accept.gB, TELEGRAM_DH.p, 'g_b');
	const key = dhSharedKey(TELEGRAM_DH, exponent, accept.gB);
	assert.equal(keyFingerprint(key), accept.keyFingerprint);
	return key;
}

describe('secret chats against an independent Python peer (telethon crypto)', { skip }, () => {
	for (const [name, setUp] of [
		['we create, the peer accepts', weCreate],
		['the peer creates, we accept', peerCreates],
	] as const) {
		test(`${name}: messages both ways, every one counted, text and fields intact`, async () => {
			const { peer, us } = await setUp();
			const layer = us.action({ kind: 'notifyLayer', layer: SECRET_LAYER });
			const seen = await peer.decrypt(layer.data);
			assert.deepEqual(seen.action, { kind: 'notifyLayer', layer: 73 });
			assert.equal(seen.outSeqNo, us.creator ? 1 : 0);
			assert.equal(seen.inSeqNo, us.creator ? 0 : 1);

			for (let round = 0; round < 4; round++) {
				const text = `round ${round}: ${'héllo 👋 '.repeat(round * 40)}`;
				const sent = us.text(text, round === 1 ? { replyToRandomId: -7n, groupedId: 99n } : {});
				const got = await peer.decrypt(sent.data);
				assert.equal(got.text, text);
				assert.equal(got.randomId, sent.envelope.message.randomId);
				assert.equal(got.outSeqNo, sent.envelope.outSeqNo);
				assert.equal(got.inSeqNo, sent.envelope.inSeqNo);
				if (round === 1) assert.deepEqual([got.replyToRandomId, got.groupedId], [-7n, 99n]);
				assert.deepEqual(got.replies, []);

				const answer = await peer.encryptText(`answer ${round}`, { ttl: round });
				const opened = us.open(answer.data);
				assert.deepEqual(opened.message, {
					kind: 'message',
					randomId: answer.randomId,
					ttl: round,
					text: `answer ${round}`,
					hasMedia: false,
				});
				assert.equal(opened.inSeqNo, answer.inSeqNo);
				// The peer has received 1 + round + 1 messages of ours when it answers.
				assert.equal(opened.inSeqNo, 2 * (round + 2) + (us.creator ? 1 : 0));
			}
			const actions: SecretAction[] = [
				{ kind: 'setMessageTtl', ttlSeconds: 15 },
				{ kind: 'readMessages', randomIds: [1n, -(2n ** 63n)] },
				{ kind: 'deleteMessages', randomIds: [2n ** 63n - 1n] },
				{ kind: 'screenshotMessages', randomIds: [] },
				{ kind: 'flushHistory' },
				{ kind: 'noop' },
				{ kind: 'abortKey', exchangeId: 5n },
			];
			for (const action of actions)
				assert.deepEqual((await peer.decrypt(us.action(action).data)).action, action);
			assert.deepEqual(await peer.state(), {
				creator: !us.creator,
				fingerprint: keyFingerprint(us.key),
				previousFingerprint: undefined,
				outCount: 4,
				inCount: 5 + actions.length,
				layerSeen: 73,
				rekey: null,
				held: [],
				hisInCount: 4,
			});
		});
	}

	test('what the peer writes that we only read: layer-46 messages, media, entities, typing, unknown actions', async () => {
		const { peer, us } = await weCreate();
		const legacy = await peer.encryptText('old', {
			legacy46: true,
			replyToRandomId: 4n,
			groupedId: 5n,
		});
		assert.deepEqual(us.open(legacy.data).message, {
			kind: 'message',
			randomId: legacy.randomId,
			ttl: 0,
			text: 'old',
			hasMedia: false,
			replyToRandomId: 4n,
		});
		const geo = await peer.encryptText('here', { geo: [52.52, 13.4], replyToRandomId: 4n });
		assert.deepEqual(us.open(geo.data).message, {
			kind: 'message',
			randomId: geo.randomId,
			ttl: 0,
			text: 'here',
			hasMedia: true,
		});
		const entities = [
			{ type: 'bold' as const, offset: 0, length: 4 },
			{ type: 'textUrl' as const, offset: 5, length: 4, url: 'https://example.com/x' },
		];
		const styled = await peer.encryptText('bold link', {
			entities,
			replyToRandomId: -9n,
			groupedId: 12n,
		});
		assert.deepEqual(us.open(styled.data).message, {
			kind: 'message',
			randomId: styled.randomId,
			ttl: 0,
			text: 'bold link',
			hasMedia: false,
			entities,
			replyToRandomId: -9n,
			groupedId: 12n,
		});
		const typing = await peer.encryptAction({ kind: 'typing' });
		assert.deepEqual(us.open(typing.data).message, {
			kind: 'service',
			randomId: typing.randomId,
			action: { kind: 'typing' },
		});
		const unknown = await peer.encryptAction({ kind: 'unsupported', constructorId: 0x12345678 });
		assert.deepEqual(us.open(unknown.data).message, {
			kind: 'service',
			randomId: unknown.randomId,
			action: { kind: 'unsupported', constructorId: 0x12345678 },
		});
		// A forged number does not move the peer's counter: the next real one follows the last.
		const forged = await peer.encryptText('again', { outSeqNo: 0, inSeqNo: 1, layer: 46 });
		const opened = decodeSecretLayer(
			openSecretPayload({ keys: us.keys, data: forged.data, fromCreator: false }).tl,
		);
		assert.deepEqual([opened.outSeqNo, opened.inSeqNo, opened.layer], [0, 1, 46]);
		assert.equal((await peer.encryptAction({ kind: 'noop' })).outSeqNo, 2 * us.inCount);
	});

	test('the peer refuses tampering, unknown keys, the wrong direction, replays and gaps; a refusal changes nothing', async () => {
		const { peer, us } = await weCreate();
		const first = us.text('first');
		const flip = (data: Buffer, at: number) => {
			const copy = Buffer.from(data);
			copy[at] ^= 0x80;
			return copy;
		};
		await assert.rejects(peer.decrypt(flip(first.data, 40)), {
			name: 'PythonPeerError',
			message: 'msg_key mismatch',
		});
		await assert.rejects(peer.decrypt(flip(first.data, 10)), { message: 'msg_key mismatch' });
		await assert.rejects(peer.decrypt(flip(first.data, 3)), {
			message: /^unknown key fingerprint/,
		});
		const tl = encodeSecretLayer(first.envelope);
		await assert.rejects(
			peer.decrypt(sealSecretPayload({ chatKey: randomBytes(256), tl, fromCreator: true })),
			{ message: /^unknown key fingerprint/ },
		);
		await assert.rejects(
			peer.decrypt(sealSecretPayload({ chatKey: us.key, tl, fromCreator: false })),
			{ message: 'msg_key mismatch' },
		);
		await assert.rejects(peer.decrypt(first.data.subarray(0, first.data.length - 16)), {
			message: 'msg_key mismatch',
		});
		assert.equal((await peer.state()).inCount, 0);
		assert.equal((await peer.decrypt(first.data)).text, 'first');

		await assert.rejects(peer.decrypt(first.data), {
			message: 'replay: out_seq_no 1 was already received (expected 3)',
		});
		const second = us.text('second');
		const third = us.text('third');
		const fourth = us.text('fourth');
		await assert.rejects(peer.decrypt(fourth.data), {
			message: 'gap: expected out_seq_no 3, got 7 (missing 3, 5)',
		});
		await assert.rejects(peer.decrypt(third.data), {
			message: 'gap: expected out_seq_no 3, got 5 (missing 3)',
		});
		for (const [sent, text] of [
			[second, 'second'],
			[third, 'third'],
			[fourth, 'fourth'],
		] as const)
			assert.equal((await peer.decrypt(sent.data)).text, text);

		// in_seq_no may not claim more than was sent, nor go back; the layer may not go back.
		const forge = (change: Partial<SecretLayerEnvelope>) => {
			const envelope: SecretLayerEnvelope = {
				...us.seal({ kind: 'service', randomId: 1n, action: { kind: 'noop' } }).envelope,
				...change,
			};
			us.outCount--;
			return sealSecretPayload({
				chatKey: us.key,
				tl: encodeSecretLayer(envelope),
				fromCreator: true,
			});
		};
		await assert.rejects(peer.decrypt(forge({ inSeqNo: 2 })), {
			message: 'in_seq_no 2 says 1 messages were received, but only 0 were sent',
		});
		await assert.rejects(peer.decrypt(forge({ inSeqNo: 1 })), {
			message: 'in_seq_no 1 has the wrong parity',
		});
		await assert.rejects(peer.decrypt(forge({ outSeqNo: 8 })), {
			message: 'out_seq_no 8 has the wrong parity (expected 9)',
		});
		await assert.rejects(peer.decrypt(forge({ layer: 46 })), {
			message: 'layer 46 went back (it was 73)',
		});
		const answer = us.open((await peer.encryptText('one')).data);
		assert.equal(answer.inSeqNo, 2 * 4 + 1);
		assert.equal((await peer.decrypt(us.text('after the answer').data)).inSeqNo, 2);
		await assert.rejects(peer.decrypt(forge({ inSeqNo: 0 })), {
			message: 'in_seq_no 0 went back (it was 2)',
		});
		assert.deepEqual(await peer.state(), {
			creator: false,
			fingerprint: keyFingerprint(us.key),
			previousFingerprint: undefined,
			outCount: 1,
			inCount: 5,
			layerSeen: undefined,
			rekey: null,
			held: [],
			hisInCount: 1,
		});
	});

	test('we refuse what the peer sends when it is altered or read in the wrong direction', async () => {
		const { peer, us } = await peerCreates();
		const sent = await peer.encryptText('to us');
		const reason = (data: Buffer, fromCreator: boolean) => {
			try {
				openSecretPayload({ keys: us.keys, data, fromCreator });
				return 'opened';
			} catch (error) {
				assert.ok(error instanceof SecretPayloadError);
				return error.reason;
			}
		};
		const altered = Buffer.from(sent.data);
		altered[altered.length - 1] ^= 1;
		assert.equal(reason(sent.data, true), 'opened');
		assert.equal(reason(altered, true), 'msg-key-mismatch');
		assert.equal(reason(sent.data, false), 'msg-key-mismatch');
		assert.equal(sent.fingerprint, us.keys[0].fingerprint);
	});

	test('a bad handshake is refused: wrong fingerprint, g_a out of range, a prime that is not safe', async () => {
		const creator = await newPeer();
		const { gA } = await creator.request(TELEGRAM_DH);
		const b = newDhExponent(randomBytes(256));
		const key = dhSharedKey(TELEGRAM_DH, b, gA);
		await assert.rejects(
			creator.accepted({
				gB: dhPublicValue(TELEGRAM_DH, b),
				keyFingerprint: keyFingerprint(key) + 1n,
			}),
			{ message: /key_fingerprint mismatch/ },
		);
		await assert.rejects(creator.encryptText('no key yet'), { message: 'no chat key yet' });
		const participant = await newPeer();
		await assert.rejects(participant.accept({ ...TELEGRAM_DH, gA: Buffer.from([1]) }), {
			message: 'g_a is out of range',
		});
		const composite = Buffer.from(TELEGRAM_DH.p);
		composite[255] ^= 2;
		await assert.rejects(participant.accept({ p: composite, g: 3, gA }), {
			message: 'p is not a safe prime',
		});
		await assert.rejects(participant.accept({ ...TELEGRAM_DH, g: 2, gA }), {
			message: /does not generate/,
		});
		assert.ok((await participant.accept({ ...TELEGRAM_DH, gA })).gB.length === 256);
	});

	test('we re-key: the peer answers requestKey with acceptKey, switches on commitKey, then uses the new key', async () => {
		const { peer, us } = await weCreate();
		const oldKey = us.key;
		const oldFingerprint = keyFingerprint(oldKey);
		await peer.decrypt(us.text('before').data);
		const exponent = newDhExponent(randomBytes(256));
		const exchangeId = 0x1234_5678_9abcn;
		const request = await peer.decrypt(
			us.action({ kind: 'requestKey', exchangeId, gA: dhPublicValue(TELEGRAM_DH, exponent) }).data,
		);
		assert.equal(request.replies.length, 1);
		const accept = us.open(request.replies[0]);
		assert.equal(accept.fingerprint, oldFingerprint, 'acceptKey travels under the old key');
		assert.ok(
			accept.message.kind === 'service' &&
				accept.message.action.kind === 'acceptKey' &&
				accept.message.action.exchangeId === exchangeId,
		);
		const newKey = newKeyFrom(accept.message.action, exponent);
		const newFingerprint = keyFingerprint(newKey);
		assert.equal((await peer.state()).rekey, 'accepted');
		const beforeCommit = await peer.encryptText('still old');
		assert.equal(beforeCommit.fingerprint, oldFingerprint);
		assert.equal(us.open(beforeCommit.data).fingerprint, oldFingerprint);

		const wrongCommit = us.action({
			kind: 'commitKey',
			exchangeId,
			keyFingerprint: newFingerprint + 1n,
		});
		us.outCount--;
		await assert.rejects(peer.decrypt(wrongCommit.data), {
			message: 'commitKey key_fingerprint mismatch',
		});
		const commit = await peer.decrypt(
			us.action({ kind: 'commitKey', exchangeId, keyFingerprint: newFingerprint }).data,
		);
		assert.deepEqual(commit.replies, []);
		us.switchTo(newKey);
		assert.deepEqual(await peer.state(), {
			creator: false,
			fingerprint: newFingerprint,
			previousFingerprint: oldFingerprint,
			outCount: 2,
			inCount: 3,
			layerSeen: undefined,
			rekey: null,
			held: [],
			hisInCount: 2,
		});

		const after = await peer.encryptText('after the commit');
		assert.equal(after.fingerprint, newFingerprint);
		assert.equal(us.open(after.data).fingerprint, newFingerprint);
		assert.equal((await peer.decrypt(us.text('new key').data)).fingerprint, newFingerprint);
		// Once we used the new key, the peer forgets the old one.
		assert.equal((await peer.state()).previousFingerprint, undefined);
		const stale = us.seal(
			{ kind: 'message', randomId: 3n, ttl: 0, text: 'old key', hasMedia: false },
			oldKey,
		);
		us.outCount--;
		await assert.rejects(peer.decrypt(stale.data), {
			message: `unknown key fingerprint ${oldFingerprint} (current ${newFingerprint})`,
		});
	});

	test('the peer re-keys: we accept, it sends commitKey under the old key and switches; it reads the old key until we use the new one', async () => {
		const { peer, us } = await peerCreates();
		const oldKey = us.key;
		const oldFingerprint = keyFingerprint(oldKey);
		const request = await peer.encryptAction({ kind: 'requestKey' });
		assert.equal((await peer.state()).rekey, 'requested');
		const opened = us.open(request.data);
		assert.ok(opened.message.kind === 'service' && opened.message.action.kind === 'requestKey');
		const { exchangeId, gA } = opened.message.action;
		assert.equal(exchangeId, request.exchangeId);
		checkDhPublicValue(gA, TELEGRAM_DH.p, 'g_a');
		const exponent = newDhExponent(randomBytes(256));
		const newKey = dhSharedKey(TELEGRAM_DH, exponent, gA);
		const newFingerprint = keyFingerprint(newKey);
		const accepted = await peer.decrypt(
			us.action({
				kind: 'acceptKey',
				exchangeId,
				gB: dhPublicValue(TELEGRAM_DH, exponent),
				keyFingerprint: newFingerprint,
			}).data,
		);
		assert.equal(accepted.replies.length, 1);
		const commit = us.open(accepted.replies[0]);
		assert.equal(commit.fingerprint, oldFingerprint);
		assert.deepEqual(commit.message.kind === 'service' && commit.message.action, {
			kind: 'commitKey',
			exchangeId,
			keyFingerprint: newFingerprint,
		});
		us.switchTo(newKey);
		assert.equal((await peer.state()).fingerprint, newFingerprint);

		const late = us.seal(
			{
				kind: 'message',
				randomId: 8n,
				ttl: 0,
				text: 'sent before we saw the commit',
				hasMedia: false,
			},
			oldKey,
		);
		assert.equal((await peer.decrypt(late.data)).fingerprint, oldFingerprint);
		assert.equal(us.open((await peer.encryptText('new')).data).fingerprint, newFingerprint);
		assert.equal((await peer.decrypt(us.text('new too').data)).fingerprint, newFingerprint);
		const stale = us.seal(
			{ kind: 'message', randomId: 9n, ttl: 0, text: 'too late', hasMedia: false },
			oldKey,
		);
		await assert.rejects(peer.decrypt(stale.data), { message: /^unknown key fingerprint/ });
	});

	test('both sides request a re-key: the larger exchange_id wins', async () => {
		for (const ours of [2n ** 63n - 1n, -(2n ** 63n)]) {
			const { peer, us } = await weCreate();
			us.open((await peer.encryptAction({ kind: 'requestKey' })).data);
			const answer = await peer.decrypt(
				us.action({
					kind: 'requestKey',
					exchangeId: ours,
					gA: dhPublicValue(TELEGRAM_DH, newDhExponent(randomBytes(256))),
				}).data,
			);
			if (ours > 0n) {
				assert.equal(
					answer.replies.length,
					1,
					'ours is larger: the peer drops its request and accepts ours',
				);
				const accept = us.open(answer.replies[0]);
				assert.ok(
					accept.message.kind === 'service' &&
						accept.message.action.kind === 'acceptKey' &&
						accept.message.action.exchangeId === ours,
				);
				assert.equal((await peer.state()).rekey, 'accepted');
			} else {
				assert.deepEqual(answer.replies, [], 'theirs is larger: the peer ignores ours');
				assert.equal((await peer.state()).rekey, 'requested');
			}
		}
	});

	test('resend: the peer sends again what we ask for, with the original numbers', async () => {
		const { peer, us } = await weCreate();
		const sent = [];
		for (const text of ['one', 'two', 'three']) sent.push(await peer.encryptText(text));
		us.open(sent[0].data);
		const answer = await peer.decrypt(
			us.action({ kind: 'resend', startSeqNo: 2, endSeqNo: 4 }).data,
		);
		assert.equal(answer.replies.length, 2);
		const again = answer.replies.map((data) => us.open(data));
		assert.deepEqual(
			again.map((envelope) => [
				envelope.outSeqNo,
				envelope.message.kind === 'message' && envelope.message.text,
				envelope.message.randomId,
			]),
			[
				[2, 'two', sent[1].randomId],
				[4, 'three', sent[2].randomId],
			],
		);
		await assert.rejects(
			peer.decrypt(us.action({ kind: 'resend', startSeqNo: 2, endSeqNo: 10 }).data),
			{ message: 'resend of 2..10, but out_seq_no only reached 4' },
		);
	});

	test('the driver turns a refusal into PythonPeerError and reports a stopped peer', async () => {
		const peer = await startPythonPeer();
		await assert.rejects(
			peer.state().then(() => peer.decrypt(Buffer.alloc(8))),
			PythonPeerError,
		);
		await peer.stop();
		await peer.stop();
		await assert.rejects(peer.state(), { message: /peer.py is not running/ });
	});
});
