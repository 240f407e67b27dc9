import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { readLimit, readMaxWait, returnAllOrLimit } from '../../../../shared/options';
import { zulipRequest } from '../../transport';
import { FEATURES, requireOperation, serverFor } from '../features';
import { scheduledMessageOutput } from '../output';
import { optionsCollection } from '../properties';

const properties: INodeProperties[] = [...returnAllOrLimit(), optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['scheduledMessage'], operation: ['getAll'] } },
	properties,
);

/** Zulip returns every scheduled message at once (no paging): the limit is applied here. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const limit = readLimit(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.scheduledMessages, itemIndex);
	const reply = await zulipRequest(this, {
		method: 'GET',
		path: '/scheduled_messages',
		itemIndex,
		maxRateLimitWaitSeconds,
	});
	const all = (reply.scheduled_messages ?? []) as IDataObject[];
	const messages = all.slice(0, limit);
	const zone = this.getTimezone();
	return messages.map((message) => scheduledMessageOutput(message, zone));
}
