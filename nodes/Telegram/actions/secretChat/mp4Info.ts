/**
 * Duration and frame size of an MP4 (ISO BMFF) video, from its moov box: mvhd's duration over its
 * timescale, and the first track with a frame (tkhd width and height, 16.16 fixed point). What a
 * secret video's attributes carry; undefined for anything that is no MP4 with a moov box.
 */
export interface Mp4Info {
	duration: number;
	width: number;
	height: number;
}

interface Box {
	type: string;
	start: number;
	end: number;
}

function* boxes(bytes: Buffer, start: number, end: number): Generator<Box> {
	let offset = start;
	while (offset + 8 <= end) {
		let size = bytes.readUInt32BE(offset);
		let header = 8;
		if (size === 1) {
			if (offset + 16 > end) return;
			size = Number(bytes.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) size = end - offset;
		if (size < header || offset + size > end) return;
		yield {
			type: bytes.toString('latin1', offset + 4, offset + 8),
			start: offset + header,
			end: offset + size,
		};
		offset += size;
	}
}

const child = (bytes: Buffer, parent: Box, type: string) =>
	[...boxes(bytes, parent.start, parent.end)].filter((box) => box.type === type);

function durationOf(bytes: Buffer, mvhd: Box): number | undefined {
	const v1 = bytes[mvhd.start] === 1;
	const [at, length] = v1 ? [20, 32] : [12, 20];
	if (mvhd.start + length > mvhd.end) return undefined;
	const timescale = bytes.readUInt32BE(mvhd.start + at);
	const duration = v1
		? Number(bytes.readBigUInt64BE(mvhd.start + at + 4))
		: bytes.readUInt32BE(mvhd.start + at + 4);
	return timescale > 0 ? Math.round(duration / timescale) : undefined;
}

function frameOf(bytes: Buffer, tkhd: Box): { width: number; height: number } | undefined {
	const at = tkhd.start + (bytes[tkhd.start] === 1 ? 88 : 76);
	if (at + 8 > tkhd.end) return undefined;
	// 16.16 fixed point: the whole pixels are the upper half.
	const [width, height] = [bytes.readUInt16BE(at), bytes.readUInt16BE(at + 4)];
	return width > 0 && height > 0 ? { width, height } : undefined;
}

export function mp4InfoOf(bytes: Buffer): Mp4Info | undefined {
	const top = [...boxes(bytes, 0, bytes.length)];
	if (top[0]?.type !== 'ftyp') return undefined;
	const moov = top.find((box) => box.type === 'moov');
	const mvhd = moov && child(bytes, moov, 'mvhd')[0];
	const duration = mvhd && durationOf(bytes, mvhd);
	if (!moov || duration === undefined) return undefined;
	for (const trak of child(bytes, moov, 'trak')) {
		const tkhd = child(bytes, trak, 'tkhd')[0];
		const frame = tkhd && frameOf(bytes, tkhd);
		if (frame) return { duration, ...frame };
	}
	return undefined;
}
