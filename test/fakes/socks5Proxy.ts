import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { StreamReader } from './streamReader';

/**
 * A SOCKS5 proxy on 127.0.0.1 (RFC 1928 CONNECT, RFC 1929 username/password), for tests that a
 * client's traffic went through a proxy: it records each tunnel and what it refused. It connects
 * only to 127.0.0.1 (tests talk to nothing else); other destinations get "not allowed".
 */

export interface Socks5Tunnel {
	/** host:port the client asked for. */
	destination: string;
	username?: string;
	bytesToDestination: number;
	bytesToClient: number;
}

const VERSION = 5;
const NO_AUTH = 0x00;
const USER_PASS = 0x02;
const NO_ACCEPTABLE = 0xff;
const REPLY = { ok: 0, notAllowed: 2, refused: 5, commandNotSupported: 7, addressNotSupported: 8 };

export class Socks5ProxyFake {
	readonly host = '127.0.0.1';
	readonly tunnels: Socks5Tunnel[] = [];
	/** Why connections were turned away ('no acceptable method', 'wrong login', ...). */
	readonly refused: string[] = [];
	private readonly sockets = new Set<net.Socket>();
	private readonly server = net.createServer((socket) => void this.serve(socket));

	private constructor(private readonly login?: { username: string; password: string }) {}

	/** With `login`, clients must authenticate with it (method 0x02); without, no authentication. */
	static async start(login?: { username: string; password: string }): Promise<Socks5ProxyFake> {
		const proxy = new Socks5ProxyFake(login);
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

	private refuse(socket: net.Socket, reason: string, reply?: Buffer): void {
		this.refused.push(reason);
		if (reply) socket.end(reply);
		else socket.destroy();
	}

	private async serve(client: net.Socket): Promise<void> {
		this.track(client);
		const reader = new StreamReader(client);
		try {
			const [version, count] = await reader.readExactly(2);
			if (version !== VERSION) return this.refuse(client, `not SOCKS5 (version ${version})`);
			const methods = [...(await reader.readExactly(count))];
			const wanted = this.login ? USER_PASS : NO_AUTH;
			if (!methods.includes(wanted))
				return this.refuse(client, 'no acceptable method', Buffer.from([VERSION, NO_ACCEPTABLE]));
			client.write(Buffer.from([VERSION, wanted]));
			let username: string | undefined;
			if (this.login) {
				const [, userLength] = await reader.readExactly(2);
				username = (await reader.readExactly(userLength)).toString();
				const [passwordLength] = await reader.readExactly(1);
				const password = (await reader.readExactly(passwordLength)).toString();
				if (username !== this.login.username || password !== this.login.password)
					return this.refuse(client, 'wrong login', Buffer.from([1, 1]));
				client.write(Buffer.from([1, 0]));
			}
			const [, command, , addressType] = await reader.readExactly(4);
			let host: string;
			if (addressType === 1) host = [...(await reader.readExactly(4))].join('.');
			else if (addressType === 3) {
				const [length] = await reader.readExactly(1);
				host = (await reader.readExactly(length)).toString();
			} else return this.refuse(client, 'address type', reply(REPLY.addressNotSupported));
			const port = (await reader.readExactly(2)).readUInt16BE(0);
			if (command !== 1)
				return this.refuse(client, 'not CONNECT', reply(REPLY.commandNotSupported));
			if (host !== '127.0.0.1' && host !== 'localhost')
				return this.refuse(client, `destination ${host} not allowed`, reply(REPLY.notAllowed));
			this.tunnel(client, reader, { destination: `${host}:${port}`, username });
		} catch {
			client.destroy();
		}
	}

	private tunnel(
		client: net.Socket,
		reader: StreamReader,
		opened: { destination: string; username?: string },
	): void {
		const [host, port] = opened.destination.split(':');
		const upstream = net.connect(Number(port), host);
		this.track(upstream);
		upstream.once('error', () => this.refuse(client, 'destination refused', reply(REPLY.refused)));
		upstream.once('connect', () => {
			const tunnel: Socks5Tunnel = { ...opened, bytesToDestination: 0, bytesToClient: 0 };
			this.tunnels.push(tunnel);
			client.write(reply(REPLY.ok));
			const early = reader.release();
			if (early.length > 0) {
				tunnel.bytesToDestination += early.length;
				upstream.write(early);
			}
			client.on('data', (chunk: Buffer) => {
				tunnel.bytesToDestination += chunk.length;
				upstream.write(chunk);
			});
			upstream.on('data', (chunk: Buffer) => {
				tunnel.bytesToClient += chunk.length;
				client.write(chunk);
			});
			client.on('close', () => upstream.destroy());
			upstream.on('close', () => client.destroy());
		});
	}
}

/** A reply to CONNECT: the bound address is not used by clients, so 0.0.0.0:0. */
function reply(code: number): Buffer {
	return Buffer.from([VERSION, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}
