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
import {
	commonLayer,
	DEFAULT_PEER_LAYER,
	fitToLayer,
	OUR_LAYER,
	peerLayerAfter,
	peerUpgraded,
} from './layers';
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
/** Messages kept while waiting for a missing one; more than this and the chat is aborted. */
export const HELD_INCOMING_MAX = 100;
/** A hole still open after this many more held messages is asked for once more (a lost request). */
export const RESEND_AGAIN_AFTER = 10;

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
	/**
	 * The serialized decryptedMessageLayer, sealed again (same seq numbers) when sent again;
	 * dropped once the other side acknowledged it (its in_seq_no), as it cannot be asked for again.
	 */
	envelope?: string;
	/** Missing in states stored before it existed: read from the envelope. */
	outSeqNo?: number;
	/** The key it was first sealed with: a resend uses it while we still have it. */
	fingerprint?: string;
}

interface RekeyState {
	exchangeId: string;
	role: 'initiator' | 'responder';
	/** The initiator's DH exponent until acceptKey; a responder computes its key at once and keeps none. */
	exponent?: string;
	/** Set once the new key is known (initiator: after acceptKey; responder: at once). */
	next?: StoredKey;
	/** Our outCount when it started: a re-key that long unanswered is given up (staleRekey). */
	startedAt?: number;
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
	/** How many of our messages the other side said it received (its last in_seq_no, raw). */
	peerInCount?: number;
	/**
	 * Messages that arrived after a gap, until the missing ones come (sealed data, base64);
	 * `answered`: a resend request in it was met on arrival, not again when it is applied.
	 */
	held: Array<{
		rawSeq: number;
		/** The decrypted decryptedMessageLayer (base64); `data` (sealed) in earlier versions. */
		tl?: string;
		data?: string;
		fingerprint?: string;
		answered?: boolean;
	}>;
	/** Messages held since the lowest hole was asked for: it is asked again after RESEND_AGAIN_AFTER. */
	heldSinceResend?: number;
	/** Stored by earlier versions; no longer used. */
	resendAskedUpTo?: number;
	closedAt?: number;
	/** Why we aborted the chat (a protocol violation by the other side), for the user. */
	closedReason?: string;
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
			| 'undecodable'
			| 'wrong-sequence'
			| 'unmeetable-resend'
			| 'gap-too-long'
			| 'wrong-key',
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

/** A sealed message: the next state, its bytes, and the out_seq_no and layer it goes out with. */
export interface SealedSecret {
	state: SecretChatState;
	outgoing: OutgoingSecret;
	outSeqNo: number;
	layer: number;
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

export function closedChat(state: SecretChatState, now: number, reason?: string): SecretChatState {
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
		heldSinceResend: undefined,
		...(reason === undefined ? {} : { closedReason: reason }),
	};
}

function requireReady(state: SecretChatState): NonNullable<SecretChatState['current']> {
	if (state.status === 'closed')
		throw new SecretChatError(
			'closed',
			`secret chat ${state.chatId} is closed${state.closedReason ? `: ${state.closedReason}` : ''}`,
		);
	if (state.status !== 'ready' || !state.current) {
		throw new SecretChatError(
			'not-ready',
			`secret chat ${state.chatId} is not accepted yet (${state.status === 'waiting' ? 'the other side has not accepted it' : 'it waits for us to accept it'})`,
		);
	}
	return state.current;
}

/** The key a message was first sealed with while we still have it, else the current one. */
function keyFor(state: SecretChatState, fingerprint?: string): StoredKey {
	const current = requireReady(state);
	if (fingerprint !== undefined && state.previous?.fingerprint === fingerprint)
		return state.previous;
	return current;
}

function sealEnvelope(
	state: SecretChatState,
	envelope: Buffer,
	random: Random,
	fingerprint?: string,
): Buffer {
	return sealSecretPayload({
		chatKey: fromB64(keyFor(state, fingerprint).key),
		tl: envelope,
		fromCreator: isCreator(state),
		random: (n) => random.bytes(n),
	});
}

function outSeqNoOf(entry: SentEntry): number {
	return entry.outSeqNo ?? decodeSecretLayer(fromB64(entry.envelope ?? '')).outSeqNo;
}

/**
 * Seals one message with the next sequence numbers. The same random_id sent again (a retry after
 * an unclear failure) gets the very same envelope, so the other side never sees a sequence twice.
 */
export function sealMessage(
	state: SecretChatState,
	message: SecretMessage,
	random: Random = systemRandom,
): SealedSecret {
	const current = requireReady(state);
	const service = message.kind === 'service';
	const id = message.randomId.toString();
	const earlier = state.sentLog.find((entry) => entry.randomId === id);
	if (earlier) {
		if (earlier.envelope === undefined)
			throw new SecretChatError(
				'replayed',
				`message ${message.randomId} of secret chat ${state.chatId} was already received by the other side`,
			);
		const tl = fromB64(earlier.envelope);
		const { outSeqNo, layer } = decodeSecretLayer(tl);
		return {
			state,
			outgoing: {
				data: sealEnvelope(state, tl, random, earlier.fingerprint),
				service,
				randomId: message.randomId,
			},
			outSeqNo,
			layer,
		};
	}
	const layer = commonLayer(state.peerLayer);
	const envelope: SecretLayerEnvelope = {
		randomBytes: random.bytes(16),
		layer,
		inSeqNo: 2 * state.inCount + (isCreator(state) ? 0 : 1),
		outSeqNo: 2 * state.outCount + (isCreator(state) ? 1 : 0),
		message: fitToLayer(message, layer),
	};
	const tl = encodeSecretLayer(envelope);
	const entry: SentEntry = {
		randomId: id,
		service,
		envelope: b64(tl),
		outSeqNo: envelope.outSeqNo,
		fingerprint: current.fingerprint,
	};
	const next: SecretChatState = {
		...state,
		outCount: state.outCount + 1,
		sentLog: [...state.sentLog, entry].slice(-SENT_LOG_SIZE),
		current: { ...current, messages: current.messages + 1 },
	};
	return {
		state: next,
		outgoing: { data: sealEnvelope(state, tl, random), service, randomId: message.randomId },
		outSeqNo: envelope.outSeqNo,
		layer,
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
	return outSeqNoOf(entry);
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
	// Not while the key before is still kept (messages under it may still come and must be read),
	// unless a whole further period passed: a peer that never writes never shows it switched.
	if (state.previous && current.messages < 2 * REKEY_AFTER_MESSAGES) return false;
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
			rekey: {
				exchangeId: exchangeId.toString(),
				role: 'initiator',
				exponent: b64(exponent),
				startedAt: sealed.state.outCount,
			},
		},
		outgoing: sealed.outgoing,
	};
}

