import type { IDisplayOptions, IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
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

/** The `url` of Get and Cancel: the trimmed ID, encoded. */
export const messageUrl = '=/messages/{{ encodeURIComponent(String($parameter.messageId).trim()) }}';

export function messageIdOf(context: IExecuteSingleFunctions): string {
	return String(context.getNodeParameter('messageId') ?? '').trim();
}

/** Declarative operations: refuse a malformed ID before any request. */
export async function validateMessageId(this: IExecuteSingleFunctions, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const id = messageIdOf(this);
	if (!isUuid(id)) {
		throw fieldError(
			this.getNode(),
			'Message ID',
			id === '' ? 'is empty' : `("${id.slice(0, 60)}") is not a Telnyx message ID`,
			'Use the message_id that Schedule or Send returned, a UUID such as 40385f64-5717-4562-b3fc-2c963f66afa6.',
			this.getItemIndex(),
		);
	}
	return requestOptions;
}
