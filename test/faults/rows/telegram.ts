import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { runNode } from '../../harness/engine';
import { telegramCredentialData } from '../../fakes/telegram/credential';
import type { TelegramFake } from '../../fakes/telegram/server';
import { SECRET_STORAGE_SECRET, type Lane, type TelegramLane } from '../lane';
import {
	ITEM_COUNT,
	TELEGRAM_FAULTS,
	type CellSetup,
	type Row,
	type TelegramFault,
} from '../matrix';
import { readySecretChat } from './secretPeer';

type Match = (name: string, request: unknown) => boolean;
type TlRequest = Record<string, unknown>;

/** A FLOOD_WAIT this long is over the default Max Rate-Limit Wait (30 s). */
const LONG_FLOOD_SECONDS = 3600;
/** Every try of item k (n8n's three tries, gramjs's own repeats) meets a long flood wait. */
const EVERY_TRY = 100;
const texts = () => Array.from({ length: ITEM_COUNT }, (_, i) => `telegram item ${i}`);
/** Send Now and Delete: one chat per item, so each item is its own call. */
const CHATS = ['@alice_test', '@bob_test', 'me'];

/** Makes `fault` happen to the calls `match` picks (item k's). */
function armTelegramFault(fake: TelegramFake, fault: TelegramFault, match: Match): void {
	switch (fault) {
		case 'reset-before':
			return fake.dropConnectionNext(match, 'before-apply');
		case 'lost-answer':
			return fake.dropConnectionNext(match, 'after-apply');
		case 'flood-short':
			return fake.floodWaitNext(match, 1);
		case 'flood-long':
			return fake.injectError(
				match,
				{ code: 420, message: `FLOOD_WAIT_${LONG_FLOOD_SECONDS}` },
				EVERY_TRY,
			);
		case 'dc-migrate':
			return fake.migrateNext(match, 4);
		case 'rpc-500':
			return fake.injectError(match, { code: 500, message: 'INTERNAL' });
		case 'timeout':
			throw new Error('timeout cells are skipped for Telegram');
	}
}

/** A DC migration moves the pooled login for good: such a cell gets an account session of its own. */
function credentialFor(lane: TelegramLane, fault: string): ICredentialDataDecryptedObject {
	if (fault !== 'dc-migrate') return lane.credential;
	return telegramCredentialData(lane.fake, {
		e2eStorage: 'file',
		e2eStorageFolder: lane.folder,
		e2eStorageSecret: SECRET_STORAGE_SECRET,
	});
}

interface TelegramCell {
	parameters: IDataObject;
	items: IDataObject[];
	match(k: number): Match;
	count(i: number): number;
	mismatch(i: number, json: IDataObject): string | undefined;
}

function cell(
	lane: TelegramLane,
	credential: ICredentialDataDecryptedObject,
	fault: TelegramFault,
	spec: TelegramCell,
): CellSetup {
	return {
		node: {
			type: 'telegram',
			parameters: spec.parameters,
			credentials: { telegramMtprotoApi: credential },
		},
		items: spec.items,
		arm: (k) => armTelegramFault(lane.fake, fault, spec.match(k)),
		count: spec.count,
		mismatch: spec.mismatch,
		problems: () => [],
	};
}

const userIdOf = (fake: TelegramFake, chat: string): string =>
	chat === 'me'
		? fake.me.id.toString()
		: String(fake.users.find((user) => `@${user.username}` === chat)?.id);

/** The user a call's input peer names (InputPeerSelf is the account itself). */
function peerUserId(fake: TelegramFake, peer: unknown): string {
	const typed = peer as { className?: string; userId?: unknown };
	return typed.className === 'InputPeerSelf' ? fake.me.id.toString() : String(typed.userId);
}

