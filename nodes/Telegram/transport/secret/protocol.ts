import { randomBytes } from 'node:crypto';
import { attempt } from '../../../../shared/errors';
import { keyFingerprint, openSecretPayload, sealSecretPayload, SecretPayloadError } from './crypto';
import {
	checkDhParameters,
	checkDhPublicValue,
	dhPublicValue,
	dhSharedKey,
	newDhExponent,
	type DhParameters,
} from './dh';
import { commonLayer, DEFAULT_PEER_LAYER, fitToLayer, OUR_LAYER, peerLayerAfter } from './layers';
import {
	decodeSecretLayer,
	encodeSecretLayer,
	type SecretAction,
	type SecretLayerEnvelope,
	type SecretMessage,
} from './tl';

/**
 * The secret-chat state machine, pure: every function takes a state and returns the next one
 * with the bytes to send. The caller stores the state (encrypted) and does the I/O, under a lock
 * per chat, so sequence numbers are never reused.
 */

/** Re-key (perfect forward secrecy) after this many messages under one key, or this long. */
export const REKEY_AFTER_MESSAGES = 100;
export const REKEY_AFTER_SECONDS = 7 * 24 * 3600;
/** Sent messages kept (encrypted at rest) to answer a resend request or repeat an unclear send. */
export const SENT_LOG_SIZE = 100;
/** Messages kept while waiting for a missing one before they are given up. */
export const HELD_INCOMING_MAX = 100;

export type SecretChatRole = 'creator' | 'participant';
/** waiting: we asked, they have not accepted; requested: they asked, we have not accepted. */
export type SecretChatStatus = 'waiting' | 'requested' | 'ready' | 'closed';

interface StoredKey {
	key: string; // base64, 256 bytes
	fingerprint: string; // signed int64, decimal
}

interface SentEntry {
	randomId: string;
	service: boolean;
	/** The serialized decryptedMessageLayer, sealed again (same seq numbers) when sent again. */
	envelope: string;
}

interface RekeyState {
	exchangeId: string;
	role: 'initiator' | 'responder';
	exponent: string;
	/** Set once the new key is known (initiator: after acceptKey; responder: at once). */
	next?: StoredKey;
}

/** Everything one chat needs between runs; JSON-serializable (bytes base64, 64-bit ints decimal). */
export interface SecretChatState {
	chatId: number;
	accessHash: string;
	peerUserId: string;
	role: SecretChatRole;
	status: SecretChatStatus;
	createdAt: number;
	dh: { p: string; g: number };
	/** Our DH exponent until the key exists (creator, waiting). */
	exponent?: string;
	/** Their g_a, for a request we have not accepted yet. */
	requestGA?: string;
	current?: StoredKey & { since: number; messages: number };
	/** The key before the last re-key: messages sealed before the switch may still arrive. */
	previous?: StoredKey;
	rekey?: RekeyState;
	layerNotified: boolean;
	/** The layer our last notice announced (absent: a chat from before layer tracking, which announced 73). */
	notifiedLayer?: number;
	/** The highest layer the peer announced or wrote in. */
	peerLayer: number;
	/** The chat's self-destruct timer (decryptedMessageActionSetMessageTTL, either side), seconds. */
	messageTtl?: number;
	/** Messages sent and received in this chat (each side's raw sequence counter). */
	outCount: number;
	inCount: number;
	sentLog: SentEntry[];
	/** Messages that arrived after a gap, until the missing ones come (sealed data, base64). */
	held: Array<{ rawSeq: number; data: string }>;
	/** The last resend we asked for, so a burst of out-of-order messages asks once. */
	resendAskedUpTo?: number;
	closedAt?: number;
}

/** A bad input, a refused parameter or a broken invariant: the message says what and why. */
export class SecretChatError extends Error {
	constructor(
		readonly reason:
			| 'not-ready'
			| 'closed'
			| 'bad-parameters'
			| 'fingerprint-mismatch'
			| 'tampered'
			| 'replayed'
			| 'wrong-parity'
			| 'unknown-chat-key'
			| 'undecodable',
		message: string,
	) {
		super(message);
		this.name = 'SecretChatError';
	}
}

