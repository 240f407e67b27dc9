/** Opus counts granules at 48 kHz whatever the input rate (RFC 7845). */
const GRANULES_A_SECOND = 48_000;
const END_OF_STREAM = 0x04;

/**
 * Seconds an Ogg Opus recording (a voice message as Telegram's apps record one) plays: the last
 * page's granule position less the pre-skip in OpusHead. Undefined for anything else.
 */
export function oggOpusSeconds(bytes: Buffer): number | undefined {
	if (bytes.length < 28 || bytes.toString('latin1', 0, 4) !== 'OggS') return undefined;
	const headAt = 27 + bytes[26];
	if (headAt + 12 > bytes.length || bytes.toString('latin1', headAt, headAt + 8) !== 'OpusHead')
		return undefined;
	const preSkip = bytes.readUInt16LE(headAt + 10);
	const last = bytes.lastIndexOf('OggS');
	// The last page ends the stream; a match inside the audio data would not say so.
	if (
		last < 0 ||
		last + 14 > bytes.length ||
		bytes[last + 4] !== 0 ||
		!(bytes[last + 5] & END_OF_STREAM)
	)
		return undefined;
	const granules = bytes.readBigInt64LE(last + 6) - BigInt(preSkip);
	return granules > 0n ? Math.round(Number(granules) / GRANULES_A_SECOND) : undefined;
}
