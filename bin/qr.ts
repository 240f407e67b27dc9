import { create } from 'qrcode';

/** The QR code of `text` as rows of modules (true = dark), without the quiet zone. */
export function qrModules(text: string): boolean[][] {
	// Level L: the smallest code, which matters when it is drawn with text characters.
	const { modules } = create(text, { errorCorrectionLevel: 'L' });
	return Array.from({ length: modules.size }, (_row, y) =>
		Array.from({ length: modules.size }, (_column, x) => Boolean(modules.get(y, x))),
	);
}

/**
 * The QR code for a terminal: two module rows per text line, quiet zone of 2. Colours are set
 * explicitly (black on white), so it scans on dark and light terminal themes alike.
 */
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
