import { randomBytes } from 'node:crypto';
import type { Api } from 'telegram';
import { call, type CallOptions } from './call';
import type { TelegramSession } from './pool';

// Telegram's limits: parts of at most 512 KB; files over 10 MB go as "big" files.
const PART_SIZE = 512 * 1024;
const BIG_FILE_THRESHOLD = 10 * 1024 * 1024;
const PART_TIMEOUT_MS = 60_000;

/**
 * Uploads bytes part by part on the client's main connection (not gramjs's uploadFile, whose
 * second connection outlives the client and retries forever on its own).
 */
export async function uploadBytes(
	session: TelegramSession,
	data: Buffer,
	fileName: string,
	options: CallOptions,
): Promise<Api.TypeInputFile> {
	const { Api, readBigIntFromBuffer } = session.gram;
	const fileId = readBigIntFromBuffer(randomBytes(8), true, true);
	const parts = Math.max(1, Math.ceil(data.length / PART_SIZE));
	const big = data.length > BIG_FILE_THRESHOLD;
	for (let part = 0; part < parts; part++) {
		const bytes = data.subarray(part * PART_SIZE, (part + 1) * PART_SIZE);
		const request = big
			? new Api.upload.SaveBigFilePart({ fileId, filePart: part, fileTotalParts: parts, bytes })
			: new Api.upload.SaveFilePart({ fileId, filePart: part, bytes });
		await call(session, request, {
			...options,
			timeoutMs: PART_TIMEOUT_MS,
			doing: `uploading ${fileName} (part ${part + 1} of ${parts})`,
		});
	}
	return big
		? new Api.InputFileBig({ id: fileId, parts, name: fileName })
		: new Api.InputFile({ id: fileId, parts, name: fileName, md5Checksum: '' });
}
