import { createCipheriv, createHash, type Cipher } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
// gramjs's modules load in a cycle that only works when its index is loaded first.
import 'telegram';
import { FullPacketCodec } from 'telegram/network/connection/TCPFull';
import { StreamReader } from './streamReader';

/**
 * An MTProxy on 127.0.0.1 in front of a fake MTProto server, for tests that a client's traffic
 * went through it. It speaks what gramjs's ConnectionTCPMTProxyAbridged sends: the obfuscated2
 * transport (a 64-byte header; AES-256-CTR keys = SHA-256(header part + secret) each way), whose
 * decrypted header carries the abridged tag efefefef and the data center number; then abridged
 * packets. It relays each packet to that DC's address (`upstream(dcId)`) in the TCP "full"
 * transport the fake Telegram speaks, and the answers back. A header that does not decrypt to a
 * known tag (a wrong secret) is refused and the connection closed, as a real MTProxy does.
 * Not modelled: the intermediate / padded-intermediate ("dd") tags, fake-TLS ("ee") secrets,
 * the proxy's own promotion channel.
 */

export interface MtproxyRelay {
	dcId: number;
	packetsToServer: number;
	packetsToClient: number;
}

const ABRIDGED_TAG = Buffer.from('efefefef', 'hex');

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

export class MtproxyFake {
	readonly host = '127.0.0.1';
	readonly relays: MtproxyRelay[] = [];
	readonly refused: string[] = [];
	private readonly sockets = new Set<net.Socket>();
	private readonly server = net.createServer((socket) => void this.serve(socket));
	/** The 16 secret bytes the keys are made with (a "dd" prefix only picks a transport). */
	private readonly key: Buffer;

	private constructor(
		/** 32 hex digits, optionally after "dd": what a proxy link's `secret` holds. */
		readonly secret: string,
		private readonly upstream: (dcId: number) => { host: string; port: number },
	) {
		const bytes = Buffer.from(secret, 'hex');
		this.key = bytes.length === 17 ? bytes.subarray(1) : bytes;
		if (this.key.length !== 16) throw new Error('an MTProxy secret is 16 bytes (32 hex digits)');
	}

	static async start(options: {
		secret: string;
		upstream: (dcId: number) => { host: string; port: number };
	}): Promise<MtproxyFake> {
		const proxy = new MtproxyFake(options.secret, options.upstream);
		await new Promise<void>((resolve, reject) => {
			proxy.server.once('error', reject);
			proxy.server.listen(0, proxy.host, () => resolve());
		});
		return proxy;
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	async stop(): Promise<void> {
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}

	private track(socket: net.Socket): void {
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		socket.on('error', () => socket.destroy());
	}

	private async serve(client: net.Socket): Promise<void> {
		this.track(client);
		const raw = new StreamReader(client);
		try {
			const header = await raw.readExactly(64);
			// The client encrypts with the key from header[8..40] and IV header[40..56]; it decrypts
			// what we send with the same parts of the header reversed.
			const fromClient = ctr(sha256(header.subarray(8, 40), this.key), header.subarray(40, 56));
			const reversed = Buffer.from(header.subarray(8, 56)).reverse();
			const toClient = ctr(sha256(reversed.subarray(0, 32), this.key), reversed.subarray(32, 48));
			const plain = fromClient.update(header);
			if (!plain.subarray(56, 60).equals(ABRIDGED_TAG)) {
				this.refused.push('unknown transport tag (wrong secret?)');
				client.destroy();
				return;
			}
			const dcId = Math.abs(plain.readInt16LE(60));
			await this.relay(client, raw, fromClient, toClient, dcId);
		} catch {
			client.destroy();
		}
	}

	private async relay(
		client: net.Socket,
		raw: StreamReader,
		fromClient: Cipher,
		toClient: Cipher,
		dcId: number,
	): Promise<void> {
		const relay: MtproxyRelay = { dcId, packetsToServer: 0, packetsToClient: 0 };
		this.relays.push(relay);
		const address = this.upstream(dcId);
		const server = net.connect(address.port, address.host);
		this.track(server);
		server.on('close', () => client.destroy());
		client.on('close', () => server.destroy());
		const fromServer = new StreamReader(server);
		const decrypted = {
			readExactly: async (n: number) => fromClient.update(await raw.readExactly(n)),
		};

		void (async () => {
			const codec = new FullPacketCodec(undefined as never);
			for (;;) {
				const packet = await codec.readPacket(fromServer as never);
				relay.packetsToClient++;
				client.write(toClient.update(Buffer.concat([abridgedLength(packet.length), packet])));
			}
		})().catch(() => client.destroy());

		const codec = new FullPacketCodec(undefined as never);
		for (;;) {
			const [first] = await decrypted.readExactly(1);
			const words =
				first >= 0x7f
					? Buffer.concat([await decrypted.readExactly(3), Buffer.alloc(1)]).readInt32LE(0)
					: first;
			const packet = await decrypted.readExactly(words * 4);
			relay.packetsToServer++;
			server.write(codec.encodePacket(packet));
		}
	}
}

function ctr(key: Buffer, iv: Buffer): Cipher {
	return createCipheriv('aes-256-ctr', key, iv);
}

function abridgedLength(bytes: number): Buffer {
	const words = bytes >> 2;
	if (words < 0x7f) return Buffer.from([words]);
	const length = Buffer.alloc(4);
	length.writeUInt32LE(words, 0);
	return Buffer.concat([Buffer.from([0x7f]), length.subarray(0, 3)]);
}
