import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INode,
	INodeProperties,
} from 'n8n-workflow';
import { fieldError, providerError } from '../../../../shared/errors';
import { zulipRequest } from '../../transport';

export const scheduledMessageIdField = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName: 'Scheduled Message ID',
	name: 'scheduledMessageId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 42',
	description: 'The scheduled_message_id that Create or Get Many returned (not the ID the message gets once sent)',
	displayOptions: { show },
});

export function parseScheduledMessageId(node: INode, value: unknown, itemIndex: number): number {
	const raw = String(value ?? '').trim();
	const id = Number(raw);
	if (!/^\d+$/.test(raw) || id <= 0) {
		throw fieldError(
			node,
			'Scheduled Message ID',
			`("${raw}") is not a scheduled message ID`,
			'Use the scheduled_message_id from Create or Get Many, a whole number such as 42.',
			itemIndex,
		);
	}
	return id;
}

/** Zulip has no "get one scheduled message": list them and pick it. */
export async function findScheduledMessage(
	context: IExecuteFunctions,
	scheduledMessageId: number,
	itemIndex: number,
	maxRateLimitWaitSeconds: number,
): Promise<IDataObject> {
	const reply = await zulipRequest(context, { method: 'GET', path: '/scheduled_messages', itemIndex, maxRateLimitWaitSeconds });
	const found = ((reply.scheduled_messages ?? []) as IDataObject[]).find(
		(message) => Number(message.scheduled_message_id) === scheduledMessageId,
	);
	if (!found) {
		throw providerError(context.getNode(), {
			provider: 'Zulip',
			message: `there is no scheduled message ${scheduledMessageId} for this user`,
			description: 'It may have been sent or deleted already. Get Many lists the scheduled messages that remain.',
			httpCode: '404',
			itemIndex,
		});
	}
	return found;
}
