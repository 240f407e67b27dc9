import type { IDataObject } from 'n8n-workflow';
import type { MessageFile } from '../transport';

/**
 * Telegram sends an album as separate messages sharing a grouped_id (usually in one batch of
 * updates, possibly split across a catch-up's pages). The trigger holds the parts briefly and
 * emits the album as one item once no part came for a moment, or at 10 parts (Telegram's maximum).
 */

export const ALBUM_MAX_PARTS = 10;

export interface AlbumPart {
	json: IDataObject;
	file?: MessageFile;
	chatId: string;
	groupedId: string;
}

interface Pending {
	parts: AlbumPart[];
	timer: NodeJS.Timeout;
}

export class AlbumBuffer {
	private readonly pending = new Map<string, Pending>();

	constructor(
		private readonly waitMs: number,
		private readonly onAlbum: (key: string, parts: AlbumPart[]) => void,
	) {}

	static keyOf(part: Pick<AlbumPart, 'chatId' | 'groupedId'>): string {
		return `${part.chatId}:${part.groupedId}`;
	}

	has(key: string): boolean {
		return this.pending.has(key);
	}

	add(part: AlbumPart): void {
		const key = AlbumBuffer.keyOf(part);
		const album = this.pending.get(key);
		if (album) clearTimeout(album.timer);
		const parts = [...(album?.parts ?? []), part];
		if (parts.length >= ALBUM_MAX_PARTS) {
			this.pending.delete(key);
			this.onAlbum(key, parts);
			return;
		}
		const timer = setTimeout(() => this.release(key), this.waitMs);
		this.pending.set(key, { parts, timer });
	}

	/** Every album still waiting goes out now (the trigger is closing). */
	flushAll(): void {
		for (const key of [...this.pending.keys()]) this.release(key);
	}

	private release(key: string): void {
		const album = this.pending.get(key);
		if (!album) return;
		clearTimeout(album.timer);
		this.pending.delete(key);
		this.onAlbum(key, album.parts);
	}
}

/**
 * One item for the album: the first part's fields (its message id, chat, date), the caption
 * (Telegram shows the one caption an album has, on whichever part carries it), every part's id,
 * and `parts` with each part's text, media and binary property.
 */
export function albumItem(parts: IDataObject[]): IDataObject {
	const sorted = [...parts].sort((a, b) => Number(a.messageId) - Number(b.messageId));
	const first = sorted[0];
	const caption = sorted.find((part) => typeof part.text === 'string' && part.text !== '')?.text;
	const item: IDataObject = {
		...first,
		text: caption ?? '',
		messageIds: sorted.map((part) => part.messageId),
		parts: sorted.map((part) => {
			// What every part shares stays on the item only.
			const own = { ...part };
			for (const shared of ['event', 'chatId', 'albumId', 'outgoing']) delete own[shared];
			return own;
		}),
	};
	delete item.media;
	delete item.binaryProperty;
	delete item.mediaNotDownloaded;
	return item;
}
