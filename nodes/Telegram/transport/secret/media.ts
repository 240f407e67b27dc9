/**
 * The file media of a secret message (decryptedMessageMedia*): where a photo's or document's own
 * key and iv travel, with its size, type and caption. The file itself goes beside the message as
 * an encryptedFile (files.ts). Written against tl.ts's reader and writer, seen through the few
 * methods used here.
 */

/** Video, audio and voice travel as documents whose attributes say what they are. */
export type SecretMediaType = 'photo' | 'document' | 'video' | 'audio' | 'voice';

/** The small JPEG clients show before the file is downloaded (at most 90 px a side). */
export interface SecretThumbnail {
	bytes: Buffer;
	width: number;
	height: number;
}

export interface SecretMedia {
	type: SecretMediaType;
	/** The file's size before padding; the encrypted file is this rounded up to 16 bytes. */
	size: number;
	/** AES-256-IGE key and iv of the file, 32 bytes each. */
	key: Buffer;
	iv: Buffer;
	caption: string;
	mimeType: string;
	fileName?: string;
	width?: number;
	height?: number;
	/** Seconds, of a video, audio or voice message. */
	duration?: number;
	title?: string;
	performer?: string;
	/** Sent only; a received one is skipped. */
	thumbnail?: SecretThumbnail;
}

export interface MediaWriter {
	constructorId(id: number): this;
	int(value: number, field: string): this;
	long(value: bigint, field: string): this;
	bytes(value: Buffer): this;
	string(value: string): this;
}

export interface MediaReader {
	constructorId(what: string): number;
	int(what: string): number;
	long(what: string): bigint;
	bytes(what: string): Buffer;
	string(what: string): string;
}

const MEDIA = {
	photo: 0xf1fa8d78,
	document: 0x7afe8ae2,
	/** Layer 143: the document's size became a long (TDLib's secret_api.tl). */
	document143: 0x6abd9782,
	video: 0x970c8c0e,
	audio: 0x57e0a9cb,
} as const;

const VECTOR = 0x1cb5c415;
const ATTRIBUTE = {
	imageSize: 0x6c37c15c,
	animated: 0x11b58939,
	sticker23: 0xfb0a5727,
	video: 0x5910cccb,
	audio23: 0x051448e5,
	fileName: 0x15590068,
	audio45: 0xded218e0,
	sticker: 0x3a556302,
	audio: 0x9852f9c6,
	video66: 0x0ef02ce6,
} as const;
/** documentAttributeAudio's flags. */
const AUDIO_TITLE = 1 << 0;
const AUDIO_PERFORMER = 1 << 1;
const AUDIO_WAVEFORM = 1 << 2;
const AUDIO_VOICE = 1 << 10;
const STICKER_SET_SHORT_NAME = 0x861cc8a0;
const STICKER_SET_EMPTY = 0xffb62b95;

function writeThumbnail(writer: MediaWriter, thumbnail: SecretThumbnail | undefined): void {
	writer
		.bytes(thumbnail?.bytes ?? Buffer.alloc(0))
		.int(thumbnail?.width ?? 0, 'thumbW')
		.int(thumbnail?.height ?? 0, 'thumbH');
}

/**
 * What a document is, as attributes: documentAttributeVideo66 for a video, documentAttributeAudio
 * (layer 46, with the voice flag) for audio and voice (both older than layer 73, the lowest we
 * write), then the file name, as Telegram's apps send them.
 */
function documentAttributes(media: SecretMedia): Array<(w: MediaWriter) => void> {
	const attributes: Array<(w: MediaWriter) => void> = [];
	if (media.type === 'video')
		attributes.push((w) =>
			w
				.constructorId(ATTRIBUTE.video66)
				.int(0, 'flags')
				.int(media.duration ?? 0, 'duration')
				.int(media.width ?? 0, 'width')
				.int(media.height ?? 0, 'height'),
		);
	if (media.type === 'audio' || media.type === 'voice') {
		const { title, performer } = media;
		const flags =
			(media.type === 'voice' ? AUDIO_VOICE : 0) |
			(title ? AUDIO_TITLE : 0) |
			(performer ? AUDIO_PERFORMER : 0);
		attributes.push((w) => {
			w.constructorId(ATTRIBUTE.audio)
				.int(flags, 'flags')
				.int(media.duration ?? 0, 'duration');
			if (title) w.string(title);
			if (performer) w.string(performer);
		});
	}
	if (media.fileName !== undefined)
		attributes.push((w) => w.constructorId(ATTRIBUTE.fileName).string(media.fileName as string));
	if (media.type === 'document' && media.width !== undefined && media.height !== undefined)
		attributes.push((w) =>
			w
				.constructorId(ATTRIBUTE.imageSize)
				.int(media.width as number, 'width')
				.int(media.height as number, 'height'),
		);
	return attributes;
}

/** From this layer a document's size is a long; TDLib writes that constructor to peers on it. */
const BIG_FILES_LAYER = 143;

/**
 * decryptedMessageMediaPhoto or decryptedMessageMediaDocument (layer 45+, read by every client
 * since), the document in its layer-143 form for a message written in 143 or later.
 */
