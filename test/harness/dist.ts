// The pack's modules as n8n loaded them. dist/pack.js bundles all node code (scripts/bundle.mjs);
// `load(name)` returns one of its modules, the same instance the nodes use (client pools, stores).
// Only the modules scripts/bundle.mjs lists in REACHABLE.
import { resolve } from 'node:path';

const PACK = resolve(__dirname, '../../dist/pack.js');

/** A module of dist/pack.js by its source path without extension, typed by the caller. */
export function distModule<T>(name: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- dist/ is loaded by path, as n8n loads it
	return (require(PACK) as { load: (name: string) => unknown }).load(name) as T;
}
