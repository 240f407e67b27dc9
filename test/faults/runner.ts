import { runNode } from '../harness/engine';
import { judge } from './judge';
import { Lane, closeTelegramClients } from './lane';
import { COLUMNS, RETRY, type Column, type Position, type Row } from './matrix';

export interface Cell {
	row: Row<Lane>;
	fault: string;
	column: Column;
	position: Position;
}

export interface CellResult extends Cell {
	status: 'pass' | 'fail' | 'skip';
	problems: string[];
	/** Item k's outcome as the node gave it. */
	seen: string;
	ms: number;
}

export function planCells(rows: Array<Row<Lane>>): Cell[] {
	const cells: Cell[] = [];
	for (const row of rows) {
		for (const fault of Object.keys(row.faults)) {
			for (const column of COLUMNS)
				for (const position of column.positions) cells.push({ row, fault, column, position });
		}
	}
	return cells;
}

async function runCell(cell: Cell, lane: Lane): Promise<CellResult> {
	const { row, fault, column, position } = cell;
	const spec = row.faults[fault];
	if (spec.skip) return { ...cell, status: 'skip', problems: [spec.skip], seen: '', ms: 0 };
	const started = Date.now();
	try {
		const setup = await row.setup(lane, fault);
		setup.arm(position.index);
		const result = await runNode({
			node: {
				...setup.node,
				retryOnFail: column.retryOnFail,
				...(column.retryOnFail ? RETRY : {}),
				continueOnFail: column.continueOnFail,
			},
			items: setup.items,
		});
		const verdict = judge({
			result,
			setup,
			fault: spec,
			kind: row.kind,
			order: row.order,
			column,
			k: position.index,
		});
		return {
			...cell,
			status: verdict.passed ? 'pass' : 'fail',
			problems: verdict.problems,
			seen: verdict.seen,
			ms: Date.now() - started,
		};
	} catch (error) {
		return {
			...cell,
			status: 'fail',
			problems: [`the cell could not run: ${(error as Error).stack ?? String(error)}`],
			seen: 'crash',
			ms: Date.now() - started,
		};
	}
}

/**
 * Runs the cells on `laneCount` lanes side by side (each lane its own fakes, cells one after the
 * other); most of a cell's time is waiting (rate limits, reconnects), so lanes overlap it.
 */
export async function runCells(
	cells: Cell[],
	laneCount: number,
	onResult?: (result: CellResult) => void,
): Promise<CellResult[]> {
	const results = new Array<CellResult>(cells.length);
	let next = 0;
	const lanes = Array.from({ length: Math.max(1, laneCount) }, () => new Lane());
	try {
		await Promise.all(
			lanes.map(async (lane) => {
				while (next < cells.length) {
					const index = next++;
					results[index] = await runCell(cells[index], lane);
					onResult?.(results[index]);
				}
			}),
		);
	} finally {
		await closeTelegramClients();
		await Promise.all(lanes.map(async (lane) => await lane.stop()));
	}
	return results;
}