export function writeSecretMedia(writer: MediaWriter, media: SecretMedia, layer: number): void {
	if (media.type === 'photo') {
		writer.constructorId(MEDIA.photo);
		writeThumbnail(writer, media.thumbnail);
		writer
			.int(media.width ?? 0, 'width')
			.int(media.height ?? 0, 'height')
			.int(media.size, 'size')
			.bytes(media.key)
			.bytes(media.iv)
			.string(media.caption);
		return;
	}
	const attributes = documentAttributes(media);
	const bigFiles = layer >= BIG_FILES_LAYER;
	writer.constructorId(bigFiles ? MEDIA.document143 : MEDIA.document);
	writeThumbnail(writer, media.thumbnail);
	writer.string(media.mimeType);
	if (bigFiles) writer.long(BigInt(media.size), 'size');
	else writer.int(media.size, 'size');
	writer
		.bytes(media.key)
		.bytes(media.iv)
		.constructorId(VECTOR)
		.int(attributes.length, 'attributes');
	for (const attribute of attributes) attribute(writer);
	writer.string(media.caption);
}

/**
 * The document attributes we keep (name, image size, what a video or audio file is and how long
 * it plays); false when one of them cannot be read.
 */
function readAttributes(reader: MediaReader, media: SecretMedia): boolean {
	if (reader.constructorId('attributes') !== VECTOR) return false;
	const count = reader.int('attributes');
	for (let index = 0; index < count; index++) {
		const id = reader.constructorId('an attribute');
		switch (id) {
			case ATTRIBUTE.fileName:
				media.fileName = reader.string('file_name');
				break;
			case ATTRIBUTE.imageSize:
				media.width = reader.int('w');
				media.height = reader.int('h');
				break;
			case ATTRIBUTE.animated:
			case ATTRIBUTE.sticker23:
				break;
			case ATTRIBUTE.video66:
				reader.int('flags');
			// falls through: the same fields after the flags
			case ATTRIBUTE.video:
				media.type = 'video';
				media.duration = reader.int('duration');
				media.width = reader.int('w');
				media.height = reader.int('h');
				break;
			case ATTRIBUTE.audio23:
				media.type = 'audio';
				media.duration = reader.int('duration');
				break;
			case ATTRIBUTE.audio45:
				media.type = 'audio';
				media.duration = reader.int('duration');
				media.title = reader.string('title');
				media.performer = reader.string('performer');
				break;
			case ATTRIBUTE.audio: {
				const flags = reader.int('flags');
				media.type = flags & AUDIO_VOICE ? 'voice' : 'audio';
				media.duration = reader.int('duration');
				if (flags & AUDIO_TITLE) media.title = reader.string('title');
				if (flags & AUDIO_PERFORMER) media.performer = reader.string('performer');
				if (flags & AUDIO_WAVEFORM) reader.bytes('waveform');
				break;
			}
			case ATTRIBUTE.sticker: {
				reader.string('alt');
				const set = reader.constructorId('stickerset');
				if (set === STICKER_SET_SHORT_NAME) reader.string('short_name');
				else if (set !== STICKER_SET_EMPTY) return false;
				break;
			}
			default:
				return false;
		}
	}
	return true;
}

function sizeOf(reader: MediaReader, long: boolean): number {
	return long ? Number(reader.long('size')) : reader.int('size');
}

/**
 * Reads the media with this constructor: a photo, document, video or audio file. Undefined for
 * any other media (a location, a contact...) or one whose attributes this code does not know:
 * what follows it in the message cannot be read then.
 */
export function readSecretMedia(reader: MediaReader, id: number): SecretMedia | undefined {
	const known: number[] = Object.values(MEDIA);
	if (!known.includes(id)) return undefined;
	reader.bytes('thumb');
	reader.int('thumb_w');
	reader.int('thumb_h');
	if (id === MEDIA.photo) {
		const width = reader.int('w');
		const height = reader.int('h');
		const size = reader.int('size');
		return {
			type: 'photo',
			width,
			height,
			size,
			key: reader.bytes('key'),
			iv: reader.bytes('iv'),
			mimeType: 'image/jpeg',
			caption: reader.string('caption'),
		};
	}
	if (id === MEDIA.video) {
		const duration = reader.int('duration');
		const mimeType = reader.string('mime_type');
		const width = reader.int('w');
		const height = reader.int('h');
		const size = reader.int('size');
		const key = reader.bytes('key');
		const iv = reader.bytes('iv');
		return {
			type: 'video',
			mimeType,
			duration,
			width,
			height,
			size,
			key,
			iv,
			caption: reader.string('caption'),
		};
	}
	if (id === MEDIA.audio) {
		const duration = reader.int('duration');
		const mimeType = reader.string('mime_type');
		const size = reader.int('size');
		return {
			type: 'audio',
			mimeType,
			duration,
			size,
			key: reader.bytes('key'),
			iv: reader.bytes('iv'),
			caption: '',
		};
	}
	const mimeType = reader.string('mime_type');
	const size = sizeOf(reader, id === MEDIA.document143);
	const media: SecretMedia = {
		type: 'document',
		mimeType,
		size,
		key: reader.bytes('key'),
		iv: reader.bytes('iv'),
		caption: '',
	};
	if (!readAttributes(reader, media)) return undefined;
	media.caption = reader.string('caption');
	return media;
}
