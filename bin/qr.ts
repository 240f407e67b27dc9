/**
 * A small QR code encoder (byte mode, error correction level L, versions 1-10: up to 271 bytes)
 * for showing a tg://login link in a terminal. Follows ISO/IEC 18004; mask chosen by the
 * standard's penalty rules 1, 2 and 4.
 */

const ECC_PER_BLOCK = [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18];
const BLOCKS = [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4];
const FORMAT_LEVEL_L = 1;

function rawDataModules(version: number): number {
	let result = (16 * version + 128) * version + 64;
	if (version >= 2) {
		const align = Math.floor(version / 7) + 2;
		result -= (25 * align - 10) * align - 55;
		if (version >= 7) result -= 36;
	}
	return result;
}

function dataCodewords(version: number): number {
	return Math.floor(rawDataModules(version) / 8) - ECC_PER_BLOCK[version] * BLOCKS[version];
}

function gfMultiply(x: number, y: number): number {
	let z = 0;
	for (let i = 7; i >= 0; i--) {
		z = (z << 1) ^ ((z >>> 7) * 0x11d);
		z ^= ((y >>> i) & 1) * x;
	}
	return z & 0xff;
}

function rsDivisor(degree: number): number[] {
	const result = new Array<number>(degree).fill(0);
	result[degree - 1] = 1;
	let root = 1;
	for (let i = 0; i < degree; i++) {
		for (let j = 0; j < result.length; j++) {
			result[j] = gfMultiply(result[j], root);
			if (j + 1 < result.length) result[j] ^= result[j + 1];
		}
		root = gfMultiply(root, 0x02);
	}
	return result;
}

function rsRemainder(data: number[], divisor: number[]): number[] {
	const result = new Array<number>(divisor.length).fill(0);
	for (const byte of data) {
		const factor = byte ^ (result.shift() as number);
		result.push(0);
		divisor.forEach((coefficient, i) => (result[i] ^= gfMultiply(coefficient, factor)));
	}
	return result;
}

function encodeData(bytes: Buffer, version: number): number[] {
	const bits: number[] = [];
	const push = (value: number, length: number) => {
		for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
	};
	push(0b0100, 4);
	push(bytes.length, version <= 9 ? 8 : 16);
	for (const byte of bytes) push(byte, 8);
	const capacity = dataCodewords(version) * 8;
	push(0, Math.min(4, capacity - bits.length));
	push(0, (8 - (bits.length % 8)) % 8);
	const codewords: number[] = [];
	for (let i = 0; i < bits.length; i += 8) codewords.push(parseInt(bits.slice(i, i + 8).join(''), 2));
	for (let pad = 0xec; codewords.length < capacity / 8; pad ^= 0xec ^ 0x11) codewords.push(pad);
	return codewords;
}

function withErrorCorrection(data: number[], version: number): number[] {
	const blocks = BLOCKS[version];
	const eccLength = ECC_PER_BLOCK[version];
	const raw = Math.floor(rawDataModules(version) / 8);
	const shortBlocks = blocks - (raw % blocks);
	const shortLength = Math.floor(raw / blocks);
	const divisor = rsDivisor(eccLength);
	const all: number[][] = [];
	for (let i = 0, k = 0; i < blocks; i++) {
		const part = data.slice(k, k + shortLength - eccLength + (i < shortBlocks ? 0 : 1));
		k += part.length;
		const ecc = rsRemainder(part, divisor);
		if (i < shortBlocks) part.push(0);
		all.push([...part, ...ecc]);
	}
	const result: number[] = [];
	for (let i = 0; i < all[0].length; i++) {
		all.forEach((block, j) => {
			if (i !== shortLength - eccLength || j >= shortBlocks) result.push(block[i]);
		});
	}
	return result;
}

class Matrix {
	readonly size: number;
	readonly dark: boolean[][];
	readonly reserved: boolean[][];

	constructor(readonly version: number) {
		this.size = version * 4 + 17;
		this.dark = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
		this.reserved = Array.from({ length: this.size }, () => new Array<boolean>(this.size).fill(false));
	}

	set(x: number, y: number, dark: boolean) {
		this.dark[y][x] = dark;
		this.reserved[y][x] = true;
	}

