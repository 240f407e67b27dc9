import { createDiffieHellman, createHash, type DiffieHellman } from 'node:crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { runNode } from '../../harness/engine';
import type { TelegramFake } from '../../fakes/telegram/server';

/**
 * The other side of a secret chat, played in-process: it accepts our node's request with its
 * own DH half (so our side can finish the handshake and send), but never reads the messages;
 * the matrix counts what the relay holds, by random_id.
 */

const groups = new Map<string, DiffieHellman>();

/** g_b and the key fingerprint (low 64 bits of SHA-1 of the shared key) for the requester's g_a. */
function acceptHalf(p: Buffer, g: number, gA: Buffer): { gB: Buffer; keyFingerprint: bigint } {
	const id = `${p.toString('hex')}:${g}`;
	let group = groups.get(id);
	if (!group) {
		group = createDiffieHellman(p, Buffer.from([g]));
		group.generateKeys();
		groups.set(id, group);
	}
	const pad = (bytes: Buffer) => Buffer.concat([Buffer.alloc(256 - bytes.length), bytes]);
	const key = pad(group.computeSecret(gA));
	const keyFingerprint = createHash('sha1').update(key).digest().subarray(12).readBigInt64LE(0);
	return { gB: pad(group.getPublicKey()), keyFingerprint };
}

async function runSecret(
	credential: ICredentialDataDecryptedObject,
	parameters: Record<string, unknown>,
) {
	return await runNode({
		node: {
			type: 'telegram',
			parameters: { resource: 'secretChat', ...parameters },
			credentials: { telegramMtprotoApi: credential },
		},
	});
}

/** Starts a secret chat with `peerId` through the node, accepts it as the peer, and waits until our store has it ready. */
export async function readySecretChat(
	fake: TelegramFake,
	credential: ICredentialDataDecryptedObject,
	peerUsername: string,
): Promise<number> {
	const peer = fake.users.find((user) => user.username === peerUsername);
	if (!peer) throw new Error(`the Telegram fake has no @${peerUsername}`);
	const started = await runSecret(credential, { operation: 'start', chat: `@${peerUsername}` });
	if (started.error) throw new Error(`Secret Chat > Start failed: ${started.error.message}`);
	const chatId = Number(started.items[0].json.chatId);
	const request = await fake.nextEncryptionRequest(peer.id);
	const { gB, keyFingerprint } = acceptHalf(fake.dhConfig.p, fake.dhConfig.g, request.gA);
	fake.acceptEncryptionAs(peer.id, chatId, gB, keyFingerprint);
	// Our pooled client gets the acceptance, finishes the handshake and sends its layer notice.
	await fake.nextEncryptedMessage(peer.id, chatId);
	for (let attempt = 0; attempt < 200; attempt++) {
		const listed = await runSecret(credential, { operation: 'getAll', returnAll: true });
		if (listed.items.some((item) => item.json.chatId === chatId && item.json.status === 'ready'))
			return chatId;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`secret chat ${chatId} never became ready in the store`);
}
