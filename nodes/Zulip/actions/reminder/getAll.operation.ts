import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { readMaxWait, returnAllOrLimit } from '../../../../shared/options';
import { zulipRequest } from '../../transport';
import { FEATURES, requireOperation, serverFor } from '../features';
import { scheduledMessageOutput } from '../output';
import { optionsCollection } from '../properties';

const properties: INodeProperties[] = [...returnAllOrLimit(), optionsCollection()];

export const description = updateDisplayOptions(
	{ show: { resource: ['reminder'], operation: ['getAll'] } },
	properties,
);

/** Zulip returns every undelivered reminder at once, soonest first (no paging). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	const server = await serverFor(this, itemIndex, maxRateLimitWaitSeconds);
	requireOperation(this, server, FEATURES.listReminders, itemIndex);
	const reply = await zulipRequest(this, {
		method: 'GET',
		path: '/reminders',
		itemIndex,
		maxRateLimitWaitSeconds,
	});
	const all = (reply.reminders ?? []) as IDataObject[];
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const reminders = returnAll
		? all
		: all.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
	const zone = this.getTimezone();
	return reminders.map((reminder) => scheduledMessageOutput(reminder, zone));
}
