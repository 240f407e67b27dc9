import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the providers' published API specs live. They are third-party files kept outside the
 * repository (never copied in): `$SPECS_DIR`, else `../shared/specs` next to the repo root.
 */
export function specsDir(): string {
	return process.env.SPECS_DIR ?? path.resolve(__dirname, '../../../shared/specs');
}

/**
 * The specs folder, or why a spec-backed test must skip (folder or file missing).
 * Use as `const specs = specsDirOrSkipReason('zulip-openapi.yaml')` then
 * `test(name, { skip: 'skip' in specs ? specs.skip : false }, ...)`.
 */
export function specsDirOrSkipReason(file?: string): { dir: string } | { skip: string } {
	const dir = specsDir();
	if (!existsSync(dir)) {
		return { skip: `provider specs folder ${dir} not found (set SPECS_DIR to the folder holding the provider specs)` };
	}
	if (file !== undefined && !existsSync(path.join(dir, file))) {
		return { skip: `provider spec ${file} not found in ${dir} (set SPECS_DIR to the folder holding it)` };
	}
	return { dir };
}
