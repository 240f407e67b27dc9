import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import {
	findSpec,
	isCi,
	MissingSpecsError,
	optionalSpecsDir,
	requiredSpecsDir,
	specTestSkip,
	TELNYX_SPEC_FILE,
	ZULIP_SPEC_FILE,
} from './specs';
import { TelnyxFake } from './telnyx/server';
import { ZulipFake } from './zulip/server';

/** Runs `body` with CI and SPECS_DIR set as given (undefined: unset), then puts them back. */
async function withEnv<T>(
	env: { CI?: string; SPECS_DIR?: string },
	body: () => T | Promise<T>,
): Promise<T> {
	const saved = { CI: process.env.CI, SPECS_DIR: process.env.SPECS_DIR };
	const apply = (values: typeof env) => {
		for (const key of ['CI', 'SPECS_DIR'] as const) {
			if (values[key] === undefined) delete process.env[key];
			else process.env[key] = values[key];
		}
	};
	apply(env);
	try {
		return await body();
	} finally {
		apply(saved);
	}
}

// The run-level check: under CI this is the one named failure to read first when the specs are absent.
test(
	"this run has the providers' OpenAPI files (required under CI=true)",
	{ skip: specTestSkip(ZULIP_SPEC_FILE) || specTestSkip(TELNYX_SPEC_FILE) },
	() => {
		for (const file of [ZULIP_SPEC_FILE, TELNYX_SPEC_FILE]) {
			const head = readFileSync(path.join(requiredSpecsDir(file), file), 'utf8').slice(0, 4000);
			assert.match(head, /^openapi: ["']?3\.\d/m, `${file} is an OpenAPI 3 document`);
		}
	},
);

describe('where the provider specs are looked for, and what happens without them', () => {
	// Stand-ins for the spec files: only their presence matters here.
	const folder = mkdtempSync(path.join(tmpdir(), 'specs-'));
	writeFileSync(path.join(folder, ZULIP_SPEC_FILE), '');
	after(() => rmSync(folder, { recursive: true, force: true }));

	test('CI is on for CI=true or 1, off when unset, empty, false or 0', async () => {
		for (const [value, expected] of [
			['true', true],
			['1', true],
			['TRUE', true],
			[undefined, false],
			['', false],
			['false', false],
			['0', false],
		] as const) {
			assert.equal(await withEnv({ CI: value }, isCi), expected, String(value));
		}
	});

	test('a present spec is found in SPECS_DIR, whatever CI says', async () => {
		for (const CI of [undefined, 'true']) {
			await withEnv({ CI, SPECS_DIR: folder }, () => {
				assert.deepEqual(findSpec(ZULIP_SPEC_FILE), { dir: folder });
				assert.equal(optionalSpecsDir(ZULIP_SPEC_FILE), folder);
				assert.equal(requiredSpecsDir(ZULIP_SPEC_FILE), folder);
				assert.equal(specTestSkip(ZULIP_SPEC_FILE), false);
			});
		}
	});

	test('outside CI an absent spec means: fakes run on their model, spec-specific tests skip saying why', async () => {
		await withEnv({ CI: undefined, SPECS_DIR: '/nonexistent/specs' }, () => {
			assert.equal(optionalSpecsDir(ZULIP_SPEC_FILE), undefined);
			const reason = specTestSkip(ZULIP_SPEC_FILE);
			assert.ok(reason);
			assert.match(
				reason,
				/provider specs folder \/nonexistent\/specs not found \(looked in SPECS_DIR=\/nonexistent\/specs\)\. Set SPECS_DIR to the folder holding zulip-openapi\.yaml/,
			);
			assert.throws(() => requiredSpecsDir(ZULIP_SPEC_FILE), MissingSpecsError);
		});
		await withEnv({ CI: undefined, SPECS_DIR: folder }, () => {
			assert.match(
				String(specTestSkip(TELNYX_SPEC_FILE)),
				new RegExp(`provider spec ${TELNYX_SPEC_FILE} not found in ${folder}`),
			);
		});
	});

	test('under CI an absent spec is an error that says where it looked and how to set SPECS_DIR', async () => {
		await withEnv({ CI: 'true', SPECS_DIR: '/nonexistent/specs' }, () => {
			assert.throws(
				() => optionalSpecsDir(ZULIP_SPEC_FILE),
				(error: unknown) =>
					error instanceof MissingSpecsError &&
					/\/nonexistent\/specs not found/.test(error.message) &&
					/Set SPECS_DIR to the folder holding zulip-openapi\.yaml and telnyx-messaging-subset\.yml/.test(
						error.message,
					) &&
					/under CI=true they are required/.test(error.message),
			);
			// Spec-specific tests do not skip under CI: they run and fail on requiredSpecsDir.
			assert.equal(specTestSkip(ZULIP_SPEC_FILE), false);
		});
		await withEnv({ CI: 'true', SPECS_DIR: undefined }, () => {
			// Without SPECS_DIR the message names the default folder (present or not on this machine).
			const error = new MissingSpecsError(TELNYX_SPEC_FILE, '/nonexistent/specs');
			assert.match(
				error.message,
				/looked in the default .*shared\/specs \(\.\.\/shared\/specs next to the repo root\)/,
			);
		});
	});

	test('the fakes start on their own model without specs, and refuse to start under CI', async () => {
		await withEnv({ CI: undefined, SPECS_DIR: '/nonexistent/specs' }, async () => {
			const zulip = await ZulipFake.start();
			const telnyx = await TelnyxFake.start();
			try {
				assert.equal(zulip.spec, undefined);
				assert.equal(telnyx.spec, undefined);
			} finally {
				await zulip.stop();
				await telnyx.stop();
			}
		});
		await withEnv({ CI: 'true', SPECS_DIR: '/nonexistent/specs' }, async () => {
			await assert.rejects(ZulipFake.start(), MissingSpecsError);
			await assert.rejects(TelnyxFake.start(), MissingSpecsError);
		});
	});
});
