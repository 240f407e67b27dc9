// A short reading of a V8 .cpuprofile (node --cpu-prof): self time by function, overall and for
// this pack's own code, so per-item costs in our nodes show without opening a profiler.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export interface TimeRow {
	function: string;
	where: string;
	ms: number;
}

const shortUrl = (url: string) =>
	url
		.replace(/^file:\/\//, '')
		.replace(/.*\/node_modules\//, '')
		.replace(/.*\/n8n-nodes-scheduled-messaging\//, 'pack:');

/**
 * Time per function over every profile in `dir`, the `top` largest, for functions whose URL passes
 * `filter`: `self` counts the samples a function was running in, `total` those it was on the stack
 * for (its callees included, each sample once per function).
 */
export function profileTimes(
	dir: string,
	mode: 'self' | 'total',
	top: number,
	filter: (url: string) => boolean = () => true,
): TimeRow[] {
	const rows = new Map<string, TimeRow>();
	for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
		const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
		const byId = new Map(profile.nodes.map((node) => [node.id, node]));
		const parentOf = new Map<number, number>();
		for (const node of profile.nodes)
			for (const child of node.children ?? []) parentOf.set(child, node.id);
		for (const [index, sampled] of profile.samples.entries()) {
			const ms = (profile.timeDeltas[index] ?? 0) / 1000;
			const seen = new Set<string>();
			for (let id: number | undefined = sampled; id !== undefined; id = parentOf.get(id)) {
				const frame = byId.get(id)?.callFrame;
				if (frame && filter(frame.url)) {
					const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
					const key = `${frame.functionName}@${where}`;
					if (!seen.has(key)) {
						seen.add(key);
						const row = rows.get(key) ?? {
							function: frame.functionName || '(anonymous)',
							where,
							ms: 0,
						};
						row.ms += ms;
						rows.set(key, row);
					}
				}
				if (mode === 'self') break;
			}
		}
	}
	return [...rows.values()]
		.sort((a, b) => b.ms - a.ms)
		.slice(0, top)
		.map((row) => ({ ...row, ms: Math.round(row.ms) }));
}