/**
 * A re-key that did not complete within REKEY_AFTER_MESSAGES of our messages (its answer was
 * never read, or the other side never committed) is given up with abortKey, so a new one can start.
 */
export function staleRekey(state: SecretChatState): boolean {
	const rekey = state.rekey;
	if (state.status !== 'ready' || !rekey) return false;
	return state.outCount - (rekey.startedAt ?? 0) >= REKEY_AFTER_MESSAGES;
}

export function abandonRekey(
	state: SecretChatState,
	random: Random = systemRandom,
): { state: SecretChatState; outgoing: OutgoingSecret } {
	const rekey = state.rekey;
	if (!rekey)
		throw new SecretChatError('not-ready', `secret chat ${state.chatId} has no re-key to abort`);
	return sealService(
		{ ...state, rekey: undefined },
		{ kind: 'abortKey', exchangeId: BigInt(rekey.exchangeId) },
		random,
	);
}

function switchKey(state: SecretChatState, next: StoredKey, now: number): SecretChatState {
	const current = requireReady(state);
	return {
		...state,
		rekey: undefined,
		// Kept only until the other side's first message under the new key is read in sequence.
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
	/**
	 * The other side broke the protocol (sequence numbers, an unmeetable resend, an unreadable
	 * message): the chat is closed (state) and must be discarded on Telegram (discardEncryption).
	 */
	aborted?: SecretChatError;
}

/** What a user can do once the other side broke the protocol: nothing in this chat can be trusted any more. */
const RESTART_HINT = 'Start a new secret chat with this user to go on talking.';

/** Protocol violations that abort the chat, as the spec and TDLib do; others refuse one message. */
const ABORTING: ReadonlySet<SecretChatError['reason']> = new Set<SecretChatError['reason']>([
	'wrong-parity',
	'wrong-sequence',
	'unmeetable-resend',
	'gap-too-long',
	'undecodable',
	'wrong-key',
]);

function keysOf(state: SecretChatState) {
	const keys = [state.current, state.previous, state.rekey?.next].filter(
		(key): key is StoredKey => key !== undefined,
	);
	return keys.map((key) => ({ key: fromB64(key.key), fingerprint: BigInt(key.fingerprint) }));
}

interface Opened {
	tl: Buffer;
	fingerprint: string;
	envelope: SecretLayerEnvelope;
}

function decrypt(state: SecretChatState, data: Buffer): Opened {
	const theyAreCreator = !isCreator(state);
	const opened = attempt(() =>
		openSecretPayload({ keys: keysOf(state), data, fromCreator: theyAreCreator }),
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
	return decode(state, opened.value.tl, opened.value.fingerprint.toString());
}

function decode(state: SecretChatState, tl: Buffer, fingerprint: string): Opened {
	// It passed msg_key, so the other side wrote it: skipping it would stall the sequence for good.
	const decoded = attempt(() => decodeSecretLayer(tl));
	if (!decoded.ok)
		throw new SecretChatError(
			'undecodable',
			`a message in secret chat ${state.chatId} could not be read (${decoded.error.message}): the chat was aborted`,
		);
	return { tl, fingerprint, envelope: decoded.value };
}

/** Their parity of out_seq_no, and ours (their in_seq_no counts our messages). */
const theirOutParity = (state: SecretChatState) => (isCreator(state) ? 0 : 1);
const ourOutParity = (state: SecretChatState) => (isCreator(state) ? 1 : 0);

/** Parity of both numbers and an in_seq_no no higher than what we sent: checked on arrival. */
function checkArrival(state: SecretChatState, envelope: SecretLayerEnvelope): number {
	const { outSeqNo, inSeqNo } = envelope;
	const chat = `secret chat ${state.chatId}`;
	if (outSeqNo < 0 || outSeqNo % 2 !== theirOutParity(state))
		throw new SecretChatError(
			'wrong-parity',
			`the other side sent out_seq_no ${outSeqNo} in ${chat}, which its role cannot send (wrong parity): the chat was aborted`,
		);
	if (inSeqNo < 0 || inSeqNo % 2 !== ourOutParity(state))
		throw new SecretChatError(
			'wrong-parity',
			`the other side sent in_seq_no ${inSeqNo} in ${chat}, which has the wrong parity: the chat was aborted`,
		);
	const rawIn = (inSeqNo - ourOutParity(state)) / 2;
	if (rawIn > state.outCount)
		throw new SecretChatError(
			'wrong-sequence',
			`the other side's in_seq_no ${inSeqNo} in ${chat} says it received ${rawIn} messages, but only ${state.outCount} were sent: the chat was aborted`,
		);
	return (outSeqNo - theirOutParity(state)) / 2;
}

/**
 * decryptedMessageActionResend: our messages in the range sealed again, or an abort if we cannot.
 * Each copy keeps its random_id, as official clients do; sealed afresh, it is new data to Telegram.
 * A request overtaken by events (made before the other side got what it asks for, and read by us
 * only now, e.g. itself sent again) asks for nothing it still lacks: those numbers are skipped.
 */
function answerResend(
	state: SecretChatState,
	request: { startSeqNo: number; endSeqNo: number; inSeqNo: number },
	random: Random,
	outgoing: OutgoingSecret[],
): void {
	const { startSeqNo, endSeqNo } = request;
	const parity = ourOutParity(state);
	const lastSent = 2 * (state.outCount - 1) + parity;
	const refuse: (why: string) => never = (why) => {
		throw new SecretChatError(
			'unmeetable-resend',
			`the other side asked secret chat ${state.chatId} to resend out_seq_no ${startSeqNo}..${endSeqNo}, ${why}: the chat was aborted`,
		);
	};
	if (startSeqNo % 2 !== parity || endSeqNo % 2 !== parity || startSeqNo > endSeqNo)
		refuse('which is not a range of our sequence numbers');
	if (endSeqNo > lastSent) refuse(`but we only sent up to ${lastSent}`);
	const hadWhenAsking = (request.inSeqNo - parity) / 2;
	const acknowledged = state.peerInCount ?? 0;
	const bySeq = new Map(state.sentLog.map((entry) => [outSeqNoOf(entry), entry]));
	for (let seq = startSeqNo; seq <= endSeqNo; seq += 2) {
		const raw = (seq - parity) / 2;
		if (raw < hadWhenAsking) refuse(`but the same message says ${seq} was received`);
		if (raw < acknowledged) continue;
		const entry = bySeq.get(seq);
		if (entry?.envelope === undefined)
			refuse(`but ${seq} is no longer kept (older than the last ${SENT_LOG_SIZE})`);
		outgoing.push({
			data: sealEnvelope(state, fromB64(entry.envelope), random, entry.fingerprint),
			service: entry.service,
			randomId: BigInt(entry.randomId),
		});
	}
}

/** The other side's DH value, or undefined (the caller aborts the re-key) when it is refused. */
function acceptablePublic(state: SecretChatState, value: Buffer, name: 'g_a' | 'g_b') {
	const checked = attempt(() => checkedPublic(value, dhOf(state).p, name));
	return checked.ok ? checked.value : undefined;
}

/** Applies one in-sequence message: counters, acknowledgements, layer, resends, re-key steps. */
function apply(
	state: SecretChatState,
	opened: Pick<Opened, 'envelope'> & { fingerprint?: string; answered?: boolean },
	now: number,
	random: Random,
	outgoing: OutgoingSecret[],
): SecretChatState {
	const current = requireReady(state);
	const { envelope } = opened;
	const chat = `secret chat ${state.chatId}`;
	if (
		opened.fingerprint !== undefined &&
		opened.fingerprint !== current.fingerprint &&
		opened.fingerprint !== state.previous?.fingerprint
	)
		throw new SecretChatError(
			'wrong-key',
			`the other side used a key in ${chat} before the re-key that made it was committed: the chat was aborted`,
		);
	const rawIn = (envelope.inSeqNo - ourOutParity(state)) / 2;
	if (rawIn < (state.peerInCount ?? 0))
		throw new SecretChatError(
			'wrong-sequence',
			`the other side's in_seq_no ${envelope.inSeqNo} in ${chat} went back (it had acknowledged ${state.peerInCount} messages): the chat was aborted`,
		);
	// What the other side acknowledged can no longer be asked for: only its id stays (retries).
	const sentLog = state.sentLog.map((entry) =>
		entry.envelope !== undefined && (outSeqNoOf(entry) - ourOutParity(state)) / 2 < rawIn
			? { randomId: entry.randomId, service: entry.service, outSeqNo: outSeqNoOf(entry) }
			: entry,
	);
	// Their message under the new key, read in order, and none under the old one held (a message
	// sent again may come under the new key before later ones sealed under the old): the old key goes.
	const oldKeyDone =
		opened.fingerprint === current.fingerprint &&
		!state.held.some((held) => held.fingerprint === state.previous?.fingerprint);
	let next: SecretChatState = {
		...state,
		inCount: state.inCount + 1,
		peerInCount: rawIn,
		sentLog,
		previous: oldKeyDone ? undefined : state.previous,
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
	const abortKey = (base: SecretChatState, exchangeId: bigint) =>
		send(sealService({ ...base, rekey: undefined }, { kind: 'abortKey', exchangeId }, random));
	switch (action.kind) {
		case 'notifyLayer':
			return { ...next, peerLayer: peerLayerAfter(next.peerLayer, action.layer) };
		case 'setMessageTtl':
			return { ...next, messageTtl: action.ttlSeconds };
		case 'resend':
			if (!opened.answered)
				answerResend(next, { ...action, inSeqNo: envelope.inSeqNo }, random, outgoing);
			return next;
		case 'requestKey': {
			// Both sides started a re-key at once: the larger exchange_id goes on, the other is dropped.
			if (next.rekey?.role === 'initiator' && BigInt(next.rekey.exchangeId) > action.exchangeId)
				return next;
			const params = dhOf(next);
			const gA = acceptablePublic(next, action.gA, 'g_a');
			if (!gA) return abortKey(next, action.exchangeId);
			const exponent = newDhExponent(random.bytes(256));
			const key = storedKey(dhSharedKey(params, exponent, gA));
			next = {
				...next,
				rekey: {
					exchangeId: action.exchangeId.toString(),
					role: 'responder',
					next: key,
					startedAt: next.outCount,
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
			if (
				rekey?.role !== 'initiator' ||
				!rekey.exponent ||
				rekey.exchangeId !== action.exchangeId.toString()
			)
				return next;
			const gB = acceptablePublic(next, action.gB, 'g_b');
			if (!gB) return abortKey(next, action.exchangeId);
			const key = storedKey(dhSharedKey(dhOf(next), fromB64(rekey.exponent), gB));
			if (key.fingerprint !== action.keyFingerprint.toString())
				return abortKey(next, action.exchangeId);
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
				rekey.exchangeId !== action.exchangeId.toString()
			)
				return next;
			// A commit for another key: this exchange cannot complete; abort it so another can start.
			if (rekey.next.fingerprint !== action.keyFingerprint.toString())
				return abortKey(next, action.exchangeId);
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

/** apply, then our notice again if the peer's layer rose (it upgraded its app): see peerUpgraded. */
function applyInOrder(
	state: SecretChatState,
	opened: Parameters<typeof apply>[1],
	now: number,
	random: Random,
	outgoing: OutgoingSecret[],
): SecretChatState {
	const next = apply(state, opened, now, random, outgoing);
	if (!peerUpgraded(state.peerLayer, next.peerLayer)) return next;
	const notice = sealNotifyLayer(next, random);
	outgoing.push(notice.outgoing);
	return notice.state;
}

function deliveredOf(envelope: SecretLayerEnvelope): DeliveredSecret {
	return {
		message: envelope.message,
		layer: envelope.layer,
		inSeqNo: envelope.inSeqNo,
		outSeqNo: envelope.outSeqNo,
	};
}

/**
 * A message after a gap: held until the missing ones come. A resend request in it is met at
 * once (two sides that each lost a message would otherwise wait for each other). Each hole is
 * asked for once, and once more after RESEND_AGAIN_AFTER further held messages.
 */
function hold(
	state: SecretChatState,
	opened: Opened,
	rawSeq: number,
	random: Random,
	outgoing: OutgoingSecret[],
): SecretChatState {
	const message = opened.envelope.message;
	const isResend = message.kind === 'service' && message.action.kind === 'resend';
	if (isResend)
		answerResend(
			state,
			{
				...(message.action as Extract<SecretAction, { kind: 'resend' }>),
				inSeqNo: opened.envelope.inSeqNo,
			},
			random,
			outgoing,
		);
	const highest = Math.max(state.inCount - 1, ...state.held.map((held) => held.rawSeq));
	const held = [
		...state.held,
		{ rawSeq, tl: b64(opened.tl), fingerprint: opened.fingerprint, answered: isResend },
	].sort((a, b) => a.rawSeq - b.rawSeq);
	if (held.length > HELD_INCOMING_MAX)
		throw new SecretChatError(
			'gap-too-long',
			`secret chat ${state.chatId} waited for out_seq_no ${2 * state.inCount + theirOutParity(state)} through ${HELD_INCOMING_MAX} later messages without getting it: the chat was aborted`,
		);
	const heldSinceResend = (state.heldSinceResend ?? 0) + 1;
	let hole: [number, number] | undefined;
	if (rawSeq > highest + 1) hole = [highest + 1, rawSeq - 1];
	else if (heldSinceResend >= RESEND_AGAIN_AFTER) hole = [state.inCount, held[0].rawSeq - 1];
	const next: SecretChatState = { ...state, held, heldSinceResend };
	if (!hole) return next;
	const parity = theirOutParity(state);
	const sealed = sealService(
		next,
		{ kind: 'resend', startSeqNo: 2 * hole[0] + parity, endSeqNo: 2 * hole[1] + parity },
		random,
	);
	outgoing.push(sealed.outgoing);
	// The count is for the lowest hole: asking for a new, higher one does not restart it.
	return hole[0] === state.inCount ? { ...sealed.state, heldSinceResend: 0 } : sealed.state;
}

function heldEntry(state: SecretChatState, held: SecretChatState['held'][number]) {
	if (held.tl !== undefined)
		return { ...decode(state, fromB64(held.tl), held.fingerprint ?? ''), answered: held.answered };
	// Stored by an earlier version as sealed data.
	const opened = attempt(() => decrypt(state, fromB64(held.data ?? '')));
	if (!opened.ok)
		throw new SecretChatError(
			'wrong-key',
			`a held message of secret chat ${state.chatId} can no longer be opened: the chat was aborted`,
		);
	return { ...opened.value, answered: held.answered };
}

function receive(
	state: SecretChatState,
	data: Buffer,
	now: number,
	random: Random,
	outgoing: OutgoingSecret[],
	delivered: DeliveredSecret[],
): SecretChatState {
	const opened = decrypt(state, data);
	const rawSeq = checkArrival(state, opened.envelope);
	if (rawSeq < state.inCount || state.held.some((held) => held.rawSeq === rawSeq)) {
		throw new SecretChatError(
			'replayed',
			`a message in secret chat ${state.chatId} repeats out_seq_no ${opened.envelope.outSeqNo}, already received: refused as a replay`,
		);
	}
	if (rawSeq > state.inCount) return hold(state, opened, rawSeq, random, outgoing);
	let next = applyInOrder(state, opened, now, random, outgoing);
	delivered.push(deliveredOf(opened.envelope));
	// Messages held after a gap follow once the gap is filled.
	while (next.held.length > 0 && next.held[0].rawSeq === next.inCount) {
		const [held, ...rest] = next.held;
		next = { ...next, held: rest };
		const entry = heldEntry(next, held);
		next = applyInOrder(next, entry, now, random, outgoing);
		delivered.push(deliveredOf(entry.envelope));
	}
	// The lowest hole is filled: the next one (if any) gets its own count.
	return { ...next, heldSinceResend: next.held.length === 0 ? undefined : 0 };
}

/**
 * Reads one encrypted message: msg_key and fingerprint verified, then its place in the sequence.
 * A replayed sequence number or a message that fails its checks is refused (state unchanged);
 * a gap holds the message and asks the other side to send the missing ones again; a protocol
 * violation aborts the chat (`aborted`, closed state).
 */
export function openMessage(
	state: SecretChatState,
	data: Buffer,
	now: number,
	random: Random = systemRandom,
): OpenResult {
	requireReady(state);
	const outgoing: OutgoingSecret[] = [];
	const delivered: DeliveredSecret[] = [];
	const received = attempt(() => receive(state, data, now, random, outgoing, delivered));
	if (received.ok) return { state: received.value, delivered, outgoing };
	const error = received.error;
	if (!(error instanceof SecretChatError) || !ABORTING.has(error.reason)) throw error;
	// Kept with the chat for the user: what happened, and what to do.
	const reason = `${error.message}. ${RESTART_HINT}`;
	return { state: closedChat(state, now, reason), delivered, outgoing: [], aborted: error };
}