/** Bytes for Telegram: sendEncrypted (messages) or sendEncryptedService (service actions). */
export interface OutgoingSecret {
	data: Buffer;
	service: boolean;
	randomId: bigint;
}

export interface DeliveredSecret {
	message: SecretMessage;
	layer: number;
	inSeqNo: number;
	outSeqNo: number;
}

export interface Random {
	bytes(count: number): Buffer;
}
const systemRandom: Random = { bytes: (count) => randomBytes(count) };

const b64 = (bytes: Buffer) => bytes.toString('base64');
const fromB64 = (text: string) => Buffer.from(text, 'base64');
const isCreator = (state: SecretChatState) => state.role === 'creator';

function storedKey(key: Buffer): StoredKey {
	return { key: b64(key), fingerprint: keyFingerprint(key).toString() };
}

function dhOf(state: SecretChatState): DhParameters {
	return { p: fromB64(state.dh.p), g: state.dh.g };
}

function randomLong(random: Random): bigint {
	return random.bytes(8).readBigInt64LE();
}

function checkedDh(params: DhParameters): DhParameters {
	const checked = attempt(() => checkDhParameters(params));
	if (!checked.ok)
		throw new SecretChatError(
			'bad-parameters',
			`Telegram's Diffie-Hellman parameters were refused: ${checked.error.message}`,
		);
	return params;
}

function checkedPublic(value: Buffer, p: Buffer, name: 'g_a' | 'g_b'): Buffer {
	const checked = attempt(() => checkDhPublicValue(value, p, name));
	if (!checked.ok)
		throw new SecretChatError(
			'bad-parameters',
			`the other side's ${name} was refused: ${checked.error.message}`,
		);
	return value;
}

/** Step 1 of starting a chat: our exponent and g_a for messages.requestEncryption. */
export function prepareRequest(
	params: DhParameters,
	serverRandom: Buffer,
): { exponent: Buffer; gA: Buffer } {
	checkedDh(params);
	const exponent = newDhExponent(serverRandom);
	return { exponent, gA: dhPublicValue(params, exponent) };
}

export interface ChatIdentity {
	chatId: number;
	accessHash: bigint;
	peerUserId: bigint;
	date: number;
}

function baseState(
	chat: ChatIdentity,
	params: DhParameters,
	role: SecretChatRole,
	status: SecretChatStatus,
): SecretChatState {
	return {
		chatId: chat.chatId,
		accessHash: chat.accessHash.toString(),
		peerUserId: chat.peerUserId.toString(),
		role,
		status,
		createdAt: chat.date,
		dh: { p: b64(params.p), g: params.g },
		layerNotified: false,
		peerLayer: DEFAULT_PEER_LAYER,
		outCount: 0,
		inCount: 0,
		sentLog: [],
		held: [],
	};
}

/** The chat Telegram created for our request (encryptedChatWaiting). */
export function waitingChat(
	chat: ChatIdentity,
	params: DhParameters,
	exponent: Buffer,
): SecretChatState {
	return { ...baseState(chat, params, 'creator', 'waiting'), exponent: b64(exponent) };
}

/** They accepted (encryptedChat with g_b): the key, checked against the fingerprint Telegram relays. */
export function completeRequest(
	state: SecretChatState,
	gB: Buffer,
	fingerprint: bigint,
	now: number,
): SecretChatState {
	if (state.status !== 'waiting' || !state.exponent)
		throw new SecretChatError(
			'not-ready',
			`secret chat ${state.chatId} is not waiting for an answer (it is ${state.status})`,
		);
	const params = dhOf(state);
	const key = dhSharedKey(params, fromB64(state.exponent), checkedPublic(gB, params.p, 'g_b'));
	if (keyFingerprint(key) !== fingerprint) {
		throw new SecretChatError(
			'fingerprint-mismatch',
			`the key of secret chat ${state.chatId} does not match the fingerprint the other side sent: the chat cannot be trusted and is not used`,
		);
	}
	return {
		...state,
		exponent: undefined,
		status: 'ready',
		current: { ...storedKey(key), since: now, messages: 0 },
	};
}

