import type { IExecuteSingleFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { pairWithInputItem } from '../../../../shared/routing';
import { checkZulipReply, waitOutZulipRateLimits } from '../../transport';
import { optionsCollection, scheduledMessageOutput } from '../fields';
import { returnAllOrLimitFields } from '../../../../shared/options';

const show = { resource: ['scheduledMessage'], operation: ['getAll'] };

async function addReadableTime(this: IExecuteSingleFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const zone = this.getTimezone();
	return items.map((item) => ({ ...item, json: scheduledMessageOutput(item.json, zone) }));
}

/** Zulip returns every scheduled message at once (no paging): the limit is applied here. */
export const routing = {
	operations: { pagination: waitOutZulipRateLimits },
	send: { paginate: true },
	request: { method: 'GET' as const, url: '/scheduled_messages' },
	output: {
		postReceive: [
			checkZulipReply,
			{ type: 'rootProperty' as const, properties: { property: 'scheduled_messages' } },
			{ type: 'limit' as const, enabled: '={{ !$parameter.returnAll }}', properties: { maxResults: '={{ $parameter.limit }}' } },
			addReadableTime,
			pairWithInputItem,
		],
	},
};

export const description: INodeProperties[] = [
	...returnAllOrLimitFields(show),
	optionsCollection(show),
];
