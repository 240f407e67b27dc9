import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { parameterOfRun } from '../../../../shared/parameterOfRun';
import {
	checkContent,
	readGroupRecipients,
	readHttpUrl,
	readMediaUrls,
	readPhoneNumber,
	readSendAt,
	type MessageType,
} from '../readers';
import { checkSenderCarries, readFromNumber, readSender, type Sender } from '../sender';

export type MessageKind = 'schedule' | 'send' | 'groupMms';

const given = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

export interface ComposedMessage {
	body: IDataObject;
	sender: Sender;
}

/**
 * Reads and checks one item's message and builds Telnyx's request body. Everything is checked
 * here, before any request, so a bad item sends nothing. Only fields the user set are sent.
 */
export function composeMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	kind: MessageKind,
): ComposedMessage {
	const extra = parameterOfRun(context, 'additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	let sender: Sender;

	if (kind === 'groupMms') {
		// Telnyx sends a group MMS from a phone number only.
		body.from = readFromNumber(
			context,
			itemIndex,
			parameterOfRun(context, 'fromNumber', itemIndex, ''),
			true,
		);
		sender = { fields: { from: body.from }, type: 'phone_number' };
		body.to = readGroupRecipients(
			context,
			itemIndex,
			parameterOfRun(context, 'recipients', itemIndex, ''),
		);
	} else {
		sender = readSender(context, itemIndex);
		Object.assign(body, sender.fields);
		body.to = readPhoneNumber(
			context,
			itemIndex,
			'To',
			parameterOfRun(context, 'to', itemIndex, ''),
		);
	}

	const text = String(parameterOfRun(context, 'text', itemIndex, '') ?? '');
	const mediaUrls = readMediaUrls(
		context,
		itemIndex,
		parameterOfRun(context, 'mediaUrls', itemIndex, ''),
	);
	const type = (kind === 'groupMms' ? 'MMS' : String(extra.messageType ?? 'auto')) as MessageType;
	checkContent(context, itemIndex, text, mediaUrls, type);
	checkSenderCarries(context, itemIndex, sender, {
		mediaUrls,
		subject: given(extra.subject),
		type,
	});
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
		body.send_at = readSendAt(context, itemIndex, parameterOfRun(context, 'sendAt', itemIndex, ''));
	if (kind === 'send' && given(extra.sendAt))
		body.send_at = readSendAt(context, itemIndex, extra.sendAt);
	return { body, sender };
}
