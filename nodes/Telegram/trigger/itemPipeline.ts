import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { TelegramUpdateEvent } from '../transport';
import { AlbumBuffer, albumItem, type AlbumPart } from './albums';
import { eventItem, type EventFilter } from './events';
import { attachFile, type MediaOptions, type PrepareBinary } from './media';
import { RecentChats } from './recentChats';

/**
 * From Telegram's events to the trigger's items: which events and chats the trigger wants, album
 * parts gathered into one item, files downloaded into binary data, and items emitted in the order
 * their events arrived (a download does not let a later message overtake).
 */

export interface PipelineOptions {
	filter: Omit<EventFilter, 'recentChats'>;
	zone: string;
	media: MediaOptions;
	/** Whether an event of this chat (Bot-API style id; undefined when Telegram does not say) is wanted. */
	wantsChat?: (chatId: string | undefined) => boolean;
	/** How long an album waits for more parts after its last one. */
	albumWaitMs?: number;
}

export interface PipelineHost {
	emit(items: INodeExecutionData[]): void;
	prepareBinaryData: PrepareBinary;
	/** Something went wrong building an item (not a download: that is said in the item). */
	reportError(error: unknown): void;
}

export const ALBUM_WAIT_MS = 1000;

function chatOfEvent(event: TelegramUpdateEvent, recentChats: RecentChats): string | undefined {
	if (event.event === 'message' || event.event === 'messageEdited') return event.message.chatId;
	if (event.event === 'messagesDeleted')
		return event.chatId ?? recentChats.chatOf(event.messageIds);
	return undefined;
}

export class ItemPipeline {
	private readonly recentChats = new RecentChats();
	private readonly albums: AlbumBuffer;
	/** Per album waiting for parts: hands its parts to its place in the queue. */
	private readonly albumReady = new Map<string, (parts: AlbumPart[]) => void>();
	private queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly host: PipelineHost,
		private readonly options: PipelineOptions,
	) {
		this.albums = new AlbumBuffer(options.albumWaitMs ?? ALBUM_WAIT_MS, (key, parts) => {
			this.albumReady.get(key)?.(parts);
			this.albumReady.delete(key);
		});
	}

	push(event: TelegramUpdateEvent): void {
		this.recentChats.see(event);
		const isChatEvent =
			event.event === 'message' ||
			event.event === 'messageEdited' ||
			event.event === 'messagesDeleted';
		if (
			isChatEvent &&
			this.options.wantsChat &&
			!this.options.wantsChat(chatOfEvent(event, this.recentChats))
		)
			return;
		const json = eventItem(
			event,
			{ ...this.options.filter, recentChats: this.recentChats },
			this.options.zone,
		);
		if (!json) return;
		if (event.event === 'message' && event.message.groupedId) {
			const part: AlbumPart = {
				json,
				file: event.file,
				chatId: event.message.chatId,
				groupedId: event.message.groupedId,
			};
			const key = AlbumBuffer.keyOf(part);
			if (!this.albums.has(key)) {
				// The album keeps the place of its first part: later events wait for it (at most the album wait).
				const ready = new Promise<AlbumPart[]>((resolve) => this.albumReady.set(key, resolve));
				this.enqueue(async () => await this.emitAlbum(await ready));
			}
			this.albums.add(part);
			return;
		}
		const file =
			event.event === 'message' || event.event === 'secretMessage' ? event.file : undefined;
		this.enqueue(async () => {
			const binary: Record<string, IBinaryData> = {};
			await attachFile(json, binary, 'data', file, this.options.media, this.host.prepareBinaryData);
			this.host.emit([Object.keys(binary).length > 0 ? { json, binary } : { json }]);
		});
	}

	/** Emits the albums still waiting and everything queued (the trigger's close). */
	async flush(): Promise<void> {
		this.albums.flushAll();
		await this.queue;
	}

	private async emitAlbum(parts: AlbumPart[]): Promise<void> {
		const binary: Record<string, IBinaryData> = {};
		const partJsons: IDataObject[] = [];
		const ordered = [...parts].sort((a, b) => Number(a.json.messageId) - Number(b.json.messageId));
		for (const [index, part] of ordered.entries()) {
			const json = { ...part.json };
			await attachFile(
				json,
				binary,
				`data_${index}`,
				part.file,
				this.options.media,
				this.host.prepareBinaryData,
			);
			partJsons.push(json);
		}
		const json = albumItem(partJsons);
		this.host.emit([Object.keys(binary).length > 0 ? { json, binary } : { json }]);
	}

	private enqueue(task: () => Promise<void>): void {
		this.queue = this.queue.then(task).catch((error: unknown) => this.host.reportError(error));
	}
}
