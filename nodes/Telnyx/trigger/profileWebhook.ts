import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import { locatorValue } from '../actions/readers';
import { TELNYX_CREDENTIAL, telnyxRequest } from '../transport';
import { parsePublicKey } from './signature';

/** What activation changed on the profile, so deactivation can put it back. */
interface Registration {
	profileId: string;
	previousUrl: string | null;
	url: string;
}

const REGISTRATION = 'profileRegistration';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Activation fails early, with the fix, when events could never be verified. */
async function requirePublicKey(context: IHookFunctions): Promise<void> {
	const credentials = await context.getCredentials<{ publicKey?: string }>(TELNYX_CREDENTIAL);
	const publicKey = String(credentials.publicKey ?? '').trim();
	if (parsePublicKey(publicKey)) return;
	throw new NodeOperationError(
		context.getNode(),
		publicKey === ''
			? 'The Telnyx credential has no Webhook Public Key, so this trigger could not check that events come from Telnyx'
			: "The Telnyx credential's Webhook Public Key is not a base64 Ed25519 public key (32 bytes)",
		{
			description:
				'Copy the public key from Mission Control > Account Settings > Keys & Credentials > Public Key into the credential.',
		},
	);
}

function wantedProfileId(context: IHookFunctions): string | undefined {
	if (context.getNodeParameter('registerWebhook', false) !== true) return undefined;
	const id = locatorValue(context.getNodeParameter('messagingProfile', ''));
	if (!UUID.test(id)) {
		throw new NodeOperationError(
			context.getNode(),
			`'Messaging Profile' ("${id}") is not a messaging profile ID`,
			{
				description:
					'Pick the profile whose events should start this workflow, or turn off Register URL on Messaging Profile.',
			},
		);
	}
	return id;
}

async function profileWebhookUrl(
	context: IHookFunctions,
	profileId: string,
): Promise<string | null> {
	const reply = await telnyxRequest(context, {
		method: 'GET',
		path: `/messaging_profiles/${profileId}`,
	});
	const url = ((reply.data ?? {}) as IDataObject).webhook_url;
	return typeof url === 'string' && url !== '' ? url : null;
}

async function setProfileWebhookUrl(
	context: IHookFunctions,
	profileId: string,
	url: string | null,
): Promise<void> {
	await telnyxRequest(context, {
		method: 'PATCH',
		path: `/messaging_profiles/${profileId}`,
		body: { webhook_url: url },
	});
}

/** checkExists: whether the profile already points here (also refuses a credential without public key). */
export async function isRegistered(context: IHookFunctions): Promise<boolean> {
	await requirePublicKey(context);
	const profileId = wantedProfileId(context);
	// Without registration there is nothing to create: Telnyx is pointed at this URL by hand.
	if (profileId === undefined) return true;
	return (await profileWebhookUrl(context, profileId)) === context.getNodeWebhookUrl('default');
}

/** create: points the profile's webhook URL here, remembering the one it had. */
export async function register(context: IHookFunctions): Promise<boolean> {
	const profileId = wantedProfileId(context);
	const url = context.getNodeWebhookUrl('default');
	if (profileId === undefined || !url) return true;
	const previousUrl = await profileWebhookUrl(context, profileId);
	await setProfileWebhookUrl(context, profileId, url);
	const registration: Registration = { profileId, previousUrl, url };
	context.getWorkflowStaticData('node')[REGISTRATION] = registration as unknown as IDataObject;
	return true;
}

/** delete: puts the previous URL back, unless someone changed it since. */
export async function unregister(context: IHookFunctions): Promise<boolean> {
	const staticData = context.getWorkflowStaticData('node');
	const registration = staticData[REGISTRATION] as Registration | undefined;
	if (!registration) return true;
	const current = await settle(profileWebhookUrl(context, registration.profileId));
	if (!current.ok) {
		// A profile that is gone has nothing to restore; anything else must surface.
		if (String((current.error as { httpCode?: unknown }).httpCode) !== '404') throw current.error;
		context.logger.warn(
			`Telnyx messaging profile ${registration.profileId} no longer exists; nothing to restore`,
		);
	} else if (current.value === registration.url) {
		// Only undo our own change: a URL someone set since then stays.
		await setProfileWebhookUrl(context, registration.profileId, registration.previousUrl);
	}
	delete staticData[REGISTRATION];
	return true;
}
