import { createHash } from 'node:crypto';
import { Api } from 'telegram';
import type { FakeMedia } from './state';
import { badRequest, fromLong } from './wire';

/**
 * Uploaded file parts and the photos/documents made from them. Parts are assembled into
 * `uploads` (fileId -> bytes) as they arrive; media keep the id/access hash a client needs to
 * refer to them again (messages.uploadMedia, then InputMediaPhoto in an album).
 */

interface StoredMediaIdentity {
	id: bigint;
	accessHash: bigint;
	date: number;
	/** The DC the file is stored on (default: the fake's). */
	dcId?: number;
}

export class MediaStore {
	private parts = new Map<string, Map<number, Buffer>>();
	/** file_total_parts each big upload's parts announced (the last one given). */
	private totalParts = new Map<string, number>();
	private byId = new Map<string, FakeMedia>();
	private identities = new WeakMap<FakeMedia, StoredMediaIdentity>();
	private contents = new WeakMap<FakeMedia, Buffer>();
	private lastId = 9100000000000000000n;
	/** Bumped by expireFileReferences(): references handed out before it are refused. */
	private referenceGeneration = 0;

	constructor(private readonly uploads: () => Map<string, Buffer>) {}

	savePart(fileId: bigint, part: number, bytes: Buffer, fileTotalParts?: number): void {
		if (part < 0 || part > 7999) throw badRequest('FILE_PART_INVALID');
		if (fileTotalParts !== undefined) this.totalParts.set(fileId.toString(), fileTotalParts);
		if (bytes.length === 0) throw badRequest('FILE_PART_EMPTY');
		if (bytes.length > 512 * 1024) throw badRequest('FILE_PART_TOO_BIG');
		const key = fileId.toString();
		const parts = this.parts.get(key) ?? new Map<number, Buffer>();
		parts.set(part, bytes);
		this.parts.set(key, parts);
		const ordered = [...parts.entries()].sort(([a], [b]) => a - b).map(([, chunk]) => chunk);
		this.uploads().set(key, Buffer.concat(ordered));
	}

	/** The bytes of an uploaded InputFile / InputFileBig, checking every part arrived. */
	fileBytes(file: Api.TypeInputFile): Buffer {
		if (!(file instanceof Api.InputFile || file instanceof Api.InputFileBig))
			throw badRequest('FILE_ID_INVALID');
		const parts = this.parts.get(fromLong(file.id).toString());
		if (!parts) throw badRequest('FILE_PARTS_INVALID');
		for (let part = 0; part < file.parts; part++)
			if (!parts.has(part)) throw badRequest(`FILE_PART_${part}_MISSING`);
		return Buffer.concat(
			Array.from({ length: file.parts }, (_, part) => parts.get(part) as Buffer),
		);
	}

	/**
	 * Telegram's layout rules for an upload's parts: all but the last of one size, a multiple of
	 * 1 KB dividing 512 KB (FILE_PART_SIZE_INVALID); a big file's `parts` as its saveBigFilePart
	 * calls announced (FILE_PARTS_INVALID). Checked where the fake models them (secret files).
	 */
	checkPartLayout(fileId: bigint, parts: number, big: boolean): void {
		const key = fileId.toString();
		const saved = this.parts.get(key);
		if (!saved) throw badRequest('FILE_PARTS_INVALID');
		if (big && this.totalParts.get(key) !== parts) throw badRequest('FILE_PARTS_INVALID');
		const size = saved.get(0)?.length ?? 0;
		if (parts > 1 && (size % 1024 !== 0 || (512 * 1024) % size !== 0))
			throw badRequest('FILE_PART_SIZE_INVALID');
		for (let part = 0; part < parts - 1; part++)
			if (saved.get(part)?.length !== size) throw badRequest('FILE_PART_SIZE_INVALID');
		const last = saved.get(parts - 1)?.length ?? 0;
		if (last > size && parts > 1) throw badRequest('FILE_PART_SIZE_INVALID');
	}

	/** Gives media an id and access hash, so it can be sent again by reference (and its bytes, to download). */
	store(media: FakeMedia, date: number, bytes?: Buffer, dcId?: number): FakeMedia {
		this.lastId += 1n;
		const identity = { id: this.lastId, accessHash: this.lastId ^ 0x5a5a5a5a5a5an, date, dcId };
		this.identities.set(media, identity);
		this.byId.set(identity.id.toString(), media);
		if (bytes) this.contents.set(media, bytes);
		return media;
	}

	/** What upload.getFile serves for the media (nothing for media sent by URL). */
	bytesOf(media: FakeMedia): Buffer {
		return this.contents.get(media) ?? Buffer.alloc(0);
	}

	/** The file_reference messages carry now; a download with an older one is FILE_REFERENCE_EXPIRED. */
	fileReferenceOf(media: FakeMedia): Buffer {
		return Buffer.from(`fake-ref-${this.identityOf(media).id}-${this.referenceGeneration}`);
	}

	/** As Telegram does after a while: file references handed out so far stop working. */
	expireFileReferences(): void {
		this.referenceGeneration += 1;
	}

	identityOf(media: FakeMedia): StoredMediaIdentity {
		const identity = this.identities.get(media);
		if (!identity) throw new Error('media was never stored');
		return identity;
	}

	/** Stored media by id and access hash, of the given kinds. */
	find(id: bigint, accessHash: bigint, kinds: Array<FakeMedia['kind']>): FakeMedia | undefined {
		const media = this.byId.get(id.toString());
		if (!media || !kinds.includes(media.kind) || this.identityOf(media).accessHash !== accessHash)
			return undefined;
		return media;
	}

	reset(): void {
		this.parts.clear();
		this.totalParts.clear();
		this.byId.clear();
		this.referenceGeneration = 0;
	}
}

export function sha256Hex(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}
