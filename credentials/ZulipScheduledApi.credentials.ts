import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

// n8n ships a `zulipApi` credential already; credential type names are global, hence this name.
// Tested by the Zulip node's `credentialTest` (it also reports the server's Zulip version).
export class ZulipScheduledApi implements ICredentialType {
	name = 'zulipScheduledApi';

	displayName = 'Zulip (Scheduled Messages) API';

	icon = 'file:zulip.svg' as const;

	documentationUrl = 'https://zulip.com/api/api-keys';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://yourorg.zulipchat.com',
			description: 'The address of your Zulip organization, without /api',
			required: true,
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			placeholder: 'bot-name@yourorg.zulipchat.com',
			description: 'The email of the user or bot whose API key this is',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'In Zulip: Personal settings > Account & privacy > API key, or the key of a bot',
			required: true,
		},
	];

	// A function, not `generic` expressions: n8n 2.x evaluates each expression in its isolated
	// engine (about 1 ms each), and this runs for every request.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			auth: {
				username: String(credentials.email ?? ''),
				password: String(credentials.apiKey ?? ''),
			},
		};
	}
}
