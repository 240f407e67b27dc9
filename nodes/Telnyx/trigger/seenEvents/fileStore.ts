import { mkdir, readdir, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { settle } from '../../../../shared/errors';
import { REMEMBER_MS, safePart, scopeParts, type Claim, type SeenEventStore } from './types';

/**
 * Seen event ids as empty files, one per id, under
 * <root>/<workflow>/<node>/<UTC day the event occurred>/<event id>. Creating the file with O_EXCL
 * is the claim: of concurrent deliveries (in this or another n8n process on the machine) exactly
 * one creates it. Every delivery of an event carries the same `occurred_at`, so they all meet in
 * the same day folder; whole day folders are removed once nothing was added for REMEMBER_MS.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY_NAME = /^\d{4}-\d{2}-\d{2}$/;
/** Old day folders are looked for at most this often per process. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** The day folder of an event: when it occurred (the same on every retry), else today. */
export function dayOf(occurredAt: string | undefined, nowMs: number): string {
	const when = occurredAt === undefined ? Number.NaN : Date.parse(occurredAt);
	return new Date(Number.isFinite(when) ? when : nowMs).toISOString().slice(0, 10);
}

export interface DayFolder {
	day: string;
	/** When an id was last added (the folder's mtime). */
	lastAddedMs: number;
}

/**
 * Day folders that may go: their day ended and nothing was added to them for REMEMBER_MS, so
 * every id in them was first seen more than REMEMBER_MS ago.
 */
export function expiredDays(folders: DayFolder[], nowMs: number): string[] {
	return folders
		.filter(({ day, lastAddedMs }) => {
			const dayEnd = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
			return dayEnd + REMEMBER_MS <= nowMs && lastAddedMs + REMEMBER_MS <= nowMs;
		})
		.map(({ day }) => day);
}

export class FileSeenEventStore implements SeenEventStore {
	private lastPruneMs = Number.NEGATIVE_INFINITY;

	constructor(
		private readonly root: string,
		private readonly now: () => number = Date.now,
	) {}

	get location(): string {
		return this.root;
	}

	async claim(
		scope: Parameters<SeenEventStore['claim']>[0],
		eventId: string,
		occurredAt: string | undefined,
	): Promise<Claim> {
		const nowMs = this.now();
		const { folder, file } = this.pathOf(scope, eventId, occurredAt, nowMs);
		// Twice: a prune in another process may remove the day folder between mkdir and create.
		for (let attempt = 0; ; attempt++) {
			await mkdir(folder, { recursive: true, mode: 0o700 });
			const created = await settle(writeFile(file, '', { flag: 'wx', mode: 0o600 }));
			if (created.ok) break;
			const code = errorCode(created.error);
			if (code === 'EEXIST') return 'duplicate';
			if (code !== 'ENOENT' || attempt > 0) throw created.error;
		}
		if (nowMs - this.lastPruneMs >= PRUNE_EVERY_MS) {
			this.lastPruneMs = nowMs;
			await this.prune(nowMs);
		}
		return 'first';
	}

	async release(
		scope: Parameters<SeenEventStore['claim']>[0],
		eventId: string,
		occurredAt: string | undefined,
	): Promise<void> {
		await unlink(this.pathOf(scope, eventId, occurredAt, this.now()).file).catch(() => undefined);
	}

	private pathOf(
		scope: Parameters<SeenEventStore['claim']>[0],
		eventId: string,
		occurredAt: string | undefined,
		nowMs: number,
	): { folder: string; file: string } {
		const folder = join(this.root, ...scopeParts(scope), dayOf(occurredAt, nowMs));
		return { folder, file: join(folder, safePart(eventId)) };
	}

	/** Removes expired day folders of every trigger, then trigger folders left empty. */
	async prune(nowMs = this.now()): Promise<string[]> {
		const removed: string[] = [];
		for (const workflow of await subfolders(this.root)) {
			for (const node of await subfolders(workflow)) {
				const days: DayFolder[] = [];
				for (const path of await subfolders(node)) {
					const day = path.slice(node.length + 1);
					if (!DAY_NAME.test(day)) continue;
					const info = await stat(path).catch(() => undefined);
					if (info) days.push({ day, lastAddedMs: info.mtimeMs });
				}
				for (const day of expiredDays(days, nowMs)) {
					await rm(join(node, day), { recursive: true, force: true });
					removed.push(join(node, day));
				}
				await rmdir(node).catch(() => undefined);
			}
			await rmdir(workflow).catch(() => undefined);
		}
		return removed;
	}
}

async function subfolders(folder: string): Promise<string[]> {
	const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
		if (errorCode(error) === 'ENOENT') return [];
		throw error;
	});
	return entries.filter((entry) => entry.isDirectory()).map((entry) => join(folder, entry.name));
}
