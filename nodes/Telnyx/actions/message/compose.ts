import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import {
	checkContent,
	readGroupRecipients,
	readHttpUrl,
	readMediaUrls,
	readPhoneNumber,
	readSendAt,
	readSender,
	type MessageType,
} from '../readers';

export type MessageKind = 'schedule' | 'send' | 'groupMms';

const given = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/**
 * Reads and checks one item's message and builds Telnyx's request body. Everything is checked
 * here, before any request, so a bad item sends nothing. Only fields the user set are sent.
 */
export function composeMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	kind: MessageKind,
): IDataObject {
	const extra = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};

	if (kind === 'groupMms') {
		body.from = readPhoneNumber(
			context,
			itemIndex,
			'From Number',
			context.getNodeParameter('fromNumber', itemIndex, ''),
		);
		body.to = readGroupRecipients(
			context,
			itemIndex,
			context.getNodeParameter('recipients', itemIndex, ''),
		);
	} else {
		Object.assign(body, readSender(context, itemIndex));
		body.to = readPhoneNumber(
			context,
			itemIndex,
			'To',
			context.getNodeParameter('to', itemIndex, ''),
		);
	}

	const text = String(context.getNodeParameter('text', itemIndex, '') ?? '');
	const mediaUrls = readMediaUrls(
		context,
		itemIndex,
		context.getNodeParameter('mediaUrls', itemIndex, ''),
	);
	const type = (kind === 'groupMms' ? 'MMS' : String(extra.messageType ?? 'auto')) as MessageType;
	checkContent(context, itemIndex, text, mediaUrls, type);
	if (text.trim() !== '') body.text = text;
	if (mediaUrls.length > 0) body.media_urls = mediaUrls;
	if (given(extra.subject)) body.subject = String(extra.subject);
	if (kind !== 'groupMms' && type !== 'auto') body.type = type;
	if (kind !== 'groupMms' && typeof extra.autoDetect === 'boolean')
		body.auto_detect = extra.autoDetect;

	if (given(extra.webhookUrl))
		body.webhook_url = readHttpUrl(context, itemIndex, 'Webhook URL', extra.webhookUrl);
	if (given(extra.webhookFailoverUrl)) {
		body.webhook_failover_url = readHttpUrl(
			context,
			itemIndex,
			'Webhook Failover URL',
			extra.webhookFailoverUrl,
		);
	}
	if (typeof extra.useProfileWebhooks === 'boolean')
		body.use_profile_webhooks = extra.useProfileWebhooks;

	if (kind === 'schedule')
		body.send_at = readSendAt(
			context,
			itemIndex,
			context.getNodeParameter('sendAt', itemIndex, ''),
		);
	if (kind === 'send' && given(extra.sendAt))
		body.send_at = readSendAt(context, itemIndex, extra.sendAt);
	return body;
}
