import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
	ENTITY_KINDS,
	secretEntitiesOf,
	type SecretEntity,
} from '../../../../nodes/Telegram/transport/secret/entities';
import {
	BASE_LAYER,
	commonLayer,
	DEFAULT_PEER_LAYER,
	fitToLayer,
	needsLayerNotice,
	OUR_LAYER,
	peerLayerAfter,
	peerUpgraded,
} from '../../../../nodes/Telegram/transport/secret/layers';
import {
	decodeSecretLayer,
	encodeSecretLayer,
	type SecretMessage,
} from '../../../../nodes/Telegram/transport/secret/tl';

const SPECS_DIR = process.env.SPECS_DIR ?? join(__dirname, '../../../../../shared/specs');
const SCHEMA = join(SPECS_DIR, 'telegram-secret_api.tl');

const EVERY_ENTITY: SecretEntity[] = [
	...(
		[
			'unknown',
			'mention',
			'hashtag',
			'botCommand',
			'url',
			'email',
			'bold',
			'italic',
			'code',
			'phone',
			'cashtag',
			'bankCard',
			'underline',
			'strike',
			'blockquote',
			'spoiler',
		] as const
	).map((type, offset) => ({ type, offset, length: 1 })),
	{ type: 'pre', offset: 20, length: 2, language: 'ts' },
	{ type: 'textUrl', offset: 22, length: 2, url: 'https://example.com' },
	{ type: 'mentionName', offset: 24, length: 2, userId: 2147483647 },
	{ type: 'customEmoji', offset: 26, length: 2, documentId: -5n },
];

const message = (entities: SecretEntity[]): SecretMessage => ({
	kind: 'message',
	randomId: 1n,
	ttl: 0,
	text: 'x'.repeat(30),
	hasMedia: false,
	entities,
	replyToRandomId: 9n,
});

describe('secret chats: layers and entities', () => {
	test('we write in the lower of the two layers, never below MTProto 2.0 (73) nor above ours (144)', () => {
		assert.deepEqual(
			[46, 73, 100, 101, 143, 144, 160].map(commonLayer),
			[73, 73, 100, 101, 143, 144, 144],
		);
		assert.equal(commonLayer(46), BASE_LAYER);
		assert.equal(OUR_LAYER, 144);
	});

	test("a peer's layer only goes up; a notice of ours older than our layer is sent again", () => {
		assert.equal(peerLayerAfter(73, 101), 101);
		assert.equal(peerLayerAfter(101, 73), 101);
		assert.equal(peerLayerAfter(46, Number.NaN), 46);
		assert.equal(needsLayerNotice({ layerNotified: false }), true);
		// A chat from before layer tracking announced 73: it hears of 144 before the next message.
		assert.equal(needsLayerNotice({ layerNotified: true }), true);
		assert.equal(needsLayerNotice({ layerNotified: true, notifiedLayer: 144 }), false);
	});

	test('a peer that upgrades from below our layer hears our notice again; its first notice and a peer already on ours do not', () => {
		assert.equal(peerUpgraded(73, 101), true);
		assert.equal(peerUpgraded(101, 144), true);
		assert.equal(peerUpgraded(73, 73), false);
		assert.equal(
			peerUpgraded(DEFAULT_PEER_LAYER, 73),
			false,
			'its first notice: ours went out at the start',
		);
		assert.equal(peerUpgraded(144, 160), false);
	});

	test('a message keeps only the entities its layer knows', () => {
		const kinds = (layer: number) => {
			const fitted = fitToLayer(message(EVERY_ENTITY), layer);
			return fitted.kind === 'message' ? (fitted.entities ?? []).map((e) => e.type) : [];
		};
		assert.equal(kinds(73).includes('underline'), false);
		assert.equal(kinds(73).includes('spoiler'), false);
		assert.equal(kinds(101).includes('underline'), true);
		assert.equal(kinds(101).includes('customEmoji'), false);
		assert.equal(kinds(144).length, EVERY_ENTITY.length);
		const onlyNew = fitToLayer(message([{ type: 'spoiler', offset: 0, length: 1 }]), 73);
		assert.equal(onlyNew.kind === 'message' && onlyNew.entities, undefined);
	});

	test('every entity kind round-trips, and the fields after the entities stay readable', () => {
		const bytes = encodeSecretLayer({
			randomBytes: randomBytes(16),
			layer: 144,
			inSeqNo: 0,
			outSeqNo: 1,
			message: message(EVERY_ENTITY),
		});
		assert.deepEqual(decodeSecretLayer(bytes).message, message(EVERY_ENTITY));
	});

	test(
		'constructor ids match the end-to-end schema where it lists them',
		{ skip: !existsSync(SCHEMA) && `${SCHEMA} is absent` },
		() => {
			const schema = readFileSync(SCHEMA, 'utf8');
			let checked = 0;
			for (const [type, kind] of Object.entries(ENTITY_KINDS)) {
				const name = 'messageEntity' + type[0].toUpperCase() + type.slice(1);
				const line = new RegExp(`^${name}#([0-9a-f]+) `, 'm').exec(schema);
				if (!line) continue; // layers 101 and 144: not in this copy of the schema
				assert.equal(Number.parseInt(line[1], 16), kind.id, name);
				checked++;
			}
			assert.equal(checked, 14);
		},
	);

	test("formatted text's entities become the secret schema's; what it lacks is left out", () => {
		assert.deepEqual(
			secretEntitiesOf([
				{ className: 'MessageEntityBold', offset: 0, length: 1 },
				{ className: 'MessageEntitySpoiler', offset: 1, length: 1 },
				{ className: 'MessageEntityCustomEmoji', offset: 2, length: 2, documentId: '77' },
				{ className: 'MessageEntityPre', offset: 4, length: 1, language: 'py' },
				{ className: 'MessageEntityMentionName', offset: 5, length: 1, userId: 42n },
				{ className: 'MessageEntityMentionName', offset: 6, length: 1, userId: 2n ** 40n },
				{ className: 'InputMessageEntityMentionName', offset: 7, length: 1 },
			]),
			[
				{ type: 'bold', offset: 0, length: 1 },
				{ type: 'spoiler', offset: 1, length: 1 },
				{ type: 'customEmoji', offset: 2, length: 2, documentId: 77n },
				{ type: 'pre', offset: 4, length: 1, language: 'py' },
				{ type: 'mentionName', offset: 5, length: 1, userId: 42 },
			],
		);
	});
});
