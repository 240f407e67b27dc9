import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { fieldError } from '../../../../shared/errors';
import { isUuid } from '../read';

export const messageIdField = (show: IDisplayOptions['show'], description: string): INodeProperties => ({
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 40385f64-5717-4562-b3fc-2c963f66afa6',
	description,
	displayOptions: { show },
});

/** The item's Message ID, trimmed; a malformed one is refused before any request. */
export function readMessageId(context: IExecuteFunctions, itemIndex: number): string {
	const id = String(context.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
	if (!isUuid(id)) {
		throw fieldError(
			context.getNode(),
			'Message ID',
			id === '' ? 'is empty' : `("${id.slice(0, 60)}") is not a Telnyx message ID`,
			'Use the message_id that Schedule or Send returned, a UUID such as 40385f64-5717-4562-b3fc-2c963f66afa6.',
			itemIndex,
		);
	}
	return id;
}
