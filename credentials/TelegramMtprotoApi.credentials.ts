import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A Telegram user account over MTProto (api_id + api_hash + a logged-in gramjs session).
 * n8n ships `telegramApi` (a bot token) already; credential type names are global, hence this
 * name. Tested by the Telegram node's `credentialTest` (MTProto is not HTTP).
 */
export class TelegramMtprotoApi implements ICredentialType {
	name = 'telegramMtprotoApi';

	displayName = 'Telegram (MTProto User Account) API';

	icon = 'file:telegram.svg' as const;

	documentationUrl = 'https://core.telegram.org/api/obtaining_api_id';

	properties: INodeProperties[] = [
		{
			displayName: 'API ID',
			name: 'apiId',
			type: 'number',
			default: 0,
			required: true,
			description: 'The api_id from https://my.telegram.org > API development tools',
		},
		{
			displayName: 'API Hash',
			name: 'apiHashSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The api_hash from https://my.telegram.org > API development tools',
		},
		{
			displayName: 'Session String',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The login of your account. Run <code>npx n8n-nodes-scheduled-messaging telegram-login</code> in a terminal and paste what it prints. Anyone holding it can act as you: keep it secret.',
		},
		{
			displayName: 'Telegram Servers',
			name: 'environment',
			type: 'options',
			default: 'production',
			options: [
				{ name: 'Production', value: 'production' },
				{
					name: 'Test',
					value: 'test',
					description: "Telegram's test servers (separate accounts, for development)",
				},
			],
		},
		{
			displayName: 'Custom Server Address',
			name: 'customServer',
			type: 'boolean',
			default: false,
			description:
				'Whether to connect to a given host and port instead of the address in the session (advanced: test servers, proxies, local fakes)',
		},
		{
			displayName: 'Server Address',
			name: 'serverAddress',
			type: 'string',
			default: '',
			placeholder: '149.154.167.40:443',
			description: 'Host and port of the data center, as host:port',
			displayOptions: { show: { customServer: [true] } },
		},
		{
			displayName: 'DC ID',
			name: 'dcId',
			type: 'number',
			default: 0,
			description: 'The data center that address serves (0: the one stored in the session)',
			displayOptions: { show: { customServer: [true] } },
		},
		{
			displayName: 'Proxy',
			name: 'proxyType',
			type: 'options',
			default: 'none',
			description: 'Reach Telegram through a proxy',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'SOCKS5', value: 'socks5', description: 'A SOCKS5 proxy, with or without login' },
				{
					name: 'MTProxy',
					value: 'mtproxy',
					description: "Telegram's own proxy (server, port and secret of a proxy link)",
				},
			],
		},
		{
			displayName: 'Proxy Host',
			name: 'proxyHost',
			type: 'string',
			default: '',
			placeholder: 'proxy.example.com',
			description: 'Host name or IP address of the proxy (without the port)',
			displayOptions: { show: { proxyType: ['socks5', 'mtproxy'] } },
		},
		{
			displayName: 'Proxy Port',
			name: 'proxyPort',
			type: 'number',
			default: 1080,
			description: 'Port of the proxy (SOCKS5 often 1080, MTProxy often 443)',
			displayOptions: { show: { proxyType: ['socks5', 'mtproxy'] } },
		},
		{
			displayName: 'Proxy Username',
			name: 'proxyUsername',
			type: 'string',
			default: '',
			description: 'Leave empty for a proxy without login',
			displayOptions: { show: { proxyType: ['socks5'] } },
		},
		{
			displayName: 'Proxy Password',
			name: 'proxyPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { proxyType: ['socks5'] } },
		},
		{
			displayName: 'MTProxy Secret',
			name: 'proxySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'dd0123456789abcdef0123456789abcdef',
			description:
				'The secret of the proxy link: 32 hex digits, or dd and 32 hex digits (fake-TLS "ee" secrets are not supported)',
			displayOptions: { show: { proxyType: ['mtproxy'] } },
		},
		{
			displayName: 'Secret Chat Storage',
			name: 'e2eStorage',
			type: 'options',
			default: 'file',
			description:
				'Where the keys and sequence numbers of secret chats are kept (encrypted). Only secret chats use it.',
			options: [
				{
					name: 'File in the n8n User Folder',
					value: 'file',
					description: 'One n8n instance (regular mode)',
				},
				{
					name: 'Redis',
					value: 'redis',
					description: 'Queue mode: every worker sees the same chats',
				},
			],
		},
		{
			displayName: 'Secret Chat Storage Secret',
			name: 'e2eStorageSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Encrypts the stored secret-chat keys (AES-256-GCM). Keep a copy: with a changed or lost secret the stored chats cannot be read, and they are never reset silently. Needed only for secret chats.',
		},
		{
			displayName: 'Storage Folder',
			name: 'e2eStorageFolder',
			type: 'string',
			default: '',
			placeholder: '~/.n8n/telegram-secret-chats',
			description:
				'Folder for the secret-chat files; empty means telegram-secret-chats in the n8n user folder',
			displayOptions: { show: { e2eStorage: ['file'] } },
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the URL carries the Redis password
		{
			displayName: 'Redis URL',
			name: 'e2eStorageRedisUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'redis://user:password@localhost:6379/0',
			displayOptions: { show: { e2eStorage: ['redis'] } },
		},
	];
}
