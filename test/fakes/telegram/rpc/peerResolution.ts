import { Api } from 'telegram';
import { peerKeyOf, type FakeChannel, type FakeUser } from '../state';
import { isContact } from '../tlViews';
import { badRequest, fromLong } from '../wire';
import type { RpcContext } from './context';

/** Input peers and users as a client sends them, checked like Telegram checks them (access hashes). */

export interface ResolvedPeer {
	key: string;
	user?: FakeUser;
	channel?: FakeChannel;
}

export function resolveInputPeer(ctx: RpcContext, input: unknown): ResolvedPeer {
	if (input instanceof Api.InputPeerSelf) {
		const me = ctx.user();
		return { key: peerKeyOf({ userId: me.id }), user: me };
	}
	if (input instanceof Api.InputPeerUser) {
		const user = findUser(ctx, fromLong(input.userId), fromLong(input.accessHash));
		if (!user) throw badRequest('PEER_ID_INVALID');
		return { key: peerKeyOf({ userId: user.id }), user };
	}
	if (input instanceof Api.InputPeerChannel) {
		const channel = findChannel(ctx, fromLong(input.channelId), fromLong(input.accessHash));
		if (!channel) throw badRequest('CHANNEL_INVALID');
		return { key: peerKeyOf({ channelId: channel.id }), channel };
	}
	// No basic groups are seeded, and the other input peers need context the fake does not keep.
	throw badRequest('PEER_ID_INVALID');
}

export function resolveInputUser(
	ctx: RpcContext,
	input: unknown,
	options: { allowZeroHash?: boolean } = {},
): FakeUser | undefined {
	if (input instanceof Api.InputUserSelf) return ctx.user();
	if (input instanceof Api.InputUser) {
		const hash = fromLong(input.accessHash);
		// Contacts (every seeded account) are found with access_hash 0, as gramjs relies on;
		// another account needs its hash, as on Telegram.
		const zeroForContact =
			options.allowZeroHash &&
			hash === 0n &&
			ctx.world.users.some((u) => u.id === fromLong(input.userId) && isContact(u, ctx.auth.userId));
		return findUser(ctx, fromLong(input.userId), zeroForContact ? undefined : hash);
	}
	return undefined;
}

function findUser(
	ctx: RpcContext,
	id: bigint,
	accessHash: bigint | undefined,
): FakeUser | undefined {
	const user = ctx.world.users.find((u) => u.id === id);
	if (!user) return undefined;
	if (id === ctx.auth.userId || accessHash === undefined || user.accessHash === accessHash)
		return user;
	return undefined;
}

export function findChannel(
	ctx: RpcContext,
	id: bigint,
	accessHash: bigint | undefined,
): FakeChannel | undefined {
	const channel = ctx.world.channels.find((c) => c.id === id);
	if (!channel || (accessHash !== undefined && channel.accessHash !== accessHash)) return undefined;
	return channel;
}
