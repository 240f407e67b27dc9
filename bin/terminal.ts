import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** Echo goes through this, so a secret being typed can be kept off the screen. */
class MutableOutput extends Writable {
	muted = false;

	get columns() {
		return process.stdout.columns;
	}

	_write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
		if (!this.muted) process.stdout.write(chunk);
		done();
	}
}

/** Questions and answers at the terminal (node:readline); secrets are not echoed. */
export class Terminal {
	private readonly output = new MutableOutput();
	private readonly lines: Interface;
	private closed = false;

	constructor() {
		this.lines = createInterface({
			input: process.stdin,
			output: this.output,
			terminal: process.stdin.isTTY === true,
		});
		this.lines.on('close', () => {
			this.closed = true;
		});
	}

	say(text = '') {
		process.stdout.write(`${text}\n`);
	}

	async ask(question: string): Promise<string> {
		if (this.closed) throw new Error('the input ended before the login was done');
		const answer = await new Promise<string>((resolve, reject) => {
			const onClose = () => reject(new Error('the input ended before the login was done'));
			this.lines.once('close', onClose);
			this.lines.question(question, (text) => {
				this.lines.off('close', onClose);
				resolve(text);
			});
		});
		return answer.trim();
	}

	/** Asks without showing what is typed (when the input is a terminal). */
	async askSecret(question: string): Promise<string> {
		process.stdout.write(question);
		this.output.muted = true;
		try {
			return await this.ask('');
		} finally {
			this.output.muted = false;
			process.stdout.write('\n');
		}
	}

	close() {
		this.lines.close();
	}
}
