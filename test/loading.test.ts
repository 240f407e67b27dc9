// Loading the pack (what n8n does at start: require the files of package.json's `n8n` block) must
// not load `telegram`: it is large, and only the Telegram transport needs it, on first use.
// Checked in a fresh process on every module of dist/ (the login CLI in dist/bin excepted), by the
// modules in require.cache, not by time.
// n8n 2.x loads no node file at start when the package ships the metadata its lazy loader reads
// (dist/known, dist/types: `npm run build` writes them with n8n-core's n8n-generate-metadata); it
// then requires a node's file on the node's first use. Checked: they list every node and
// credential of the `n8n` block, with the descriptions the files have now.
// What the source loads on first use (`require('./x')` in a function, where the rest imports: the
// Telegram transport behind its front door, the triggers' run-time code) must stay out of what
// requiring the node files loads. dist/pack.js bundles the node code (scripts/bundle.mjs): such a
// module is an initialiser there; built with readable names (into a temporary folder), each is
// named after its source file, and V8's coverage tells which ran.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { ICredentialType, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { sampleLoading } from '../bench/loading';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);
const loadDist = createRequire(__filename);
const readJson = <T>(file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

test('requiring every dist module does not load telegram (or ioredis)', async () => {
	const sample = await sampleLoading();
	assert.ok(sample.n8nBlockFiles.includes('pack.js'), 'is dist/ built?');
	assert.equal(sample.telegramLoaded, false, 'telegram was loaded');
	assert.deepEqual(
		sample.packages.filter((name) => name === 'telegram' || name === 'ioredis'),
		[],
		`packages loaded by dist/: ${sample.packages.join(', ')}`,
	);
});

/** Modules the source requires on first use (imports are static), as source paths. */
function lazilyRequired(): string[] {
	const sources = ['nodes', 'shared'].flatMap((folder) =>
		readdirSync(join(ROOT, folder), { recursive: true })
			.map(String)
			.filter((file) => file.endsWith('.ts'))
			.map((file) => join(folder, file)),
	);
	return sources.flatMap((file) =>
		[...readFileSync(join(ROOT, file), 'utf8').matchAll(/\brequire\('(\.{1,2}\/[^']+)'\)/g)].map(
			([, target]) => {
				const module = join(dirname(file), target);
				return existsSync(join(ROOT, `${module}.ts`)) ? `${module}.ts` : join(module, 'index.ts');
			},
		),
	);
}

test('requiring the node and credential files loads none of what is meant to load on first use', async () => {
	const lazy = lazilyRequired();
	assert.ok(
		lazy.includes('nodes/Telegram/transport/api.ts'),
		`lazy modules found: ${lazy.join(', ')}`,
	);
	const root = mkdtempSync(join(tmpdir(), 'loading-check-'));
	try {
		copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
		symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
		const env = { ...process.env, BUNDLE_DIST: join(root, 'dist'), BUNDLE_READABLE: '1' };
		await run(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { env });
		const pack = readFileSync(join(root, 'dist/pack.js'), 'utf8');
		assert.deepEqual(
			lazy.filter((file) => !pack.includes(`${JSON.stringify(file)}()`)),
			[],
			'not an initialiser of the bundle',
		);
		const { n8nBlockFiles, initialisers } = await sampleLoading({ initialisers: true, root });
		assert.ok(n8nBlockFiles.includes('nodes/Telegram/Telegram.node.js'), n8nBlockFiles.join());
		assert.ok(initialisers.length > 0, 'no initialiser of the bundle ran: is the coverage read?');
		assert.deepEqual(
			lazy.filter((file) => initialisers.includes(file)),
			[],
			'loaded by requiring the n8n block although the source requires it on first use',
		);
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
});

test("dist/ has n8n's lazy-loading metadata for every node and credential, from the current build", () => {
	const pkg = readJson<{ n8n: { nodes: string[]; credentials: string[] } }>('package.json');
	type Known = Record<string, { className: string; sourcePath: string }>;
	const knownNodes = readJson<Known>('dist/known/nodes.json');
	const knownCredentials = readJson<Known>('dist/known/credentials.json');
	const nodeTypes = readJson<INodeTypeDescription[]>('dist/types/nodes.json');
	const credentialTypes = readJson<Array<{ name: string }>>('dist/types/credentials.json');
	const classOf = (file: string) => {
		const module = loadDist(join(ROOT, file)) as Record<string, new () => unknown>;
		const [className] = file.split('/').pop()!.split('.');
		return new module[className]();
	};

	assert.deepEqual(
		Object.values(knownNodes).map((known) => known.sourcePath),
		pkg.n8n.nodes,
	);
	assert.deepEqual(
		Object.values(knownCredentials).map((known) => known.sourcePath),
		pkg.n8n.credentials,
	);
	for (const file of pkg.n8n.nodes) {
		const { description } = classOf(file) as INodeType;
		assert.equal(knownNodes[description.name]?.sourcePath, file);
		const typed = nodeTypes.find((type) => type.name === description.name);
		assert.ok(typed, `dist/types/nodes.json lacks ${description.name}: run npm run build`);
		assert.deepEqual(
			JSON.parse(JSON.stringify(typed.properties)),
			JSON.parse(JSON.stringify(description.properties)),
			`dist/types/nodes.json has other properties for ${description.name} than ${file}: run npm run build`,
		);
	}
	for (const file of pkg.n8n.credentials) {
		const { name } = classOf(file) as ICredentialType;
		assert.equal(knownCredentials[name]?.sourcePath, file);
		assert.ok(
			credentialTypes.some((type) => type.name === name),
			`dist/types lacks ${name}`,
		);
	}
});