/** One scheduled text per chat of CHATS, made through the node (no fault armed yet); their ids. */
async function seedScheduled(
	lane: TelegramLane,
	credential: ICredentialDataDecryptedObject,
	contents: string[],
): Promise<number[]> {
	const seeded = await runNode({
		node: {
			type: 'telegram',
			parameters: {
				resource: 'message',
				operation: 'sendText',
				chat: '={{ $json.chat }}',
				text: '={{ $json.text }}',
				sendWhen: 'at',
				sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}',
			},
			credentials: { telegramMtprotoApi: credential },
		},
		items: contents.map((text, i) => ({ chat: CHATS[i], text })),
	});
	if (seeded.error)
		throw new Error(`seeding Telegram scheduled messages failed: ${seeded.error.message}`);
	return seeded.items.map((item) => Number(item.json.messageId));
}

const base = {
	provider: 'Telegram' as const,
	faults: TELEGRAM_FAULTS,
	order: 'sequential' as const,
};

/** Send Now and Delete: the batch operations, one chat (so one call) per item. */
function scheduledBatchRow(operation: 'sendNow' | 'delete'): Row<Lane> {
	const call =
		operation === 'sendNow' ? 'messages.SendScheduledMessages' : 'messages.DeleteScheduledMessages';
	return {
		...base,
		operation: operation === 'sendNow' ? 'Scheduled Message Send Now' : 'Scheduled Message Delete',
		kind: operation === 'sendNow' ? 'send' : 'remove',
		async setup(lanes, fault) {
			const lane = await lanes.telegram();
			const credential = credentialFor(lane, fault);
			const contents = texts();
			const ids = await seedScheduled(lane, credential, contents);
			const stillScheduled = (i: number) =>
				lane.fake.scheduled.some((message) => message.text === contents[i]);
			const sentNow = (i: number) =>
				lane.fake.messages.filter((message) => message.text === contents[i]);
			return cell(lane, credential, fault as TelegramFault, {
				parameters: {
					resource: 'scheduledMessage',
					operation,
					chat: '={{ $json.chat }}',
					messageIds: '={{ $json.id }}',
				},
				items: ids.map((id, i) => ({ chat: CHATS[i], id })),
				match: (k) => (name, request) =>
					name === call &&
					peerUserId(lane.fake, (request as TlRequest).peer) === userIdOf(lane.fake, CHATS[k]),
				count: (i) =>
					operation === 'sendNow'
						? sentNow(i).length
						: stillScheduled(i) || sentNow(i).length > 0
							? 0
							: 1,
				mismatch: (i, json) => {
					const scheduledIds = json.scheduledMessageIds as unknown[] | undefined;
					if (scheduledIds?.length !== 1 || scheduledIds[0] !== ids[i])
						return `scheduledMessageIds ${JSON.stringify(scheduledIds)}, expected [${ids[i]}]`;
					if (stillScheduled(i)) return `"${contents[i]}" is still scheduled`;
					if (operation === 'delete')
						return json.deleted === true ? undefined : `deleted: ${String(json.deleted)}`;
					// After a lost answer the node learns from the queue that it went, but not its new id: null.
					const sentId = (json.sentMessageIds as unknown[] | undefined)?.[0];
					const sent = sentNow(i);
					return sent.length > 0 &&
						(sentId === null || sent.some((message) => message.id === sentId))
						? undefined
						: `sentMessageIds ${JSON.stringify(json.sentMessageIds)} is not "${contents[i]}" in Telegram`;
				},
			});
		},
	};
}

