import path from 'node:path';
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

/** A file fetched from a URL, to upload as a chosen kind. */
export interface DownloadedFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

const DOWNLOAD_TIMEOUT_MS = 120_000;
// Telegram takes uploads of up to 2 GB; a workflow file held in memory is kept far below that.
const DOWNLOAD_MAX_BYTES = 512 * 1024 * 1024;

/** Thrown when a URL cannot be fetched; operations turn it into an error on that item's URL. */
export class DownloadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DownloadError';
	}
}

/**
 * Fetches a URL through n8n's HTTP helper (its proxy settings and the execution's cancel signal
 * apply). Telegram has no "video from URL": the node fetches such items and uploads them itself.
 */
export async function downloadFile(
	context: IExecuteFunctions,
	url: string,
	fallbackMimeType: string,
): Promise<DownloadedFile> {
	const response = (await context.helpers
		.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: DOWNLOAD_TIMEOUT_MS,
		})
		.catch((error: unknown) => {
			throw new DownloadError(error instanceof Error ? error.message : String(error));
		})) as IN8nHttpFullResponse;
	if (response.statusCode < 200 || response.statusCode > 299)
		throw new DownloadError(`the server answered HTTP ${response.statusCode}`);
	const data = Buffer.from(response.body as ArrayBuffer);
	if (data.length === 0) throw new DownloadError('the server answered an empty file');
	if (data.length > DOWNLOAD_MAX_BYTES)
		throw new DownloadError(`the file is larger than ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB`);
	const contentType = String(response.headers['content-type'] ?? '')
		.split(';')[0]
		.trim();
	const fileName = path.posix.basename(new URL(url).pathname) || 'file';
	return {
		data,
		fileName,
		mimeType:
			contentType && contentType !== 'application/octet-stream' ? contentType : fallbackMimeType,
	};
}
