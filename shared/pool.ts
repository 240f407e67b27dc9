/**
 * Runs `task` for indexes 0..count-1 with at most `limit` running at once, in index order.
 * Once `shouldStop()` turns true no new index starts; the running ones finish. Returns the
 * indexes that never started.
 */
export async function runBounded(
	count: number,
	limit: number,
	task: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<number[]> {
	let next = 0;
	const worker = async () => {
		while (next < count && !shouldStop()) {
			const index = next++;
			await task(index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker);
	await Promise.all(workers);
	const skipped: number[] = [];
	for (let index = next; index < count; index++) skipped.push(index);
	return skipped;
}

/** Spaces the starts of requests so that at most `perSecond` begin in any second. */
export class StartRateCap {
	private nextStart = 0;

	constructor(
		private readonly perSecond: number,
		private readonly sleep: (ms: number) => Promise<void>,
		private readonly now: () => number = Date.now,
	) {}

	async take(): Promise<void> {
		if (!(this.perSecond > 0)) return;
		const gap = 1000 / this.perSecond;
		const current = this.now();
		const start = Math.max(current, this.nextStart);
		this.nextStart = start + gap;
		if (start > current) await this.sleep(start - current);
	}
}
