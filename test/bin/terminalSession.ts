import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * A program run in a pseudo-terminal, typed at as a person would: wait for a prompt, type a
 * line. The pty comes from util-linux `script` (Debian's essential bsdutils package), so the
 * program sees a real terminal (raw mode, its own echo, hidden password input).
 */

// eslint-disable-next-line no-control-regex -- matches the terminal's ANSI escape codes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function shellQuote(word: string): string {
	return `'${word.replace(/'/g, `'\\''`)}'`;
}

export class TerminalSession {
	private raw = '';
	private readonly child: ChildProcessWithoutNullStreams;
	private readonly waiters = new Set<() => void>();
	private exitCode: number | null | undefined;
	/** How far the transcript has been read: each wait looks only at what came after. */
	private consumed = 0;
	readonly exited: Promise<number | null>;

	constructor(command: string[], env: NodeJS.ProcessEnv, cwd: string) {
		this.child = spawn('script', ['-qfec', command.map(shellQuote).join(' '), '/dev/null'], {
			env: { ...env, TERM: 'xterm' },
			cwd,
		});
		const collect = (chunk: string) => {
			this.raw += chunk;
			for (const wake of this.waiters) wake();
		};
		// Decoded as a stream, so a character split across two chunks stays whole.
		this.child.stdout.setEncoding('utf8');
		this.child.stderr.setEncoding('utf8');
		this.child.stdout.on('data', collect);
		this.child.stderr.on('data', collect);
		// 'close', not 'exit': 'exit' can come before the last output is read (seen under load as a
		// session string cut short, whose key the fake did not know).
		this.exited = new Promise((done) =>
			this.child.on('close', (code) => {
				this.exitCode = code;
				for (const wake of this.waiters) wake();
				done(code);
			}),
		);
	}

	/** What the screen showed so far, without terminal control sequences. */
	get transcript(): string {
		return this.raw.replace(ANSI, '').replace(/\r/g, '');
	}

	/** Resolves when what was shown since the last match matches; fails if the program ends first. */
	async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
		for (;;) {
			const unread = this.transcript.slice(this.consumed);
			const match = unread.match(pattern);
			if (match) {
				this.consumed += (match.index ?? 0) + match[0].length;
				return match;
			}
			if (this.exitCode !== undefined)
				throw new Error(
					`the program ended (code ${this.exitCode}) without showing ${pattern}:\n${this.transcript}`,
				);
			await new Promise<void>((wake) => {
				const once = () => {
					this.waiters.delete(once);
					wake();
				};
				this.waiters.add(once);
			});
		}
	}

	/** Waits for `prompt` (shown after the last match), then types `line` and Enter. */
	async answer(prompt: RegExp, line: string): Promise<void> {
		await this.waitFor(prompt);
		this.child.stdin.write(`${line}\r`);
	}

	kill() {
		this.child.kill();
	}
}
