import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The providers' published API specs are third-party files kept outside the repository (never
 * copied in): `$SPECS_DIR`, else `../shared/specs` next to the repo root. The fakes model each
 * provider on their own; when the specs are there, every request is also checked against them.
 * Under CI the specs are required, so a CI run can never quietly lose that layer.
 */

export const ZULIP_SPEC_FILE = 'zulip-openapi.yaml';
export const TELNYX_SPEC_FILE = 'telnyx-messaging-subset.yml';

const DEFAULT_DIR = path.resolve(__dirname, '../../../shared/specs');

export function specsDir(): string {
	return process.env.SPECS_DIR || DEFAULT_DIR;
}

/** Whether this run is a CI run (CI=true, as CI services set it; CI=false or 0 is not). */
export function isCi(): boolean {
	const ci = (process.env.CI ?? '').trim().toLowerCase();
	return ci !== '' && ci !== 'false' && ci !== '0';
}

/** A spec file that is not where it was looked for; the message says where and how to fix it. */
export class MissingSpecsError extends Error {
	constructor(
		readonly file: string,
		readonly dir: string,
	) {
		const where = process.env.SPECS_DIR
			? `SPECS_DIR=${process.env.SPECS_DIR}`
			: `the default ${DEFAULT_DIR} (../shared/specs next to the repo root)`;
		const what = existsSync(dir)
			? `provider spec ${file} not found in ${dir}`
			: `provider specs folder ${dir} not found`;
		super(
			`${what} (looked in ${where}). Set SPECS_DIR to the folder holding ${ZULIP_SPEC_FILE} and ${TELNYX_SPEC_FILE} ` +
				`(Zulip's and Telnyx's published OpenAPI files)${isCi() ? '; under CI=true they are required' : ''}.`,
		);
		this.name = 'MissingSpecsError';
	}
}

/** The folder holding `file`, or the error saying where it was looked for. */
export function findSpec(file: string): { dir: string } | { missing: MissingSpecsError } {
	const dir = specsDir();
	return existsSync(path.join(dir, file)) ? { dir } : { missing: new MissingSpecsError(file, dir) };
}

/**
 * For a fake's optional spec layer: the folder holding `file`, or undefined when it is absent
 * (the fake then runs on its own model). Under CI an absent spec throws instead.
 */
export function optionalSpecsDir(file: string): string | undefined {
	const found = findSpec(file);
	if ('dir' in found) return found.dir;
	if (isCi()) throw found.missing;
	return undefined;
}

/** A fake's `specsDir` option: a folder to use, `false` for the model alone, undefined for the default. */
export function specLayerDir(option: string | false | undefined, file: string): string | undefined {
	return option === undefined ? optionalSpecsDir(file) : option || undefined;
}

/** For a test that checks something against the spec itself: the folder, or MissingSpecsError. */
export function requiredSpecsDir(file: string): string {
	const found = findSpec(file);
	if ('missing' in found) throw found.missing;
	return found.dir;
}

/**
 * `{ skip }` for a spec-specific test: the reason when the spec is absent, false when present.
 * Under CI it never skips: the test then calls `requiredSpecsDir` and fails saying what is missing.
 */
export function specTestSkip(file: string): string | false {
	const found = findSpec(file);
	if ('dir' in found || isCi()) return false;
	return `needs the provider's OpenAPI file: ${found.missing.message}`;
}
