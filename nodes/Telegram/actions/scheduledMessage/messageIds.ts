import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';
import { INT32_MAX, parseDecimalId, readDecimalId } from '../../../../shared/ids';

export const messageIdsField: INodeProperties = {
	displayName: 'Scheduled Message IDs',
	name: 'messageIds',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 12 or 12, 13, 14',
	description:
		'IDs of scheduled messages in the chat (as Get Many or Send gave them); several separated by commas, or a list from an expression',
};

export const messageIdField: INodeProperties = {
	displayName: 'Scheduled Message ID',
	name: 'messageId',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: INT32_MAX, numberPrecision: 0 },
	default: 0,
	required: true,
	description: 'ID of the scheduled message in the chat (as Get Many or Send gave it)',
};

function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return value.split(/[,;\s]+/).filter((part) => part !== '');
	if (value === undefined || value === null || value === '') return [];
	return [value];
}

const isMessageId = (value: unknown): boolean => parseDecimalId(value, INT32_MAX) !== undefined;

/** One or more scheduled message ids; refused when empty or not whole positive numbers. */
export function readMessageIds(context: IExecuteFunctions, itemIndex: number): number[] {
	const entries = asList(context.getNodeParameter('messageIds', itemIndex, ''));
	const node = context.getNode();
	if (entries.length === 0)
		throw fieldError(
			node,
			'Scheduled Message IDs',
			'is empty',
			'Give the ID of at least one scheduled message, e.g. 12.',
			itemIndex,
		);
	const bad = entries.filter((entry) => !isMessageId(entry));
	if (bad.length > 0) {
		throw fieldError(
			node,
			'Scheduled Message IDs',
			`contains ${bad.map((entry) => `"${String(entry)}"`).join(', ')}, which ${bad.length === 1 ? 'is not a message ID' : 'are not message IDs'}`,
			'Message IDs are whole numbers such as 12, as Get Many or Send output them.',
			itemIndex,
		);
	}
	return [...new Set(entries.map((entry) => parseDecimalId(entry, INT32_MAX) as number))];
}

export function readMessageId(context: IExecuteFunctions, itemIndex: number): number {
	return readDecimalId(context, itemIndex, context.getNodeParameter('messageId', itemIndex, 0), {
		field: 'Scheduled Message ID',
		what: 'message ID',
		fix: 'Use the ID Get Many or Send gave',
		max: INT32_MAX,
	});
}
