import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { providerError, settle } from '../../../../shared/errors';
import { removeOnce, sendKey } from '../../../../shared/executionMemo';
import { readMaxWait } from '../../../../shared/options';
import { telnyxRequest } from '../../transport';
import { flatMessage } from '../output';
import { messageIdField, optionsCollection } from '../properties';
import { readMessageId } from '../readers';

const properties: INodeProperties[] = [
	messageIdField(
		'The message_id of a scheduled message (Schedule returned it); only possible until a minute before its send time',
	),
	optionsCollection(false),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['cancel'] } },
	properties,
);

/** Telnyx answers 403 to a message that is no longer cancellable: say so, with where the message is now. */
async function notCancellable(
	context: IExecuteFunctions,
	id: string,
	refusal: unknown,
	itemIndex: number,
): Promise<Error> {
	const lookup = await settle(
		telnyxRequest(context, {
			method: 'GET',
			path: `/messages/${id}`,
			itemIndex,
			maxRateLimitWaitSeconds: 0,
		}),
	);
	const current = lookup.ok
		? flatMessage((lookup.value.data ?? {}) as IDataObject, context.getTimezone())
		: undefined;
	const where = current?.status
		? `: it is ${String(current.status)}${current.sent_at ? ` (sent at ${String(current.sent_at)})` : ''}`
		: '';
	const code = (refusal as { errorResponse?: { telnyxCode?: string } }).errorResponse?.telnyxCode;
	const error = providerError(context.getNode(), {
		provider: 'Telnyx',
		message: `message ${id} can no longer be cancelled${where}`,
		description:
			'Telnyx cancels only messages that are still scheduled and more than a minute before their send time. Use Get to follow this one; a message that was sent cannot be recalled.',
		httpCode: '403',
		itemIndex,
		details: code ? { telnyxCode: code } : undefined,
	});
	return Object.assign(error, { currentMessage: current });
}

/** The message as Telnyx holds it now, when a refusal looked it up. */
function currentMessageOf(error: unknown): IDataObject | undefined {
	return (error as { currentMessage?: IDataObject }).currentMessage;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = readMessageId(this, itemIndex);
	const maxRateLimitWaitSeconds = readMaxWait(this, itemIndex);
	// Once per execution: under Retry On Fail a message cancelled by the first attempt keeps its
	// result, and one whose cancel answer was lost is found cancelled, instead of failing on
	// Telnyx's 403 for a message that is no longer scheduled.
	return await removeOnce(
		sendKey(this, itemIndex, 'message.cancel'),
		async () => {
			const outcome = await settle(
				telnyxRequest(this, {
					method: 'DELETE',
					path: `/messages/${id}`,
					itemIndex,
					maxRateLimitWaitSeconds,
				}),
			);
			if (!outcome.ok) {
				const refused = String((outcome.error as { httpCode?: string }).httpCode) === '403';
				throw refused ? await notCancellable(this, id, outcome.error, itemIndex) : outcome.error;
			}
			// Telnyx answers Cancel with the message itself, not under `data`.
			const message = (outcome.value.data ?? outcome.value) as IDataObject;
			return flatMessage(message, this.getTimezone());
		},
		(error) => currentMessageOf(error)?.status === 'cancelled',
		(error) => currentMessageOf(error) as IDataObject,
	);
}