	drawFunctionPatterns() {
		const { size } = this;
		for (let i = 0; i < size; i++) {
			this.set(6, i, i % 2 === 0);
			this.set(i, 6, i % 2 === 0);
		}
		for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
			for (let dy = -4; dy <= 4; dy++) {
				for (let dx = -4; dx <= 4; dx++) {
					const x = cx + dx;
					const y = cy + dy;
					const distance = Math.max(Math.abs(dx), Math.abs(dy));
					if (x >= 0 && x < size && y >= 0 && y < size) this.set(x, y, distance !== 2 && distance !== 4);
				}
			}
		}
		const positions = this.alignmentPositions();
		const last = positions.length - 1;
		positions.forEach((cx, i) =>
			positions.forEach((cy, j) => {
				if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
				for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
			}),
		);
		this.drawFormat(0);
		this.drawVersion();
	}

	private alignmentPositions(): number[] {
		if (this.version === 1) return [];
		const count = Math.floor(this.version / 7) + 2;
		const step = Math.ceil((this.version * 4 + 4) / (count * 2 - 2)) * 2;
		const result = [6];
		for (let position = this.size - 7; result.length < count; position -= step) result.splice(1, 0, position);
		return result;
	}

	drawFormat(mask: number) {
		const data = (FORMAT_LEVEL_L << 3) | mask;
		let remainder = data;
		for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
		const bits = ((data << 10) | remainder) ^ 0x5412;
		const bit = (i: number) => ((bits >>> i) & 1) !== 0;
		const { size } = this;
		for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
		this.set(8, 7, bit(6));
		this.set(8, 8, bit(7));
		this.set(7, 8, bit(8));
		for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
		for (let i = 0; i < 8; i++) this.set(size - 1 - i, 8, bit(i));
		for (let i = 8; i < 15; i++) this.set(8, size - 15 + i, bit(i));
		this.set(8, size - 8, true);
	}

	private drawVersion() {
		if (this.version < 7) return;
		let remainder = this.version;
		for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
		const bits = (this.version << 12) | remainder;
		for (let i = 0; i < 18; i++) {
			const dark = ((bits >>> i) & 1) !== 0;
			const a = this.size - 11 + (i % 3);
			const b = Math.floor(i / 3);
			this.set(a, b, dark);
			this.set(b, a, dark);
		}
	}

	drawCodewords(codewords: number[]) {
		let i = 0;
		for (let right = this.size - 1; right >= 1; right -= 2) {
			if (right === 6) right = 5;
			for (let vertical = 0; vertical < this.size; vertical++) {
				for (let j = 0; j < 2; j++) {
					const x = right - j;
					const upward = ((right + 1) & 2) === 0;
					const y = upward ? this.size - 1 - vertical : vertical;
					if (this.reserved[y][x] || i >= codewords.length * 8) continue;
					this.dark[y][x] = ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) !== 0;
					i++;
				}
			}
		}
	}

	applyMask(mask: number) {
		for (let y = 0; y < this.size; y++) {
			for (let x = 0; x < this.size; x++) {
				if (!this.reserved[y][x] && MASKS[mask](x, y)) this.dark[y][x] = !this.dark[y][x];
			}
		}
	}

	penalty(): number {
		const { size, dark } = this;
		let score = 0;
		const runs = (line: boolean[]) => {
			let run = 1;
			for (let i = 1; i <= line.length; i++) {
				if (i < line.length && line[i] === line[i - 1]) run++;
				else {
					if (run >= 5) score += run - 2;
					run = 1;
				}
			}
		};
		for (let i = 0; i < size; i++) {
			runs(dark[i]);
			runs(dark.map((row) => row[i]));
		}
		for (let y = 0; y < size - 1; y++) {
			for (let x = 0; x < size - 1; x++) {
				const colour = dark[y][x];
				if (colour === dark[y][x + 1] && colour === dark[y + 1][x] && colour === dark[y + 1][x + 1]) score += 3;
			}
		}
		const darkCount = dark.flat().filter(Boolean).length;
		score += Math.floor(Math.abs(darkCount * 20 - size * size * 10) / (size * size)) * 10;
		return score;
	}
}

const MASKS: Array<(x: number, y: number) => boolean> = [
	(x, y) => (x + y) % 2 === 0,
	(_x, y) => y % 2 === 0,
	(x) => x % 3 === 0,
	(x, y) => (x + y) % 3 === 0,
	(x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
	(x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
	(x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
	(x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** The QR code of `text` as rows of modules (true = dark), without the quiet zone. */
export function qrModules(text: string): boolean[][] {
	const bytes = Buffer.from(text, 'utf8');
	const version = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((candidate) => dataCodewords(candidate) * 8 >= 4 + (candidate <= 9 ? 8 : 16) + bytes.length * 8);
	if (!version) throw new Error(`${bytes.length} bytes are too many for this QR encoder`);
	const codewords = withErrorCorrection(encodeData(bytes, version), version);
	let best: Matrix | undefined;
	let bestPenalty = Infinity;
	for (let mask = 0; mask < 8; mask++) {
		const matrix = new Matrix(version);
		matrix.drawFunctionPatterns();
		matrix.drawCodewords(codewords);
		matrix.applyMask(mask);
		matrix.drawFormat(mask);
		const penalty = matrix.penalty();
		if (penalty < bestPenalty) {
			best = matrix;
			bestPenalty = penalty;
		}
	}
	return (best as Matrix).dark;
}

/** The QR code for a terminal: two module rows per text line, black on white, quiet zone of 2. */
export function renderQr(text: string): string {
	const modules = qrModules(text);
	const quiet = 2;
	const size = modules.length + quiet * 2;
	const isDark = (x: number, y: number) => modules[y - quiet]?.[x - quiet] === true;
	const lines: string[] = [];
	for (let y = 0; y < size; y += 2) {
		let line = '';
		for (let x = 0; x < size; x++) {
			const top = isDark(x, y);
			const bottom = y + 1 < size && isDark(x, y + 1);
			// Upper half block: foreground paints the top module, background the bottom one.
			line += `\x1b[${top ? 30 : 97};${bottom ? 40 : 107}m\u2580`;
		}
		lines.push(`${line}\x1b[0m`);
	}
	return lines.join('\n');
}
