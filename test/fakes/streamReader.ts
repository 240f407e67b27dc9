import type { Socket } from 'node:net';

/**
 * Reads exact byte counts from a socket as they arrive (what a proxy handshake or a packet codec
 * needs), then hands the rest over for plain relaying.
 */
export class StreamReader {
	private buffered = Buffer.alloc(0);
	private waiting?: { length: number; resolve: (data: Buffer) => void; reject: (e: Error) => void };
	private ended = false;
	private readonly onData = (chunk: Buffer) => {
		this.buffered = Buffer.concat([this.buffered, chunk]);
		this.wake();
	};
	private readonly onEnd = () => {
		this.ended = true;
		this.waiting?.reject(new Error('the connection closed'));
		this.waiting = undefined;
	};

	constructor(private readonly socket: Socket) {
		socket.on('data', this.onData);
		socket.on('close', this.onEnd);
		socket.on('error', this.onEnd);
	}

	readExactly(length: number): Promise<Buffer> {
		if (this.ended && this.buffered.length < length)
			return Promise.reject(new Error('the connection closed'));
		return new Promise((resolve, reject) => {
			this.waiting = { length, resolve, reject };
			this.wake();
		});
	}

	/** Stops reading; returns what was received but not read yet. */
	release(): Buffer {
		this.socket.off('data', this.onData);
		const rest = this.buffered;
		this.buffered = Buffer.alloc(0);
		return rest;
	}

	private wake(): void {
		const waiting = this.waiting;
		if (!waiting || this.buffered.length < waiting.length) return;
		this.waiting = undefined;
		const data = this.buffered.subarray(0, waiting.length);
		this.buffered = this.buffered.subarray(waiting.length);
		waiting.resolve(data);
	}
}
