// Loading the pack (what n8n does at start: require the files of package.json's `n8n` block) must
// not load `telegram`: it is large, and only the Telegram transport needs it, on first use.
// Checked in a fresh process on every module of dist/ (the login CLI in dist/bin excepted), by the
// modules in require.cache, not by time.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { sampleLoading } from '../bench/loading';

test('requiring every dist module does not load telegram (or ioredis)', async () => {
	const sample = await sampleLoading();
	assert.ok(sample.allDist.modules > 50, `only ${sample.allDist.modules} modules: is dist/ built?`);
	assert.equal(sample.telegramLoaded, false, 'telegram was loaded');
	assert.deepEqual(
		sample.packages.filter((name) => name === 'telegram' || name === 'ioredis'),
		[],
		`packages loaded by dist/: ${sample.packages.join(', ')}`,
	);
});
