import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SecretAction } from '../../../nodes/Telegram/transport/secret/tl';

/**
 * Drives peer.py: the other end of one secret chat, written in Python on telethon's crypto so
 * that it shares no code with ours. One process per chat; commands go one at a time.
 */

export const PYTHON_WITH_TELETHON = '/usr/bin/python3';
const PEER_SCRIPT = join(__dirname, 'peer.py');

let availability: { ok: true } | { ok: false; reason: string } | undefined;

/** Whether Debian's python3 can import telethon (python3-telethon); tests skip with the reason if not. */
export function telethonAvailable(): { ok: true } | { ok: false; reason: string } {
	if (!availability) {
		const probe = spawnSync(PYTHON_WITH_TELETHON, ['-c', 'import telethon'], { encoding: 'utf8' });
		if (probe.error)
			availability = {
				ok: false,
				reason: `${PYTHON_WITH_TELETHON} cannot be run: ${probe.error.message}`,
			};
		else if (probe.status !== 0)
			availability = {
				ok: false,
				reason: `${PYTHON_WITH_TELETHON} -c "import telethon" failed: ${probe.stderr.trim().split('\n').pop() ?? ''}`,
			};
		else availability = { ok: true };
	}
	return availability;
}

/** The peer refused a command (bad msg_key, replayed or missing seq_no, ...); the message says which. */
export class PythonPeerError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PythonPeerError';
	}
}

/** What the peer can be told to send. requestKey without fields: the peer makes exchange_id and g_a. */
export type PeerActionRequest =
	| Exclude<SecretAction, { kind: 'requestKey' | 'typing' | 'unsupported' }>
	/** exchangeId and gA given: sent as they are (a forged g_a), the peer starts no re-key. */
	| { kind: 'requestKey'; exchangeId?: bigint; gA?: Buffer }
	| { kind: 'typing' }
	/** A bare constructor id, to see how an unknown action is handled. */
	| { kind: 'unsupported'; constructorId: number };

/** Overrides to forge bad messages, and message fields. */
export interface PeerSendOptions {
	/** Use this out_seq_no instead of the next one; the peer's counter does not move. */
	outSeqNo?: number;
	inSeqNo?: number;
	layer?: number;
	/** Seal with the key the last re-key replaced (a stale message); it still takes the next number. */
	retiredKey?: boolean;
}

export interface PeerTextOptions extends PeerSendOptions {
	randomId?: bigint;
	ttl?: number;
	replyToRandomId?: bigint;
	groupedId?: bigint;
	/** Attach decryptedMessageMediaGeoPoint (media we do not parse). */
	geo?: [latitude: number, longitude: number];
	/** Any messageEntity* of layers 46..144, or a bare constructor id of a later layer. */
	entities?: PeerEntity[];
	viaBotName?: string;
	silent?: boolean;
	/** Send as decryptedMessage46 (no grouped_id). */
	legacy46?: boolean;
}

/** An entity as peer.py writes and reads it (its own table of constructors and layers). */
export type PeerEntity =
	| {
			type:
				| 'unknown'
				| 'mention'
				| 'hashtag'
				| 'botCommand'
				| 'url'
				| 'email'
				| 'bold'
				| 'italic'
				| 'code'
				| 'phone'
				| 'cashtag'
				| 'bankCard'
				| 'underline'
				| 'strike'
				| 'blockquote'
				| 'spoiler';
			offset: number;
			length: number;
	  }
	| { type: 'pre'; offset: number; length: number; language: string }
	| { type: 'textUrl'; offset: number; length: number; url: string }
	| { type: 'mentionName'; offset: number; length: number; user_id: number }
	| { type: 'customEmoji'; offset: number; length: number; document_id: string }
	| { constructor_id: number; offset: number; length: number };

export interface PeerEncrypted {
	/** The bytes of messages.sendEncrypted's `data`. */
	data: Buffer;
	randomId: bigint;
	inSeqNo: number;
	outSeqNo: number;
	fingerprint: bigint;
	/** Set for requestKey. */
	exchangeId?: bigint;
}

/** A photo or document the peer sends: encrypted with a key/iv of its own, which go in the message. */
export interface PeerFileOptions extends PeerSendOptions {
	/** Video, audio and voice go as documents with documentAttributeVideo66 / documentAttributeAudio. */
	media: 'photo' | 'document' | 'video' | 'audio' | 'voice';
	caption?: string;
	/** Message text (the caption may be there instead, as newer clients do). */
	text?: string;
	mimeType?: string;
	fileName?: string;
	w?: number;
	h?: number;
	duration?: number;
	title?: string;
	performer?: string;
	/** A JPEG thumbnail with its width and height. */
	thumb?: { bytes: Buffer; w: number; h: number };
	randomId?: bigint;
	/** Give Telegram a key fingerprint that does not match the key/iv in the message. */
	wrongFingerprint?: boolean;
}