/** Someone asked us for a secret chat (encryptedChatRequested). */
export function requestedChat(
	chat: ChatIdentity,
	params: DhParameters,
	gA: Buffer,
): SecretChatState {
	return { ...baseState(chat, params, 'participant', 'requested'), requestGA: b64(gA) };
}

/** Accepting a request: g_b and the fingerprint for messages.acceptEncryption, and the ready state. */
export function acceptRequest(
	state: SecretChatState,
	params: DhParameters,
	serverRandom: Buffer,
	now: number,
): { state: SecretChatState; gB: Buffer; fingerprint: bigint } {
	if (state.status !== 'requested' || !state.requestGA)
		throw new SecretChatError(
			'not-ready',
			`secret chat ${state.chatId} has no request to accept (it is ${state.status})`,
		);
	checkedDh(params);
	const gA = checkedPublic(fromB64(state.requestGA), params.p, 'g_a');
	const exponent = newDhExponent(serverRandom);
	const key = dhSharedKey(params, exponent, gA);
	const next: SecretChatState = {
		...state,
		requestGA: undefined,
		dh: { p: b64(params.p), g: params.g },
		status: 'ready',
		current: { ...storedKey(key), since: now, messages: 0 },
	};
	return { state: next, gB: dhPublicValue(params, exponent), fingerprint: keyFingerprint(key) };
}

export function closedChat(state: SecretChatState, now: number): SecretChatState {
	// Keys go with the chat: nothing sealed under them can be read or sent any more.
	return {
		...state,
		exponent: undefined,
		requestGA: undefined,
		current: undefined,
		previous: undefined,
		rekey: undefined,
		status: 'closed',
		closedAt: now,
		sentLog: [],
		held: [],
	};
}

function requireReady(state: SecretChatState): NonNullable<SecretChatState['current']> {
	if (state.status === 'closed')
		throw new SecretChatError('closed', `secret chat ${state.chatId} is closed`);
	if (state.status !== 'ready' || !state.current) {
		throw new SecretChatError(
			'not-ready',
			`secret chat ${state.chatId} is not accepted yet (${state.status === 'waiting' ? 'the other side has not accepted it' : 'it waits for us to accept it'})`,
		);
	}
	return state.current;
}

function sealEnvelope(state: SecretChatState, envelope: Buffer, random: Random): Buffer {
	const current = requireReady(state);
	return sealSecretPayload({
		chatKey: fromB64(current.key),
		tl: envelope,
		fromCreator: isCreator(state),
		random: (n) => random.bytes(n),
	});
}

/**
 * Seals one message with the next sequence numbers. The same random_id sent again (a retry after
 * an unclear failure) gets the very same envelope, so the other side never sees a sequence twice.
 */
export function sealMessage(
	state: SecretChatState,
	message: SecretMessage,
	random: Random = systemRandom,
): { state: SecretChatState; outgoing: OutgoingSecret } {
	const current = requireReady(state);
	const service = message.kind === 'service';
	const earlier = state.sentLog.find((entry) => entry.randomId === message.randomId.toString());
	if (earlier)
		return {
			state,
			outgoing: {
				data: sealEnvelope(state, fromB64(earlier.envelope), random),
				service,
				randomId: message.randomId,
			},
		};
	const layer = commonLayer(state.peerLayer);
	const envelope: SecretLayerEnvelope = {
		randomBytes: random.bytes(16),
		layer,
		inSeqNo: 2 * state.inCount + (isCreator(state) ? 0 : 1),
		outSeqNo: 2 * state.outCount + (isCreator(state) ? 1 : 0),
		message: fitToLayer(message, layer),
	};
	const tl = encodeSecretLayer(envelope);
	const sentLog = [
		...state.sentLog,
		{ randomId: message.randomId.toString(), service, envelope: b64(tl) },
	].slice(-SENT_LOG_SIZE);
	const next: SecretChatState = {
		...state,
		outCount: state.outCount + 1,
		sentLog,
		current: { ...current, messages: current.messages + 1 },
	};
	return {
		state: next,
		outgoing: { data: sealEnvelope(state, tl, random), service, randomId: message.randomId },
	};
}

