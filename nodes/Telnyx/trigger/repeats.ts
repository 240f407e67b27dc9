import type { IWebhookFunctions } from 'n8n-workflow';
import type { TelnyxEvent } from './events';
import { seenEventStore, type Claim } from './seenEvents';

/**
 * Telnyx delivers an event again when it did not see a 2xx within its timeout, signed anew, so the
 * signature check cannot tell a retry from the first delivery; the event's `data.id` can. The id
 * is claimed before n8n answers and starts the run: a retry that arrives while the first delivery
 * is still being answered, or later, finds it taken.
 */
export async function claimDelivery(
	context: IWebhookFunctions,
	event: TelnyxEvent,
): Promise<Claim | 'failed'> {
	const eventId = event.data?.id;
	if (typeof eventId !== 'string' || eventId === '') {
		context.logger.warn('Telnyx Trigger: an event without data.id cannot be checked for repeats');
		return 'first';
	}
	const store = seenEventStore();
	const scope = {
		workflowId: String(context.getWorkflow().id ?? 'unsaved'),
		nodeId: context.getNode().id,
		test: context.getMode() === 'manual',
	};
	try {
		return await store.claim(scope, eventId, event.data?.occurred_at);
	} catch (error) {
		context.logger.error(
			`Telnyx Trigger: cannot record event ${eventId} in ${store.location} (${(error as Error).message}); answered 503 so that Telnyx delivers it again`,
		);
		return 'failed';
	}
}
