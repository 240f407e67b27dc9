import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { TelegramFake } from './server';

/** The Telegram credential's fields for an account logged in on the fake (a new session each call). */
export function telegramCredentialData(
	fake: TelegramFake,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return {
		apiId: fake.apiId,
		apiHashSecret: fake.apiHash,
		sessionToken: fake.createSession(),
		environment: 'production',
		customServer: true,
		serverAddress: `${fake.host}:${fake.port}`,
		dcId: fake.dcId,
		...overrides,
	};
}
