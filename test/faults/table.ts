import { COLUMNS, HTTP_FAULTS, TELEGRAM_FAULTS, type FaultSpec } from './matrix';
import type { CellResult } from './runner';

const pad = (text: string, width: number) =>
	text.length >= width ? text : text + ' '.repeat(width - text.length);
const MARK = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

/** What each fault must lead to: the reviewable half of the matrix. */
export function expectationTable(): string {
	const lines: string[] = [
		'Expected outcome of the faulted item k (ok | unclear | rate-limited | error; see test/faults/matrix.ts):',
		'',
	];
	const family = (title: string, faults: Record<string, FaultSpec>) => {
		lines.push(title);
		lines.push(
			`  ${pad('fault', 56)}${pad('acted', 7)}${pad('send: retry / no retry', 36)}remove: retry / no retry`,
		);
		for (const spec of Object.values(faults)) {
			const send = `${spec.allowed.send.retry.join('|')} / ${spec.allowed.send.once.join('|')}`;
			const remove = `${spec.allowed.remove.retry.join('|')} / ${spec.allowed.remove.once.join('|')}`;
			lines.push(
				`  ${pad(spec.label, 56)}${pad(spec.acted ? 'yes' : 'no', 7)}${pad(spec.skip ? 'skipped' : send, 36)}${spec.skip ? 'skipped' : remove}`,
			);
			lines.push(`      ${spec.skip ?? spec.why}`);
		}
		lines.push('');
	};
	family('Zulip and Telnyx (HTTP):', HTTP_FAULTS);
	family('Telegram (MTProto):', TELEGRAM_FAULTS);
	lines.push(
		'Every other item must succeed if it ran; every success output must describe its own message;',
	);
	lines.push(
		'the fake must hold each item once (twice is a duplicate), or not at all for an error on a fault that did not act.',
	);
	lines.push(
		'A failed node (no Continue On Fail) stops at item k: sequential operations never ran the items after it.',
	);
	return lines.join('\n');
}

/** Rows: provider, operation and fault; columns: Retry On Fail and no retry at item first/middle/last, Continue On Fail at the middle one. */
export function matrixTable(results: CellResult[]): string {
	const rowKeys: string[] = [];
	const byRow = new Map<string, Map<string, CellResult>>();
	for (const result of results) {
		const key = `${result.row.provider} ${result.row.operation}\u0000${result.row.faults[result.fault].label}`;
		if (!byRow.has(key)) {
			byRow.set(key, new Map());
			rowKeys.push(key);
		}
		byRow.get(key)?.set(`${result.column.id}/${result.position.index}`, result);
	}
	const operationWidth = Math.max(...rowKeys.map((key) => key.split('\u0000')[0].length), 20) + 2;
	const faultWidth = Math.max(...rowKeys.map((key) => key.split('\u0000')[1].length), 10) + 2;
	const cellWidth = 7;
	const groupWidth = (column: (typeof COLUMNS)[number]) =>
		Math.max(cellWidth * column.positions.length, column.label.length + 1) + 2;
	const lines = [
		pad('', operationWidth + faultWidth) +
			COLUMNS.map((column) => pad(column.label, groupWidth(column))).join(''),
		pad('provider / operation', operationWidth) +
			pad('fault', faultWidth) +
			COLUMNS.map((column) =>
				pad(column.positions.map((p) => pad(p.label, cellWidth)).join(''), groupWidth(column)),
			).join(''),
	];
	let previousOperation = '';
	for (const key of rowKeys) {
		const [operation, fault] = key.split('\u0000');
		const cells = byRow.get(key) ?? new Map<string, CellResult>();
		const marks = COLUMNS.map((column) =>
			pad(
				column.positions
					.map((position) =>
						pad(MARK[cells.get(`${column.id}/${position.index}`)?.status ?? 'skip'], cellWidth),
					)
					.join(''),
				groupWidth(column),
			),
		);
		lines.push(
			(
				pad(operation === previousOperation ? '' : operation, operationWidth) +
				pad(fault, faultWidth) +
				marks.join('')
			).trimEnd(),
		);
		previousOperation = operation;
	}
	return lines.map((line) => line.trimEnd()).join('\n');
}

export function failureReport(results: CellResult[]): string {
	const failed = results.filter((result) => result.status === 'fail');
	if (failed.length === 0) return '';
	const lines = ['Failed cells:'];
	for (const result of failed) {
		lines.push(
			`- ${result.row.provider} ${result.row.operation} | ${result.row.faults[result.fault].label} | ${result.column.label} | item ${result.position.label}: item k was ${result.seen}`,
		);
		for (const problem of result.problems) lines.push(`    ${problem}`);
	}
	return lines.join('\n');
}

export function skipReport(results: CellResult[]): string {
	const reasons = new Map<string, number>();
	for (const result of results)
		if (result.status === 'skip')
			reasons.set(result.problems[0], (reasons.get(result.problems[0]) ?? 0) + 1);
	return [...reasons].map(([reason, count]) => `${count} cells skipped: ${reason}`).join('\n');
}

export function summaryLine(results: CellResult[]): string {
	const passed = results.filter((result) => result.status === 'pass').length;
	const failed = results.filter((result) => result.status === 'fail').length;
	return `${passed} passed, ${failed} failed`;
}
