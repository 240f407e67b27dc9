/**
 * `npm run faults` (and the last step of `npm test`): runs the fault matrix against dist/ (build
 * first), prints the expectations, the matrix, the failed cells with what went wrong, and a last
 * line `N passed, M failed`; exits 1 on any failed cell.
 *
 * FAULTS_ONLY=<text> runs only rows whose "provider operation" contains it (case-insensitive);
 * FAULTS_LANES=<n> sets how many cells run side by side (default 8).
 */
import '../harness/env';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../harness/engine';
import type { Lane } from './lane';
import type { Row } from './matrix';
import { planCells, runCells } from './runner';
import { telegramRows } from './rows/telegram';
import { telnyxRows } from './rows/telnyx';
import { zulipRows } from './rows/zulip';
import { expectationTable, failureReport, matrixTable, skipReport, summaryLine } from './table';

async function main(): Promise<number> {
	if (!existsSync(join(PACKAGE_ROOT, 'dist', 'nodes'))) {
		console.error(
			'dist/ is missing: run `npm run build` first (the matrix runs the built nodes, as n8n loads them).',
		);
		return 1;
	}
	const only = process.env.FAULTS_ONLY?.toLowerCase();
	const rows: Array<Row<Lane>> = [...telegramRows, ...telnyxRows, ...zulipRows].filter(
		(row) => !only || `${row.provider} ${row.operation}`.toLowerCase().includes(only),
	);
	const lanes = Number(process.env.FAULTS_LANES ?? 8);
	const started = Date.now();
	const results = await runCells(planCells(rows), lanes);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);

	console.log(expectationTable());
	console.log('');
	console.log(matrixTable(results));
	console.log('');
	const failures = failureReport(results);
	if (failures) console.log(`${failures}\n`);
	const skips = skipReport(results);
	if (skips) console.log(skips);
	console.log(`fault matrix: ${results.length} cells in ${seconds} s on ${lanes} lanes`);
	console.log(summaryLine(results));
	return results.some((result) => result.status === 'fail') ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