/** The out_seq_no a sent message went out with (from the sent log). */
export function sentOutSeqNo(state: SecretChatState, randomId: bigint): number {
	const entry = state.sentLog.find((sent) => sent.randomId === randomId.toString());
	if (!entry)
		throw new SecretChatError(
			'not-ready',
			`message ${randomId} was not sent in secret chat ${state.chatId}`,
		);
	return decodeSecretLayer(fromB64(entry.envelope)).outSeqNo;
}

function sealService(state: SecretChatState, action: SecretAction, random: Random) {
	return sealMessage(state, { kind: 'service', randomId: randomLong(random), action }, random);
}

/** decryptedMessageActionNotifyLayer: the first message each side sends in a new chat. */
export function sealNotifyLayer(
	state: SecretChatState,
	random: Random = systemRandom,
): { state: SecretChatState; outgoing: OutgoingSecret } {
	const sealed = sealService(state, { kind: 'notifyLayer', layer: OUR_LAYER }, random);
	return {
		state: { ...sealed.state, layerNotified: true, notifiedLayer: OUR_LAYER },
		outgoing: sealed.outgoing,
	};
}

export function needsRekey(state: SecretChatState, now: number): boolean {
	const current = state.current;
	if (state.status !== 'ready' || !current || state.rekey) return false;
	return current.messages >= REKEY_AFTER_MESSAGES || now - current.since >= REKEY_AFTER_SECONDS;
}

/** Starts a re-key (decryptedMessageActionRequestKey) with the chat's DH parameters. */
export function startRekey(
	state: SecretChatState,
	serverRandom: Buffer,
	random: Random = systemRandom,
): { state: SecretChatState; outgoing: OutgoingSecret } {
	requireReady(state);
	const params = dhOf(state);
	const exponent = newDhExponent(serverRandom);
	const exchangeId = randomLong(random);
	const sealed = sealService(
		state,
		{ kind: 'requestKey', exchangeId, gA: dhPublicValue(params, exponent) },
		random,
	);
	return {
		state: {
			...sealed.state,
			rekey: { exchangeId: exchangeId.toString(), role: 'initiator', exponent: b64(exponent) },
		},
		outgoing: sealed.outgoing,
	};
}

function switchKey(state: SecretChatState, next: StoredKey, now: number): SecretChatState {
	const current = requireReady(state);
	return {
		...state,
		rekey: undefined,
		previous: { key: current.key, fingerprint: current.fingerprint },
		current: { ...next, since: now, messages: 0 },
	};
}

export interface OpenResult {
	state: SecretChatState;
	/** Messages in sequence order (service actions included) that this data completed. */
	delivered: DeliveredSecret[];
	/** Replies to send now, in order: resend requests, re-key steps, messages sent again. */
	outgoing: OutgoingSecret[];
}

function keysOf(state: SecretChatState) {
	const keys = [state.current, state.previous, state.rekey?.next].filter(
		(key): key is StoredKey => key !== undefined,
	);
	return keys.map((key) => ({ key: fromB64(key.key), fingerprint: BigInt(key.fingerprint) }));
}