export interface PeerEncryptedFile extends PeerEncrypted {
	/** What to upload: the file, padded to 16 bytes and AES-256-IGE encrypted. */
	file: Buffer;
	/** inputEncryptedFileUploaded's key_fingerprint (a signed 32-bit number). */
	fileKeyFingerprint: number;
}

/** decryptedMessageMediaPhoto / decryptedMessageMediaDocument as the peer read them. */
export interface PeerMedia {
	type: 'photo' | 'document';
	/** decryptedMessageMediaDocument before layer 143 (an int size) or from it (a long size). */
	constructorName: 'photo' | 'document' | 'document143';
	size: number;
	key: Buffer;
	iv: Buffer;
	caption: string;
	w?: number;
	h?: number;
	mimeType?: string;
	fileName?: string;
	/** The document attributes read, by kind: filename, imageSize, animated, video, audio, voice. */
	attributes?: string[];
	/** The thumbnail (empty: none) and its width and height. */
	thumb: Buffer;
	thumbW: number;
	thumbH: number;
	/** From documentAttributeVideo66 / documentAttributeAudio. */
	duration?: number;
	round?: boolean;
	voice?: boolean;
	title?: string;
	performer?: string;
}

export interface PeerDecrypted {
	kind: 'message' | 'service';
	text?: string;
	ttl?: number;
	replyToRandomId?: bigint;
	groupedId?: bigint;
	/** As peer.py read them, each with the layer that introduced its kind. */
	entities?: Array<PeerEntity & { layer: number }>;
	viaBotName?: string;
	silent?: boolean;
	action?: SecretAction;
	layer: number;
	inSeqNo: number;
	outSeqNo: number;
	randomId: bigint;
	/** The key it was encrypted with. */
	fingerprint: bigint;
	/** What the peer sends back at once (acceptKey, commitKey, resent messages), in order. */
	replies: Buffer[];
	/** Gap handling on: it came after a gap and waits for the missing ones. */
	held: boolean;
	/** Gap handling on: what this message let the peer read, in order (itself and held ones). */
	delivered: Array<Omit<PeerDecrypted, 'replies' | 'delivered'>>;
	media?: PeerMedia;
	/** The file, decrypted by the peer and cut to the size in the message (when decrypt got one). */
	file?: Buffer;
}

/** What configure() switches on; misbehaviours are one-shot. */
export interface PeerPowers {
	/** Hold messages after a gap, ask once per hole (again after 10 more), meet resends at once. */
	holdGaps?: boolean;
	/** Answer the next acceptKey with a commitKey for another fingerprint (this much off). */
	commitFingerprintDelta?: number;
	/** Answer the next requestKey with an acceptKey whose key_fingerprint is this much off its g_b's key. */
	acceptFingerprintDelta?: number;
	/** Answer the next requestKey with an acceptKey whose g_b is out of range. */
	badGB?: boolean;
}

export interface PeerState {
	creator: boolean | null;
	fingerprint?: bigint;
	/** The key before the last re-key, kept until the other side uses the new one. */
	previousFingerprint?: bigint;
	outCount: number;
	inCount: number;
	/** From the last notifyLayer received. */
	layerSeen?: number;
	rekey: 'requested' | 'accepted' | null;
	/** out_seq_no of the messages held after a gap. */
	held: number[];
	/** How many of its messages the peer was told we received (our last in_seq_no, raw). */
	hisInCount: number;
}

