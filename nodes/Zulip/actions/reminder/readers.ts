import type { IExecuteFunctions } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';

/** A whole positive number from `parameter`, or a refusal naming `field` and where the ID comes from. */
export function readId(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	field: string,
	source: string,
): number {
	const raw = String(context.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	const id = Number(raw);
	if (!/^\d+$/.test(raw) || id <= 0) {
		throw fieldError(
			context.getNode(),
			field,
			`("${raw}") is not an ID`,
			`Use ${source}, a whole number such as 42.`,
			itemIndex,
		);
	}
	return id;
}
