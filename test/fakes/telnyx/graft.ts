/**
 * Copies a few path items (and every component they reference) from Telnyx's full spec into the
 * messaging subset, in memory. The full file is 4 MB and takes ~4 s to parse as YAML, so we cut
 * the needed blocks out of the text by indentation (the file is machine-written block YAML) and
 * parse only those: ~150 ms.
 */
import YAML from 'yaml';

type Json = Record<string, unknown>;

/** The block that starts with the line `header` (exactly) and ends before the next line indented as much or less. */
function sliceBlock(text: string, header: string, from: number, to: number): string | undefined {
	const start = text.indexOf(`\n${header}\n`, from);
	if (start < 0 || start > to) return undefined;
	const indent = header.length - header.trimStart().length;
	let end = start + header.length + 2;
	while (end < text.length) {
		const nl = text.indexOf('\n', end);
		const line = text.slice(end, nl < 0 ? text.length : nl);
		if (line.trim() !== '' && line.length - line.trimStart().length <= indent) break;
		end = nl < 0 ? text.length : nl + 1;
	}
	return text.slice(start + 1, end);
}

function collectRefs(value: unknown, into: Set<string>): void {
	if (Array.isArray(value)) {
		for (const item of value) collectRefs(item, into);
	} else if (value !== null && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			if (key === '$ref' && typeof item === 'string') into.add(item);
			else collectRefs(item, into);
		}
	}
}

/** Section bounds (`  schemas:` etc.) inside the top-level `components:` block. */
function componentSections(text: string): Map<string, [number, number]> {
	const sections = new Map<string, [number, number]>();
	const componentsAt = text.startsWith('components:\n') ? 0 : text.indexOf('\ncomponents:\n');
	if (componentsAt < 0) return sections;
	const topLevel = /\n[A-Za-z][A-Za-z0-9_-]*:/g;
	topLevel.lastIndex = componentsAt + 1;
	const componentsEnd = topLevel.exec(text)?.index ?? text.length;
	const re = /\n {2}([A-Za-z]+):\n/g;
	re.lastIndex = componentsAt;
	const starts: [string, number][] = [];
	for (let m = re.exec(text); m && m.index < componentsEnd; m = re.exec(text))
		starts.push([m[1], m.index]);
	starts.forEach(([name, at], i) =>
		sections.set(name, [at, i + 1 < starts.length ? starts[i + 1][1] : componentsEnd]),
	);
	return sections;
}

/**
 * Adds `method` of each path in `paths` from `fullText` to `doc`, plus the components they need
 * that `doc` lacks. Returns the paths actually grafted.
 */
export function graftPaths(doc: Json, fullText: string, paths: string[], method: string): string[] {
	const docPaths = doc.paths as Json;
	const components = doc.components as Record<string, Json>;
	const sections = componentSections(fullText);
	const pathsAt = fullText.indexOf('\npaths:\n');
	const pending = new Set<string>();
	const grafted: string[] = [];
	for (const p of paths) {
		const block = sliceBlock(fullText, `  ${p}:`, pathsAt, fullText.length);
		const op =
			block === undefined ? undefined : ((YAML.parse(block) as Json)[p] as Json | undefined);
		if (!op?.[method]) continue;
		docPaths[p] = { ...(docPaths[p] as Json | undefined), [method]: op[method] };
		collectRefs(op[method], pending);
		grafted.push(p);
	}
	const done = new Set<string>();
	for (const ref of pending) {
		if (done.has(ref)) continue;
		done.add(ref);
		const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
		if (!m) throw new Error(`graftPaths: unsupported $ref ${ref}`);
		const [, kind, name] = m;
		components[kind] ??= {};
		if (components[kind][name] !== undefined) continue;
		const bounds = sections.get(kind);
		const block = bounds && sliceBlock(fullText, `    ${name}:`, bounds[0], bounds[1]);
		if (!block) throw new Error(`graftPaths: ${ref} not found in the full spec`);
		const value = (YAML.parse(block) as Json)[name];
		components[kind][name] = value;
		collectRefs(value, pending); // Set iteration visits entries added during the loop
	}
	return grafted;
}