export interface PythonPeer {
	/** The peer accepts our request: it is the participant. */
	accept(args: {
		p: Buffer;
		g: number;
		gA: Buffer;
	}): Promise<{ gB: Buffer; keyFingerprint: bigint }>;
	/** The peer requests a chat: it is the creator. Then call accepted() with our answer. */
	request(args: { p: Buffer; g: number }): Promise<{ gA: Buffer }>;
	accepted(args: { gB: Buffer; keyFingerprint: bigint }): Promise<void>;
	/** Opens and checks what we sent; rejects with PythonPeerError when the peer refuses it. */
	decrypt(data: Buffer, file?: { bytes: Buffer; keyFingerprint: number }): Promise<PeerDecrypted>;
	/** A message with a photo or document; upload `file` with `fileKeyFingerprint` (sendEncryptedFileAs). */
	encryptFile(contents: Buffer, options: PeerFileOptions): Promise<PeerEncryptedFile>;
	encryptText(text: string, options?: PeerTextOptions): Promise<PeerEncrypted>;
	encryptAction(action: PeerActionRequest, options?: PeerSendOptions): Promise<PeerEncrypted>;
	/** Seals these bytes as the message inside decryptedMessageLayer (to send an unreadable body). */
	encryptRaw(message: Buffer, options?: PeerSendOptions): Promise<PeerEncrypted>;
	state(): Promise<PeerState>;
	configure(powers: PeerPowers): Promise<void>;
	/** The layer the peer reads and writes from now on: 73 (default), 101 or 144. */
	setLayer(layer: 73 | 101 | 144): Promise<void>;
	/** Ends the process (closing stdin); safe to call twice. */
	stop(): Promise<void>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const b64 = (value: Buffer) => value.toString('base64');
const bytes = (value: Json): Buffer => Buffer.from(String(value), 'base64');
const big = (value: Json): bigint => BigInt(String(value));
const optionalBig = (value: Json | undefined): bigint | undefined =>
	value === undefined || value === null ? undefined : big(value);

function actionToJson(action: PeerActionRequest): JsonObject {
	switch (action.kind) {
		case 'notifyLayer':
			return { kind: action.kind, layer: action.layer };
		case 'resend':
			return { kind: action.kind, start_seq_no: action.startSeqNo, end_seq_no: action.endSeqNo };
		case 'requestKey':
			return action.gA === undefined
				? { kind: action.kind }
				: {
						kind: action.kind,
						exchange_id: (action.exchangeId ?? 1n).toString(),
						g_a: b64(action.gA),
					};
		case 'noop':
		case 'flushHistory':
		case 'typing':
			return { kind: action.kind };
		case 'acceptKey':
			return {
				kind: action.kind,
				exchange_id: action.exchangeId.toString(),
				g_b: b64(action.gB),
				key_fingerprint: action.keyFingerprint.toString(),
			};
		case 'commitKey':
			return {
				kind: action.kind,
				exchange_id: action.exchangeId.toString(),
				key_fingerprint: action.keyFingerprint.toString(),
			};
		case 'abortKey':
			return { kind: action.kind, exchange_id: action.exchangeId.toString() };
		case 'setMessageTtl':
			return { kind: action.kind, ttl_seconds: action.ttlSeconds };
		case 'readMessages':
		case 'deleteMessages':
		case 'screenshotMessages':
			return { kind: action.kind, random_ids: action.randomIds.map(String) };
		case 'unsupported':
			return { kind: action.kind, constructor_id: action.constructorId };
	}
}

function actionFromJson(json: JsonObject): SecretAction {
	const kind = String(json.kind);
	switch (kind) {
		case 'notifyLayer':
			return { kind, layer: Number(json.layer) };
		case 'resend':
			return { kind, startSeqNo: Number(json.start_seq_no), endSeqNo: Number(json.end_seq_no) };
		case 'requestKey':
			return { kind, exchangeId: big(json.exchange_id), gA: bytes(json.g_a) };
		case 'acceptKey':
			return {
				kind,
				exchangeId: big(json.exchange_id),
				gB: bytes(json.g_b),
				keyFingerprint: big(json.key_fingerprint),
			};
		case 'commitKey':
			return { kind, exchangeId: big(json.exchange_id), keyFingerprint: big(json.key_fingerprint) };
		case 'abortKey':
			return { kind, exchangeId: big(json.exchange_id) };
		case 'noop':
		case 'flushHistory':
			return { kind };
		case 'setMessageTtl':
			return { kind, ttlSeconds: Number(json.ttl_seconds) };
		case 'readMessages':
		case 'deleteMessages':
		case 'screenshotMessages':
			return { kind, randomIds: (json.random_ids as Json[]).map(big) };
		default:
			throw new Error(`peer.py reported an action this driver does not know: ${kind}`);
	}
}

function sendOptionsToJson(options: PeerSendOptions): JsonObject {
	const json: JsonObject = {};
	if (options.outSeqNo !== undefined) json.out_seq_no = options.outSeqNo;
	if (options.inSeqNo !== undefined) json.in_seq_no = options.inSeqNo;
	if (options.layer !== undefined) json.layer = options.layer;
	if (options.retiredKey) json.key = 'retired';
	return json;
}

function encryptedFromJson(json: JsonObject): PeerEncrypted {
	const result: PeerEncrypted = {
		data: bytes(json.data),
		randomId: big(json.random_id),
		inSeqNo: Number(json.in_seq_no),
		outSeqNo: Number(json.out_seq_no),
		fingerprint: big(json.fingerprint),
	};
	if (json.exchange_id !== undefined) result.exchangeId = big(json.exchange_id);
	return result;
}

function decryptedFromJson(answer: JsonObject): Omit<PeerDecrypted, 'replies' | 'delivered'> {
	const result: Omit<PeerDecrypted, 'replies' | 'delivered'> = {
		kind: answer.kind === 'service' ? 'service' : 'message',
		layer: Number(answer.layer),
		inSeqNo: Number(answer.in_seq_no),
		outSeqNo: Number(answer.out_seq_no),
		randomId: big(answer.random_id),
		fingerprint: big(answer.fingerprint),
		held: answer.held === true,
	};
	if (answer.kind === 'message') {
		result.text = String(answer.text);
		result.ttl = Number(answer.ttl);
		if (answer.reply_to_random_id !== undefined)
			result.replyToRandomId = big(answer.reply_to_random_id);
		if (answer.grouped_id !== undefined) result.groupedId = big(answer.grouped_id);
		if (answer.entities !== undefined)
			result.entities = answer.entities as unknown as PeerDecrypted['entities'];
		if (answer.via_bot_name !== undefined) result.viaBotName = String(answer.via_bot_name);
		result.silent = answer.silent === true;
		if (answer.media) result.media = mediaFromJson(answer.media as JsonObject);
		if (answer.file !== undefined) result.file = bytes(answer.file);
	} else {
		result.action = actionFromJson(answer.action as JsonObject);
	}
	return result;
}

function mediaFromJson(json: JsonObject): PeerMedia {
	const media: PeerMedia = {
		type: json.type === 'photo' ? 'photo' : 'document',
		constructorName: String(json.constructor) as PeerMedia['constructorName'],
		size: Number(json.size),
		key: bytes(json.key),
		iv: bytes(json.iv),
		caption: String(json.caption),
		thumb: bytes(json.thumb),
		thumbW: Number(json.thumb_w),
		thumbH: Number(json.thumb_h),
	};
	if (json.duration !== undefined) media.duration = Number(json.duration);
	if (json.round !== undefined) media.round = json.round === true;
	if (json.voice !== undefined) media.voice = json.voice === true;
	if (json.title !== undefined) media.title = String(json.title);
	if (json.performer !== undefined) media.performer = String(json.performer);
	if (json.w !== undefined) media.w = Number(json.w);
	if (json.h !== undefined) media.h = Number(json.h);
	if (json.mime_type !== undefined) media.mimeType = String(json.mime_type);
	if (json.file_name !== undefined) media.fileName = String(json.file_name);
	if (json.attributes !== undefined) media.attributes = (json.attributes as Json[]).map(String);
	return media;
}

/** Starts peer.py under Debian's python3. Check telethonAvailable() first. */
export async function startPythonPeer(): Promise<PythonPeer> {
	const child: ChildProcessWithoutNullStreams = spawn(PYTHON_WITH_TELETHON, [PEER_SCRIPT], {
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
	const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
	const lines = createInterface({ input: child.stdout });
	lines.on('line', (line) => waiting.shift()?.resolve(line));
	void exited.then(() => {
		for (const waiter of waiting.splice(0))
			waiter.reject(new Error(`peer.py exited: ${stderr.trim() || 'no output'}`));
	});
	await new Promise<void>((resolve, reject) => {
		child.once('spawn', () => resolve());
		child.once('error', reject);
	});

	let queue: Promise<unknown> = Promise.resolve();
	const call = (command: JsonObject): Promise<JsonObject> => {
		const next = queue.then(
			() =>
				new Promise<JsonObject>((resolve, reject) => {
					if (child.exitCode !== null || child.signalCode !== null) {
						reject(new Error(`peer.py is not running: ${stderr.trim() || 'no output'}`));
						return;
					}
					waiting.push({
						resolve: (line) => {
							const answer = JSON.parse(line) as JsonObject;
							if (typeof answer.error === 'string') reject(new PythonPeerError(answer.error));
							else resolve(answer);
						},
						reject,
					});
					child.stdin.write(JSON.stringify(command) + '\n');
				}),
		);
		queue = next.catch(() => undefined);
		return next;
	};

	return {
		async accept({ p, g, gA }) {
			const answer = await call({ op: 'accept', p: b64(p), g, g_a: b64(gA) });
			return { gB: bytes(answer.g_b), keyFingerprint: big(answer.key_fingerprint) };
		},
		async request({ p, g }) {
			const answer = await call({ op: 'request', p: b64(p), g });
			return { gA: bytes(answer.g_a) };
		},
		async accepted({ gB, keyFingerprint }) {
			await call({ op: 'accepted', g_b: b64(gB), key_fingerprint: keyFingerprint.toString() });
		},
		async decrypt(data, file) {
			const command: JsonObject = { op: 'decrypt', data: b64(data) };
			if (file) command.file = { data: b64(file.bytes), key_fingerprint: file.keyFingerprint };
			const answer = await call(command);
			return {
				...decryptedFromJson(answer),
				replies: (answer.replies as Json[]).map(bytes),
				held: answer.held === true,
				delivered: (answer.delivered as JsonObject[]).map(decryptedFromJson),
			};
		},
		async encryptRaw(message, options = {}) {
			return encryptedFromJson(
				await call({ op: 'encrypt', text: '', raw: b64(message), ...sendOptionsToJson(options) }),
			);
		},
		async configure(powers) {
			const command: JsonObject = { op: 'configure' };
			if (powers.holdGaps !== undefined) command.hold_gaps = powers.holdGaps;
			if (powers.commitFingerprintDelta !== undefined)
				command.commit_fingerprint_delta = powers.commitFingerprintDelta;
			if (powers.acceptFingerprintDelta !== undefined)
				command.accept_fingerprint_delta = powers.acceptFingerprintDelta;
			if (powers.badGB !== undefined) command.bad_g_b = powers.badGB;
			await call(command);
		},
		async encryptText(text, options = {}) {
			const command: JsonObject = { op: 'encrypt', text, ...sendOptionsToJson(options) };
			if (options.randomId !== undefined) command.random_id = options.randomId.toString();
			if (options.ttl !== undefined) command.ttl = options.ttl;
			if (options.replyToRandomId !== undefined)
				command.reply_to_random_id = options.replyToRandomId.toString();
			if (options.groupedId !== undefined) command.grouped_id = options.groupedId.toString();
			if (options.geo) command.geo = options.geo;
			if (options.entities) command.entities = options.entities;
			if (options.legacy46) command.legacy46 = true;
			if (options.viaBotName !== undefined) command.via_bot_name = options.viaBotName;
			if (options.silent) command.silent = true;
			return encryptedFromJson(await call(command));
		},
		async encryptFile(contents, options) {
			const command: JsonObject = {
				op: 'encrypt',
				text: options.text ?? '',
				file: b64(contents),
				media: options.media,
				...sendOptionsToJson(options),
			};
			if (options.caption !== undefined) command.caption = options.caption;
			if (options.mimeType !== undefined) command.mime_type = options.mimeType;
			if (options.fileName !== undefined) command.file_name = options.fileName;
			if (options.w !== undefined) command.w = options.w;
			if (options.h !== undefined) command.h = options.h;
			if (options.duration !== undefined) command.duration = options.duration;
			if (options.title !== undefined) command.title = options.title;
			if (options.performer !== undefined) command.performer = options.performer;
			if (options.thumb !== undefined)
				Object.assign(command, {
					thumb: b64(options.thumb.bytes),
					thumb_w: options.thumb.w,
					thumb_h: options.thumb.h,
				});
			if (options.randomId !== undefined) command.random_id = options.randomId.toString();
			if (options.wrongFingerprint) command.wrong_fingerprint = true;
			const answer = await call(command);
			return {
				...encryptedFromJson(answer),
				file: bytes(answer.file_data),
				fileKeyFingerprint: Number(answer.file_key_fingerprint),
			};
		},
		async encryptAction(action, options = {}) {
			return encryptedFromJson(
				await call({ op: 'encrypt', action: actionToJson(action), ...sendOptionsToJson(options) }),
			);
		},
		async state() {
			const answer = await call({ op: 'state' });
			return {
				creator: typeof answer.creator === 'boolean' ? answer.creator : null,
				fingerprint: optionalBig(answer.fingerprint),
				previousFingerprint: optionalBig(answer.previous_fingerprint),
				outCount: Number(answer.out_count),
				inCount: Number(answer.in_count),
				layerSeen: answer.layer_seen === null ? undefined : Number(answer.layer_seen),
				rekey: answer.rekey === 'requested' || answer.rekey === 'accepted' ? answer.rekey : null,
				held: (answer.held as Json[]).map(Number),
				hisInCount: Number(answer.his_in_count),
			};
		},
		async setLayer(layer) {
			await call({ op: 'set_layer', layer });
		},
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.stdin.end();
			await exited;
		},
	};
}
