import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { qrModules, renderQr } from '../../bin/qr';

// An independent decoder: zbarimg from Debian's zbar-tools (apt-get install zbar-tools).
const zbarimg = spawnSync('zbarimg', ['--version']).status === 0;

/** The modules as a plain PBM image (4 pixels a module, quiet zone of 4). */
function toPbm(modules: boolean[][]): string {
	const scale = 4;
	const quiet = 4;
	const size = (modules.length + quiet * 2) * scale;
	const rows: string[] = [];
	for (let y = 0; y < size; y++) {
		const row: string[] = [];
		for (let x = 0; x < size; x++) row.push(modules[Math.floor(y / scale) - quiet]?.[Math.floor(x / scale) - quiet] ? '1' : '0');
		rows.push(row.join(' '));
	}
	return `P1\n${size} ${size}\n${rows.join('\n')}\n`;
}

describe('the QR code of telegram-login --qr', () => {
	const dir = mkdtempSync(join(tmpdir(), 'qr-test-'));
	const texts = [
		['a login link (version 4)', `tg://login?token=${Buffer.from(Array.from({ length: 32 }, (_unused, i) => i * 7)).toString('base64url')}`],
		['a short text (version 1)', 'hello'],
		['150 bytes (version 7: two blocks and version information)', 'x'.repeat(150)],
		['270 bytes (version 10: four blocks of two lengths)', 'y'.repeat(270)],
	];
	for (const [name, text] of texts) {
		test(`decodes back to ${name}`, { skip: zbarimg ? false : 'zbarimg (Debian package zbar-tools) is not installed' }, () => {
			const file = join(dir, `${text.length}.pbm`);
			writeFileSync(file, toPbm(qrModules(text)));
			const decoded = execFileSync('zbarimg', ['-q', '--raw', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().replace(/\n$/, '');
			assert.equal(decoded, text);
		});
	}

	test('has the sizes and finder patterns of its versions, and renders two rows per line', () => {
		assert.equal(qrModules('hello').length, 21);
		assert.equal(qrModules('x'.repeat(150)).length, 45);
		const modules = qrModules('hello');
		assert.deepEqual(modules[0].slice(0, 7), [true, true, true, true, true, true, true]);
		assert.deepEqual(modules[1].slice(0, 7), [true, false, false, false, false, false, true]);
		assert.equal(renderQr('hello').split('\n').length, Math.ceil((21 + 4) / 2));
		assert.throws(() => qrModules('z'.repeat(400)), /too many/);
	});
});