function decrypt(state: SecretChatState, data: Buffer): SecretLayerEnvelope {
	const theyAreCreator = !isCreator(state);
	const opened = attempt(
		() => openSecretPayload({ keys: keysOf(state), data, fromCreator: theyAreCreator }).tl,
	);
	if (!opened.ok) {
		const reason =
			opened.error instanceof SecretPayloadError && opened.error.reason === 'unknown-fingerprint'
				? 'unknown-chat-key'
				: 'tampered';
		throw new SecretChatError(
			reason,
			`a message in secret chat ${state.chatId} was refused: ${opened.error.message}`,
		);
	}
	const decoded = attempt(() => decodeSecretLayer(opened.value));
	if (!decoded.ok)
		throw new SecretChatError(
			'undecodable',
			`a message in secret chat ${state.chatId} could not be read: ${decoded.error.message}`,
		);
	return decoded.value;
}

function rawSeqOf(state: SecretChatState, envelope: SecretLayerEnvelope): number {
	const parity = isCreator(state) ? 0 : 1;
	if (envelope.outSeqNo < 0 || envelope.outSeqNo % 2 !== parity) {
		throw new SecretChatError(
			'wrong-parity',
			`a message in secret chat ${state.chatId} has out_seq_no ${envelope.outSeqNo}, which the other side cannot send`,
		);
	}
	return (envelope.outSeqNo - parity) / 2;
}

/** Applies one in-sequence message: counters, layer, resends, re-key steps. */
function apply(
	state: SecretChatState,
	envelope: SecretLayerEnvelope,
	now: number,
	random: Random,
	outgoing: OutgoingSecret[],
): SecretChatState {
	const current = requireReady(state);
	let next: SecretChatState = {
		...state,
		inCount: state.inCount + 1,
		current: { ...current, messages: current.messages + 1 },
		peerLayer: peerLayerAfter(state.peerLayer, envelope.layer),
	};
	const message = envelope.message;
	if (message.kind !== 'service') return next;
	const action = message.action;
	const send = (sealed: { state: SecretChatState; outgoing: OutgoingSecret }) => {
		outgoing.push(sealed.outgoing);
		return sealed.state;
	};
	switch (action.kind) {
		case 'notifyLayer':
			return { ...next, peerLayer: peerLayerAfter(next.peerLayer, action.layer) };
		case 'setMessageTtl':
			return { ...next, messageTtl: action.ttlSeconds };
		case 'resend': {
			const ownParity = isCreator(state) ? 1 : 0;
			for (const entry of next.sentLog) {
				const seq = decodeSecretLayer(fromB64(entry.envelope)).outSeqNo;
				if (seq % 2 === ownParity && seq >= action.startSeqNo && seq <= action.endSeqNo) {
					outgoing.push({
						data: sealEnvelope(next, fromB64(entry.envelope), random),
						service: entry.service,
						randomId: BigInt(entry.randomId),
					});
				}
			}
			return next;
		}
		case 'requestKey': {
			// Both sides started a re-key at once: the larger exchange_id goes on, the other is dropped.
			if (next.rekey?.role === 'initiator' && BigInt(next.rekey.exchangeId) > action.exchangeId)
				return next;
			const params = dhOf(next);
			const gA = checkedPublic(action.gA, params.p, 'g_a');
			const exponent = newDhExponent(random.bytes(256));
			const key = storedKey(dhSharedKey(params, exponent, gA));
			next = {
				...next,
				rekey: {
					exchangeId: action.exchangeId.toString(),
					role: 'responder',
					exponent: b64(exponent),
					next: key,
				},
			};
			return send(
				sealService(
					next,
					{
						kind: 'acceptKey',
						exchangeId: action.exchangeId,
						gB: dhPublicValue(params, exponent),
						keyFingerprint: BigInt(key.fingerprint),
					},
					random,
				),
			);
		}
		case 'acceptKey': {
			const rekey = next.rekey;
			if (rekey?.role !== 'initiator' || rekey.exchangeId !== action.exchangeId.toString())
				return next;
			const params = dhOf(next);
			const key = storedKey(
				dhSharedKey(params, fromB64(rekey.exponent), checkedPublic(action.gB, params.p, 'g_b')),
			);
			if (key.fingerprint !== action.keyFingerprint.toString()) {
				return send(
					sealService(
						{ ...next, rekey: undefined },
						{ kind: 'abortKey', exchangeId: action.exchangeId },
						random,
					),
				);
			}
			// The commit goes out under the old key; everything after it under the new one.
			next = send(
				sealService(
					next,
					{
						kind: 'commitKey',
						exchangeId: action.exchangeId,
						keyFingerprint: BigInt(key.fingerprint),
					},
					random,
				),
			);
			return switchKey(next, key, now);
		}
		case 'commitKey': {
			const rekey = next.rekey;
			if (
				rekey?.role !== 'responder' ||
				!rekey.next ||
				rekey.exchangeId !== action.exchangeId.toString() ||
				rekey.next.fingerprint !== action.keyFingerprint.toString()
			)
				return next;
			next = switchKey(next, rekey.next, now);
			return send(sealService(next, { kind: 'noop' }, random));
		}
		case 'abortKey': {
			if (next.rekey?.exchangeId !== action.exchangeId.toString()) return next;
			return { ...next, rekey: undefined };
		}
		default:
			return next;
	}
}

