import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { qrModules, renderQr } from '../../bin/qr';

// An independent decoder: zbarimg from Debian's zbar-tools (apt-get install zbar-tools).
const zbarimg = spawnSync('zbarimg', ['--version']).status === 0;
const needsZbar = {
	skip: zbarimg ? false : 'zbarimg (Debian package zbar-tools) is not installed',
};

// eslint-disable-next-line no-control-regex -- matches the terminal's ANSI colour codes
const CELL = /\x1b\[(30|97);(40|107)m\u2580/g;

/** Reads the terminal drawing back into modules: each character is a top and a bottom module. */
function modulesOfDrawing(drawing: string): boolean[][] {
	const rows: boolean[][] = [];
	for (const line of drawing.split('\n')) {
		const cells = [...line.matchAll(CELL)];
		assert.equal(
			line.replace(CELL, ''),
			'\x1b[0m',
			'a line is only half blocks, then a colour reset',
		);
		rows.push(
			cells.map((cell) => cell[1] === '30'),
			cells.map((cell) => cell[2] === '40'),
		);
	}
	return rows;
}

/** Modules as a plain PBM image (4 pixels a module, quiet zone of 4 more modules). */
function toPbm(modules: boolean[][]): string {
	const scale = 4;
	const quiet = 4;
	const size = (modules.length + quiet * 2) * scale;
	const rows: string[] = [];
	for (let y = 0; y < size; y++) {
		const row: string[] = [];
		for (let x = 0; x < size; x++)
			row.push(modules[Math.floor(y / scale) - quiet]?.[Math.floor(x / scale) - quiet] ? '1' : '0');
		rows.push(row.join(' '));
	}
	return `P1\n${size} ${size}\n${rows.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'qr-test-'));
function decode(modules: boolean[][], name: string): string {
	const file = join(dir, `${name}.pbm`);
	writeFileSync(file, toPbm(modules));
	return execFileSync('zbarimg', ['-q', '--raw', file], { stdio: ['ignore', 'pipe', 'ignore'] })
		.toString()
		.replace(/\n$/, '');
}

describe('the QR code of telegram-login --qr', () => {
	const token = Buffer.from(Array.from({ length: 32 }, (_unused, i) => (i * 37 + 11) % 256));
	const link = `tg://login?token=${token.toString('base64url')}`;

	test('the terminal drawing of a login link scans back to the same login token', needsZbar, () => {
		const scanned = decode(modulesOfDrawing(renderQr(link)), 'login');
		assert.equal(scanned, link);
		const scannedToken = Buffer.from(new URL(scanned).searchParams.get('token') ?? '', 'base64url');
		assert.deepEqual(scannedToken, token);
	});

	test('a longer text scans back too', needsZbar, () => {
		const text = `${link}&${'x'.repeat(200)}`;
		assert.equal(decode(qrModules(text), 'long'), text);
	});

	test('the drawing holds every module, two rows a line, inside a light quiet zone of 2', () => {
		const modules = qrModules(link);
		const drawn = modulesOfDrawing(renderQr(link));
		const size = modules.length + 4;
		assert.equal(drawn.length, size + (size % 2));
		for (const [y, row] of drawn.entries()) {
			assert.equal(row.length, size);
			for (const [x, dark] of row.entries())
				assert.equal(dark, modules[y - 2]?.[x - 2] === true, `module at ${x},${y}`);
		}
		// Finder pattern in the top-left corner: a dark ring around a light ring.
		assert.deepEqual(modules[0].slice(0, 7), [true, true, true, true, true, true, true]);
		assert.deepEqual(modules[1].slice(0, 7), [true, false, false, false, false, false, true]);
	});
});
