// Writes dist/'s JavaScript with esbuild (tsc only type-checks). Most of what loading ~170 small
// modules cost was Node's work per file (resolving, reading, compiling), not our code. So:
// - dist/pack.js: all node code (nodes/, shared/) in one CommonJS bundle, minified (V8 parses
//   ~300 KB instead of ~440 KB: about a fifth less CPU to load), with a source map
//   (`node --enable-source-maps`, or n8n's source-map-support, for source lines and names).
//   Names are not kept (`keepNames` adds a call per function and class at load: 3-8 ms of the
//   ~25-35): our error classes set `name` themselves, and nothing reads a function's `.name`. Each node file of package.json's `n8n` block
//   is a one-line file taking its class from it, where the `n8n` block and dist/known say.
//   What the source requires on first use (`require('./x')` in a function: the Telegram
//   transport behind its front door, the triggers' run-time code) stays lazy: esbuild makes such a
//   module an initialiser run on that first call, and `telegram` is required inside it.
//   One bundle, so every module's state (client pools, stores) exists once.
// - the credential files (all n8n 2.x requires at start) import only types: each is its own file.
// - dist/bin/cli.js, the login CLI (n8n never loads it), is its own bundle.
// Packages stay external (`telegram`, `ioredis`, `luxon`, `qrcode`, `n8n-workflow`): npm installs them.
// BUNDLE_DIST=<folder> writes there instead of dist/; BUNDLE_READABLE=1 keeps identifiers, so that
// each lazily loaded module's initialiser is named after its source file (test/loading.test.ts).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = process.env.BUNDLE_DIST ? resolve(process.env.BUNDLE_DIST) : join(ROOT, 'dist');
const PACK = join(DIST, 'pack.js');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/**
 * Modules that tests reach as n8n loaded them (the same instances the nodes use), through
 * `require('dist/pack.js').load(name)`. All are loaded on first use anyway, so listing them here
 * changes nothing for the nodes.
 */
const REACHABLE = [
	'nodes/Telegram/transport/index',
	'nodes/Telegram/transport/api',
	'nodes/Telegram/transport/account',
	'nodes/Telegram/transport/keepAlive',
	'nodes/Telegram/transport/peers',
	'nodes/Telegram/transport/pool',
	'nodes/Telegram/transport/secret/chatStore',
	'nodes/Telnyx/trigger/seenEvents/index',
];

const common = {
	absWorkingDir: ROOT,
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	packages: 'external',
	// `import('telegram')` as a require() in a promise, as tsc wrote it: one CommonJS instance.
	supported: { 'dynamic-import': false },
	minifyWhitespace: true,
	minifySyntax: true,
	minifyIdentifiers: process.env.BUNDLE_READABLE !== '1',
	sourcemap: true,
	sourcesContent: false,
	logLevel: 'warning',
};

/** 'dist/nodes/Zulip/Zulip.node.js' -> { name: 'nodes/Zulip/Zulip.node', className: 'Zulip' } */
const entryOf = (file) => {
	const name = file.replace(/^dist\//, '').replace(/\.js$/, '');
	return { name, className: name.split('/').pop().split('.')[0] };
};
const nodes = pkg.n8n.nodes.map(entryOf);

// The node classes are static exports: esbuild then inlines their modules (no initialiser each).
const entry = [
	...nodes.map(({ name, className }) => `export { ${className} } from './${name}';`),
	'const reachable = {',
	...REACHABLE.map((name) => `\t${JSON.stringify(name)}: () => require('./${name}'),`),
	'};',
	'export const load = (name) => {',
	'\tif (!Object.hasOwn(reachable, name)) throw new Error(`dist/pack.js: ${name} is not in REACHABLE`);',
	'\treturn reachable[name]();',
	'};',
].join('\n');

await build({
	...common,
	stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'pack-entry.js', loader: 'js' },
	outfile: PACK,
});

for (const { name, className } of nodes) {
	const file = join(DIST, `${name}.js`);
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(
		file,
		`// Written by scripts/bundle.mjs: the node's class, from the pack's one bundle.\nmodule.exports = { ${className}: require('${relative(dirname(file), PACK)}').${className} };\n`,
	);
}

await build({
	...common,
	entryPoints: [...pkg.n8n.credentials.map((file) => `${entryOf(file).name}.ts`), 'bin/cli.ts'],
	outdir: DIST,
	outbase: ROOT,
});
