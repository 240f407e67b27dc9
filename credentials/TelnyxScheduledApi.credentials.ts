import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

// n8n may ship a `telnyxApi` credential; credential type names are global, hence this name.
export class TelnyxScheduledApi implements ICredentialType {
	name = 'telnyxScheduledApi';

	displayName = 'Telnyx (Scheduled Messages) API';

	icon = 'file:telnyx.svg' as const;

	documentationUrl = 'https://developers.telnyx.com/docs/overview/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Telnyx API v2 key (Mission Control > Account Settings > Keys & Credentials > API Keys)',
		},
		{
			displayName: 'Webhook Public Key',
			name: 'publicKey',
			type: 'string',
			default: '',
			placeholder: 'e.g. eu2zvPjhY6odxV34Z/EsRiERvTodkev4Fq0SlK90Izg=',
			description:
				'Needed by the Telnyx Trigger only: the public key shown in Mission Control > Account Settings > Keys & Credentials > Public Key (base64), used to check that webhooks come from Telnyx',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.telnyx.com/v2',
			description: 'Change only to reach Telnyx through a proxy or a test double',
		},
	];

	// A function, not a `generic` expression: n8n 2.x evaluates each expression in its isolated
	// engine (about 1 ms each), and this runs for every request.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.apiKey ?? '')}`,
			},
		};
	}

	// Listing one messaging profile is authenticated, free and fast.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ ($credentials.baseUrl || "https://api.telnyx.com/v2").replace(/\\/+$/, "") }}',
			url: '/messaging_profiles',
			qs: { 'page[size]': 1 },
		},
	};
}
