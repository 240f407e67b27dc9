import type { IWebhookFunctions } from 'n8n-workflow';
import type { TelnyxEvent } from './events';
import { seenEventStore, type Claim, type SeenEventStore } from './seenEvents';

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
	const scope = {
		workflowId: String(context.getWorkflow().id ?? 'unsaved'),
		nodeId: context.getNode().id,
		test: context.getMode() === 'manual',
	};
	const occurredAt = event.data?.occurred_at;
	let store: SeenEventStore | undefined;
	try {
		// Inside the try: reading n8n's settings can fail too (a *_FILE that is not there).
		store = seenEventStore();
		const claim = await store.claim(scope, eventId, occurredAt);
		const claimedIn = store;
		if (claim === 'first')
			releaseIfNotStarted(context, () => claimedIn.release(scope, eventId, occurredAt));
		return claim;
	} catch (error) {
		context.logger.error(
			`Telnyx Trigger: cannot record event ${eventId} in ${store?.location ?? 'the seen-event store'} (${(error as Error).message}); answered 503 so that Telnyx delivers it again`,
		);
		return 'failed';
	}
}

/**
 * n8n 2.x answers an onReceived webhook only once the run exists (saved, or queued in queue mode);
 * when creating it fails, n8n answers 5xx. Then the claim is given back, so that Telnyx's retry
 * (it retries on a 5xx) starts the run instead of being taken for a repeat. A client that went
 * away before the answer releases nothing: the run may well have started.
 */
function releaseIfNotStarted(context: IWebhookFunctions, release: () => Promise<void>): void {
	const response = context.getResponseObject();
	response.once('finish', () => {
		if (response.statusCode < 500) return;
		release().catch((error: unknown) =>
			context.logger.warn(
				`Telnyx Trigger: n8n could not start the run and the event's claim could not be given back (${(error as Error).message}); Telnyx's next delivery of it will be taken for a repeat`,
			),
		);
	});
}
