import type { TelegramUpdateEvent } from '../transport';

/** How many message ids the trigger remembers the chat of. */
const REMEMBERED = 10_000;

/**
 * Telegram's updateDeleteMessages carries only message ids (private chats and basic groups share
 * the account's id sequence), so the trigger remembers which chat each message it saw was in and
 * names the chat of a deletion when it knows it. Memory only: a restart forgets.
 */
export class RecentChats {
	private readonly chatOfMessage = new Map<number, string>();

	see(event: TelegramUpdateEvent): void {
		if (event.event !== 'message' && event.event !== 'messageEdited') return;
		const { id, chatId } = event.message;
		// Channel ids have their own sequences; their deletions name the channel anyway.
		if (chatId.startsWith('-100')) return;
		this.chatOfMessage.delete(id);
		this.chatOfMessage.set(id, chatId);
		if (this.chatOfMessage.size > REMEMBERED)
			this.chatOfMessage.delete(this.chatOfMessage.keys().next().value as number);
	}

	/** The one chat all these messages were seen in, or undefined. */
	chatOf(messageIds: number[]): string | undefined {
		const chats = new Set(messageIds.map((id) => this.chatOfMessage.get(id)));
		const [only] = chats;
		return chats.size === 1 ? only : undefined;
	}
}
