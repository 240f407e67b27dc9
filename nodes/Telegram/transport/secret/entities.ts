import type { TlReader, TlWriter } from './tl';

/**
 * messageEntity* of the end-to-end schema, layers 46..144: the formatting a secret message
 * carries. Each kind has the layer that introduced it, so a message to an older peer leaves out
 * what that peer cannot read (see layers.ts).
 */

export type SecretEntity =
	| { type: PlainEntityType; offset: number; length: number }
	| { type: 'pre'; offset: number; length: number; language: string }
	| { type: 'textUrl'; offset: number; length: number; url: string }
	| { type: 'mentionName'; offset: number; length: number; userId: number }
	| { type: 'customEmoji'; offset: number; length: number; documentId: bigint };

export type PlainEntityType =
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

export type SecretEntityType = SecretEntity['type'];

interface EntityKind {
	id: number;
	/** The first layer whose readers know this constructor. */
	layer: number;
}

// Ids: the end-to-end schema (layer 46 block), TDLib's secret_api.tl for layers 101 and 144.
// bankCard sits in TDLib's layer 46 block but came with the layer-101 kinds; TDLib never sends it.
export const ENTITY_KINDS: Record<SecretEntityType, EntityKind> = {
	unknown: { id: 0xbb92ba95, layer: 46 },
	mention: { id: 0xfa04579d, layer: 46 },
	hashtag: { id: 0x6f635b0d, layer: 46 },
	botCommand: { id: 0x6cef8ac7, layer: 46 },
	url: { id: 0x6ed02538, layer: 46 },
	email: { id: 0x64e475c2, layer: 46 },
	bold: { id: 0xbd610bc9, layer: 46 },
	italic: { id: 0x826f8b60, layer: 46 },
	code: { id: 0x28a20571, layer: 46 },
	pre: { id: 0x73924be0, layer: 46 },
	textUrl: { id: 0x76a6d327, layer: 46 },
	mentionName: { id: 0x352dca58, layer: 46 },
	phone: { id: 0x9b69e34b, layer: 46 },
	cashtag: { id: 0x4c4e743f, layer: 46 },
	bankCard: { id: 0x761e6af4, layer: 101 },
	underline: { id: 0x9c4e7e8b, layer: 101 },
	strike: { id: 0xbf0693d4, layer: 101 },
	blockquote: { id: 0x020df5d0, layer: 101 },
	spoiler: { id: 0x32ca960f, layer: 144 },
	customEmoji: { id: 0xc8cf05f8, layer: 144 },
};

const TYPE_BY_ID = new Map(
	Object.entries(ENTITY_KINDS).map(([type, kind]) => [kind.id, type as SecretEntityType]),
);

const VECTOR = 0x1cb5c415;

/** Entities read, and the constructor that stopped the reading (a layer newer than 144). */
export interface ReadEntities {
	entities: SecretEntity[];
	unknownConstructor?: number;
}

export function readEntities(reader: TlReader): ReadEntities {
	// Each entity takes at least 12 bytes: constructor, offset and length.
	const count = reader.vectorLength('entities', 12);
	const entities: SecretEntity[] = [];
	for (let index = 0; index < count; index++) {
		const id = reader.constructorId('an entity');
		const type = TYPE_BY_ID.get(id);
		// An entity of a later layer has fields we cannot size: nothing after it can be read.
		if (type === undefined) return { entities, unknownConstructor: id };
		const offset = reader.int('an entity offset');
		const length = reader.int('an entity length');
		switch (type) {
			case 'pre':
				entities.push({ type, offset, length, language: reader.string('a pre language') });
				break;
			case 'textUrl':
				entities.push({ type, offset, length, url: reader.string('a text URL') });
				break;
			case 'mentionName':
				entities.push({ type, offset, length, userId: reader.int('a mention user_id') });
				break;
			case 'customEmoji':
				entities.push({ type, offset, length, documentId: reader.long('a document_id') });
				break;
			default:
				entities.push({ type, offset, length });
		}
	}
	return { entities };
}

export function writeEntities(writer: TlWriter, entities: SecretEntity[]): void {
	writer.constructorId(VECTOR).int(entities.length, 'entities');
	for (const entity of entities) {
		writer
			.constructorId(ENTITY_KINDS[entity.type].id)
			.int(entity.offset, 'entity offset')
			.int(entity.length, 'entity length');
		if (entity.type === 'pre') writer.string(entity.language);
		else if (entity.type === 'textUrl') writer.string(entity.url);
		else if (entity.type === 'mentionName') writer.int(entity.userId, 'entity userId');
		else if (entity.type === 'customEmoji') writer.long(entity.documentId, 'entity documentId');
	}
}

/** The layer a reader needs for this entity. */
export function entityLayer(entity: SecretEntity): number {
	return ENTITY_KINDS[entity.type].layer;
}

/** A cloud-API entity (as gramjs's Markdown/HTML parsers make them), by class name and fields. */
export interface CloudEntity {
	className: string;
	offset: number;
	length: number;
	language?: string;
	url?: string;
	userId?: unknown;
	documentId?: unknown;
}

const CLOUD_PLAIN: Record<string, PlainEntityType> = {
	MessageEntityUnknown: 'unknown',
	MessageEntityMention: 'mention',
	MessageEntityHashtag: 'hashtag',
	MessageEntityBotCommand: 'botCommand',
	MessageEntityUrl: 'url',
	MessageEntityEmail: 'email',
	MessageEntityBold: 'bold',
	MessageEntityItalic: 'italic',
	MessageEntityCode: 'code',
	MessageEntityPhone: 'phone',
	MessageEntityCashtag: 'cashtag',
	MessageEntityBankCard: 'bankCard',
	MessageEntityUnderline: 'underline',
	MessageEntityStrike: 'strike',
	MessageEntityBlockquote: 'blockquote',
	MessageEntitySpoiler: 'spoiler',
};

const INT32_MAX = 0x7fffffff;

/**
 * The secret-chat form of formatted text's entities. Kinds the end-to-end schema lacks, and a
 * mention of a user id beyond its 32 bits, are left out: the text itself is kept whole.
 */
export function secretEntitiesOf(cloud: CloudEntity[]): SecretEntity[] {
	const entities: SecretEntity[] = [];
	for (const entity of cloud) {
		const { offset, length } = entity;
		const plain = CLOUD_PLAIN[entity.className];
		if (plain) entities.push({ type: plain, offset, length });
		else if (entity.className === 'MessageEntityPre')
			entities.push({ type: 'pre', offset, length, language: entity.language ?? '' });
		else if (entity.className === 'MessageEntityTextUrl')
			entities.push({ type: 'textUrl', offset, length, url: entity.url ?? '' });
		else if (entity.className === 'MessageEntityCustomEmoji')
			entities.push({
				type: 'customEmoji',
				offset,
				length,
				documentId: BigInt(String(entity.documentId)),
			});
		else if (entity.className === 'MessageEntityMentionName') {
			const userId = Number(String(entity.userId));
			if (Number.isSafeInteger(userId) && userId > 0 && userId <= INT32_MAX)
				entities.push({ type: 'mentionName', offset, length, userId });
		}
	}
	return entities;
}
