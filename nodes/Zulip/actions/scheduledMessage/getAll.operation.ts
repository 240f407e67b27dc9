import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { zulipRequest } from '../../transport';
import { optionsCollection, readMaxWait, scheduledMessageOutput } from '../fields';
import { returnAllOrLimitFields } from '../../../../shared/options';

const show = { resource: ['scheduledMessage'], operation: ['getAll'] };

export const description: INodeProperties[] = [
	...returnAllOrLimitFields(show),
	optionsCollection(show),
];

/** Zulip returns every scheduled message at once (no paging): the limit is applied here. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const reply = await zulipRequest(this, { method: 'GET', path: '/scheduled_messages', itemIndex, maxRateLimitWaitSeconds });
	const all = (reply.scheduled_messages ?? []) as IDataObject[];
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const messages = returnAll ? all : all.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
	const zone = this.getTimezone();
	return messages.map((message) => scheduledMessageOutput(message, zone));
}