export const telegramRows: Array<Row<Lane>> = [
	{
		...base,
		operation: 'Message Send Text',
		kind: 'send',
		async setup(lanes, fault) {
			const lane = await lanes.telegram();
			const contents = texts();
			const held = (text: string) =>
				[...lane.fake.scheduled, ...lane.fake.messages].filter((message) => message.text === text);
			return cell(lane, credentialFor(lane, fault), fault as TelegramFault, {
				parameters: {
					resource: 'message',
					operation: 'sendText',
					chat: '@alice_test',
					text: '={{ $json.text }}',
					sendWhen: 'at',
					sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}',
				},
				items: contents.map((text) => ({ text })),
				match: (k) => (name, request) =>
					name === 'messages.SendMessage' && (request as TlRequest).message === contents[k],
				count: (i) => held(contents[i]).length,
				mismatch: (i, json) =>
					held(contents[i]).some((message) => message.id === json.messageId) &&
					json.text === contents[i]
						? undefined
						: `messageId ${String(json.messageId)} is not "${contents[i]}" in Telegram (output: ${JSON.stringify(json)})`,
			});
		},
	},
	{
		...base,
		operation: 'Message Send Album',
		kind: 'send',
		async setup(lanes, fault) {
			const lane = await lanes.telegram();
			const contents = texts();
			const part = (text: string, name: string) =>
				lane.fake.messages.filter((message) => message.text === `${text} ${name}`);
			const media = ['a', 'b'].map((name) => ({
				source: 'url',
				url: `https://example.com/${name}.jpg`,
				caption: `={{ $json.text + " ${name}" }}`,
				kind: 'auto',
			}));
			return cell(lane, credentialFor(lane, fault), fault as TelegramFault, {
				parameters: {
					resource: 'message',
					operation: 'sendAlbum',
					chat: '@alice_test',
					media: { items: media },
					sendWhen: 'now',
				},
				items: contents.map((text) => ({ text })),
				match: (k) => (name, request) =>
					name === 'messages.SendMultiMedia' &&
					((request as TlRequest).multiMedia as TlRequest[] | undefined)?.[0]?.message ===
						`${contents[k]} a`,
				count: (i) => part(contents[i], 'a').length,
				mismatch: (i, json) => {
					const ids = json.messageIds as unknown[] | undefined;
					const [a, b] = [part(contents[i], 'a'), part(contents[i], 'b')];
					return ids?.length === 2 &&
						a.some((message) => message.id === ids[0]) &&
						b.some((message) => message.id === ids[1])
						? undefined
						: `messageIds ${JSON.stringify(ids)} are not the album "${contents[i]}" in Telegram (output: ${JSON.stringify(json)})`;
				},
			});
		},
	},
	scheduledBatchRow('sendNow'),
	scheduledBatchRow('delete'),
	{
		...base,
		operation: 'Secret Chat Send Message',
		kind: 'send',
		async setup(lanes, fault) {
			const lane = await lanes.telegram();
			const credential = credentialFor(lane, fault);
			const chatId = await readySecretChat(lane.fake, credential, 'alice_test');
			const contents = texts();
			const isSend = (request: { name: string; request: unknown }) =>
				request.name === 'messages.SendEncrypted' &&
				((request.request as TlRequest).peer as TlRequest | undefined)?.chatId === chatId;
			// Item i's random_id: the i-th distinct one our node sent into this chat (items go one by one).
			const randomIds = () => [
				...new Set(
					lane.fake.requests
						.filter(isSend)
						.map((seen) => String((seen.request as TlRequest).randomId)),
				),
			];
			const relayed = (i: number) => {
				const randomId = randomIds()[i];
				const chat = lane.fake.encryptedChats.find((candidate) => candidate.id === chatId);
				return randomId === undefined
					? []
					: (chat?.messages ?? []).filter(
							(message) =>
								!message.service &&
								message.fromId === lane.fake.me.id &&
								message.randomId.toString() === randomId,
						);
			};
			return cell(lane, credential, fault as TelegramFault, {
				parameters: {
					resource: 'secretChat',
					operation: 'sendMessage',
					secretChatId: chatId,
					text: '={{ $json.text }}',
				},
				items: contents.map((text) => ({ text })),
				match: (k) => (name, request) =>
					isSend({ name, request }) && randomIds()[k] === String((request as TlRequest).randomId),
				count: (i) => relayed(i).length,
				mismatch: (i, json) =>
					json.randomId === randomIds()[i] && json.text === contents[i] && relayed(i).length > 0
						? undefined
						: `randomId ${String(json.randomId)} text "${String(json.text)}" is not item ${i}'s message`,
			});
		},
	},
];
