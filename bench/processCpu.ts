// CPU time of another process over time, from /proc/<pid>/stat (utime + stime, all its threads),
// so a node's CPU can be read for the window n8n ran it in: on a shared machine wall time also
// counts the waits for a core, CPU time does not.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

/** The process's CPU so far in ms, or undefined once it is gone (or off Linux). */
function cpuMsOf(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces) in parentheses: utime is the 14th
		// field of the line, stime the 15th.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
	} catch {
		return undefined;
	}
}

export class CpuTimeline {
	private readonly samples: Array<[at: number, cpuMs: number]> = [];
	private readonly timer: NodeJS.Timeout;

	constructor(
		private readonly pid: number,
		everyMs = 10,
	) {
		this.timer = setInterval(() => this.sample(), everyMs);
		this.sample();
	}

	private sample(): void {
		const cpuMs = cpuMsOf(this.pid);
		if (cpuMs !== undefined) this.samples.push([Date.now(), cpuMs]);
	}

	stop(): void {
		clearInterval(this.timer);
	}

	/** CPU at wall-clock time `at` (epoch ms), interpolated between the nearest samples. */
	private at(at: number): number {
		const { samples } = this;
		if (samples.length === 0) return NaN;
		let low = 0;
		let high = samples.length - 1;
		if (at <= samples[low][0]) return samples[low][1];
		if (at >= samples[high][0]) return samples[high][1];
		while (high - low > 1) {
			const middle = (low + high) >> 1;
			if (samples[middle][0] <= at) low = middle;
			else high = middle;
		}
		const [t0, c0] = samples[low];
		const [t1, c1] = samples[high];
		return t1 === t0 ? c0 : c0 + ((c1 - c0) * (at - t0)) / (t1 - t0);
	}

	/** CPU the process used between two wall-clock times (epoch ms). */
	between(start: number, end: number): number {
		return this.at(end) - this.at(start);
	}
}