/**
 * Reads one encrypted message: msg_key and fingerprint verified, then its place in the sequence.
 * A replayed sequence number is refused; a gap holds the message and asks the other side to
 * send the missing ones again (decryptedMessageActionResend).
 */
export function openMessage(
	state: SecretChatState,
	data: Buffer,
	now: number,
	random: Random = systemRandom,
): OpenResult {
	requireReady(state);
	const envelope = decrypt(state, data);
	const rawSeq = rawSeqOf(state, envelope);
	const outgoing: OutgoingSecret[] = [];
	if (rawSeq < state.inCount || state.held.some((held) => held.rawSeq === rawSeq)) {
		throw new SecretChatError(
			'replayed',
			`a message in secret chat ${state.chatId} repeats out_seq_no ${envelope.outSeqNo}, already received: refused as a replay`,
		);
	}
	if (rawSeq > state.inCount) {
		let next: SecretChatState = {
			...state,
			held: [...state.held, { rawSeq, data: b64(data) }]
				.sort((a, b) => a.rawSeq - b.rawSeq)
				.slice(0, HELD_INCOMING_MAX),
		};
		const theirParity = isCreator(state) ? 0 : 1;
		const missingUpTo = 2 * (rawSeq - 1) + theirParity;
		if ((state.resendAskedUpTo ?? -1) < missingUpTo) {
			const sealed = sealService(
				next,
				{ kind: 'resend', startSeqNo: 2 * state.inCount + theirParity, endSeqNo: missingUpTo },
				random,
			);
			next = { ...sealed.state, resendAskedUpTo: missingUpTo };
			outgoing.push(sealed.outgoing);
		}
		return { state: next, delivered: [], outgoing };
	}
	const delivered: DeliveredSecret[] = [];
	let next = apply(state, envelope, now, random, outgoing);
	delivered.push({
		message: envelope.message,
		layer: envelope.layer,
		inSeqNo: envelope.inSeqNo,
		outSeqNo: envelope.outSeqNo,
	});
	// Messages held after a gap follow once the gap is filled.
	while (next.held.length > 0 && next.held[0].rawSeq === next.inCount) {
		const [held, ...rest] = next.held;
		next = { ...next, held: rest };
		const heldEnvelope = decrypt(next, fromB64(held.data));
		next = apply(next, heldEnvelope, now, random, outgoing);
		delivered.push({
			message: heldEnvelope.message,
			layer: heldEnvelope.layer,
			inSeqNo: heldEnvelope.inSeqNo,
			outSeqNo: heldEnvelope.outSeqNo,
		});
	}
	return { state: next, delivered, outgoing };
}
