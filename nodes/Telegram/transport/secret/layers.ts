import { entityLayer } from './entities';
import { SECRET_LAYER, type SecretMessage } from './tl';

/**
 * Which end-to-end layer a chat speaks. We read everything up to OUR_LAYER and announce it
 * (decryptedMessageActionNotifyLayer); each side then writes in the lower of the two layers,
 * so a message never holds a constructor its reader does not know.
 */

/** The layer we read and announce: TDLib's current secret layer (spoiler and custom emoji entities). */
export const OUR_LAYER = 144;
/** The lowest we write: MTProto 2.0 (how we seal every message) came with layer 73. */
export const BASE_LAYER = SECRET_LAYER;
/** Assumed for a peer that has told us nothing yet (what TDLib assumes too). */
export const DEFAULT_PEER_LAYER = 46;

/** The layer our next message is written in, for a peer known to read `peerLayer`. */
export function commonLayer(peerLayer: number): number {
	return Math.max(BASE_LAYER, Math.min(OUR_LAYER, peerLayer));
}

/**
 * The peer's layer after it sent a message in (or announced) `seen`. A layer never goes back:
 * an older message (a resend, one held after a gap) says nothing about what the peer reads now.
 */
export function peerLayerAfter(known: number, seen: number): number {
	return Number.isInteger(seen) && seen > known ? seen : known;
}

/**
 * Whether the peer's layer rising from `before` to `after` calls for our notice again, as
 * Telegram Android does: a peer that wrote in a layer below ours before (not the default we
 * assume for a silent peer) upgraded its app, and hears again what it may now use with us.
 */
export function peerUpgraded(before: number, after: number): boolean {
	return after > before && before > DEFAULT_PEER_LAYER && before < OUR_LAYER;
}

/** Whether our layer still has to be announced: never told, or told an older one (before an upgrade). */
export function needsLayerNotice(state: {
	layerNotified: boolean;
	notifiedLayer?: number;
}): boolean {
	// Chats from before layer tracking announced the base layer.
	return !state.layerNotified || (state.notifiedLayer ?? BASE_LAYER) < OUR_LAYER;
}

/** The message as a reader of `layer` may get it: entities of later layers are left out (TDLib does the same). */
export function fitToLayer(message: SecretMessage, layer: number): SecretMessage {
	if (message.kind !== 'message' || !message.entities) return message;
	const entities = message.entities.filter((entity) => entityLayer(entity) <= layer);
	return { ...message, entities: entities.length > 0 ? entities : undefined };
}
