import type { IDataObject, IExecuteSingleFunctions, IN8nHttpFullResponse, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { providerError, settle } from '../../../../shared/errors';
import { pairWithInputItem } from '../../../../shared/routing';
import { flatMessage } from '../../output';
import { checkTelnyxReply, fromTelnyxAnswer, telnyxRequest, waitOutTelnyxRateLimits } from '../../transport';
import { optionsCollection } from '../fields';
import { messageIdField, messageIdOf, messageUrl, validateMessageId } from './messageId';
import { toFlatMessage } from './readMessage';

const show = { resource: ['message'], operation: ['cancel'] };

/** Telnyx answers 403 to a message that is no longer cancellable: say so, with where the message is now. */
async function explainNotCancellable(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	if (response.statusCode !== 403) return items;
	const id = messageIdOf(this);
	const lookup = await settle(telnyxRequest(this, { method: 'GET', path: `/messages/${id}`, maxRateLimitWaitSeconds: 0 }));
	const current = lookup.ok ? flatMessage((lookup.value.data ?? {}) as IDataObject, this.getTimezone()) : undefined;
	const where = current?.status ? `: it is ${String(current.status)}${current.sent_at ? ` (sent at ${String(current.sent_at)})` : ''}` : '';
	const code = (response.body as { errors?: Array<{ code?: string }> } | undefined)?.errors?.[0]?.code;
	throw fromTelnyxAnswer(
		providerError(this.getNode(), {
			provider: 'Telnyx',
			message: `message ${id} can no longer be cancelled${where}`,
			description:
				'Telnyx cancels only messages that are still scheduled and more than a minute before their send time. Use Get to follow this one; a message that was sent cannot be recalled.',
			httpCode: '403',
			itemIndex: this.getItemIndex(),
			details: code ? { telnyxCode: code } : undefined,
		}),
	);
}

export const routing = {
	operations: { pagination: waitOutTelnyxRateLimits },
	send: { paginate: true, preSend: [validateMessageId] },
	request: { method: 'DELETE' as const, url: messageUrl },
	output: { postReceive: [explainNotCancellable, checkTelnyxReply, toFlatMessage, pairWithInputItem] },
};

export const description: INodeProperties[] = [
	messageIdField(show, 'The message_id of a scheduled message (Schedule returned it); only possible until a minute before its send time'),
	optionsCollection(show, false),
];
