import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { readMaxWait } from '../../../../shared/options';
import { telnyxRequest } from '../../transport';
import { flatMessage } from '../output';
import { messageIdField, optionsCollection } from '../properties';
import { readMessageId } from '../readers';

const properties: INodeProperties[] = [
	messageIdField(
		'The message_id that Schedule or Send returned (Telnyx keeps messages for 10 days)',
	),
	optionsCollection(false),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readMessageId(this, itemIndex);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const reply = await telnyxRequest(this, {
		method: 'GET',
		path: `/messages/${id}`,
		itemIndex,
		maxRateLimitWaitSeconds,
	});
	return flatMessage((reply.data ?? {}) as IDataObject, this.getTimezone());
}
