/** Named counters: message ids per box, scheduled ids per chat, pts per account or channel. */
export class Counters {
	private values = new Map<string, number>();

	next(name: string): number {
		const value = (this.values.get(name) ?? 0) + 1;
		this.values.set(name, value);
		return value;
	}

	current(name: string): number {
		return this.values.get(name) ?? 0;
	}

	reset(): void {
		this.values.clear();
	}
}
