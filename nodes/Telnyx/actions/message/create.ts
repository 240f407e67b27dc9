import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { isUnclearCreate, sendKey, sendOnce } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { awaitStartSlot } from '../../../../shared/throughput';
import { flatMessage } from '../output';
import { telnyxRequest, type CreatedThing } from '../../transport';
import type { ComposedMessage } from './compose';

function describeCreated(body: IDataObject): CreatedThing {
	const to = Array.isArray(body.to) ? body.to.join(', ') : String(body.to);
	const from = body.from
		? `from ${String(body.from)}`
		: `via messaging profile ${String(body.messaging_profile_id)}`;
	return {
		what: `the message ${from} to ${to}`,
		check: `Telnyx returned no message ID, so Get cannot look it up: check the message logs in Telnyx Mission Control (Reporting > Messaging) or your message.sent webhooks for messages to ${to}`,
	};
}

/**
 * Sends one item's message: at most once per execution (n8n's Retry On Fail re-runs every item),
 * within the run's per-second cap, waiting out short rate limits. Returns the flat message, with
 * the kind of sender it was sent from.
 */
export async function createMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	path: string,
	{ body, sender }: ComposedMessage,
): Promise<IDataObject> {
	const key = sendKey(context, itemIndex, `telnyx POST ${path}`);
	const maxRateLimitWaitSeconds = readMaxWait(context, itemIndex);
	const reply = await sendOnce(
		key,
		async () =>
			await telnyxRequest(context, {
				method: 'POST',
				path,
				body,
				creates: describeCreated(body),
				itemIndex,
				maxRateLimitWaitSeconds,
				beforeAttempt: async () => await awaitStartSlot(context),
			}),
		isUnclearCreate,
	);
	return flatMessage((reply.data ?? {}) as IDataObject, context.getTimezone(), {
		sendAt: body.send_at,
		senderType: sender.type,
	});
}
