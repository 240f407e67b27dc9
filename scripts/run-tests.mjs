// `npm test` (after `pretest`: build + lint): typecheck the tests, then run every test/**/*.test.ts
// with node's own test runner (tsx compiles TypeScript on the fly), then the fault matrix.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
		return entry.name.endsWith('.test.ts') ? [path] : [];
	});
}

function run(command, args) {
	const result = spawnSync(command, args, { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const only = process.argv.slice(2);
run('npx', ['tsc', '-p', 'tsconfig.test.json']);
const files = only.length > 0 ? only : findTests('test').sort();
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
// The whole suite ends with the fault matrix (test/faults, also `npm run faults`).
if (only.length === 0) run(process.execPath, ['--import', 'tsx', 'test/faults/run.ts']);
