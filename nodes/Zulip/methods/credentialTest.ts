import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { settle } from '../../../shared/errors';
import { FEATURES, supports } from '../actions/features';
import { serverOf } from '../transport/serverFacts';

/**
 * The credential's test (its `testedBy`): who the key belongs to (GET /users/me) and which Zulip
 * the server runs (GET /server_settings). A server without scheduled messages fails the test, so
 * the editor shows why (n8n shows its own text for a test that passes).
 */
export async function zulipConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const base = String(data.url ?? '')
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(base))
		return { status: 'Error', message: `Server URL ("${base}") is not an http(s) address` };
	const login = Buffer.from(`${String(data.email ?? '')}:${String(data.apiKey ?? '')}`);
	const get = async (path: string, authenticated: boolean) =>
		// A credential test's context has no httpRequest, only this (n8n's own credential tests use it).
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		(await this.helpers.request({
			method: 'GET',
			uri: `${base}/api/v1${path}`,
			headers: authenticated ? { authorization: `Basic ${login.toString('base64')}` } : {},
			json: true,
		})) as IDataObject;

	const me = await settle(get('/users/me', true));
	if (!me.ok) return { status: 'Error', message: reasonOf(me.error, base) };
	const settings = await settle(get('/server_settings', false));
	if (!settings.ok) return { status: 'Error', message: reasonOf(settings.error, base) };

	const server = serverOf(settings.value);
	const who = `${String(me.value.full_name ?? '')} (${String(me.value.email ?? data.email)})`;
	const runs = `Zulip ${server.version} (feature level ${server.featureLevel})`;
	const scheduled = FEATURES.scheduledMessages;
	if (!supports(server, scheduled)) {
		return {
			status: 'Error',
			message: `Connected as ${who}, but the server runs ${runs}: scheduled messages need Zulip ${scheduled.version} or newer (feature level ${scheduled.featureLevel}). Message > Send works.`,
		};
	}
	return { status: 'OK', message: `Connected as ${who} to ${runs}` };
}

/** Zulip's msg when it answered, else what went wrong on the way; never the credential's values. */
function reasonOf(error: unknown, base: string): string {
	const failure = error as {
		statusCode?: number;
		response?: { status?: number; body?: IDataObject; data?: IDataObject };
		error?: IDataObject;
		cause?: { code?: string };
		code?: string;
	};
	const status = failure.statusCode ?? failure.response?.status;
	const body = failure.error ?? failure.response?.body ?? failure.response?.data;
	if (status === 401)
		return `Zulip refused the email and API key (${String(body?.msg ?? 'HTTP 401')}): the key must belong to that email`;
	if (status !== undefined)
		return `Zulip answered HTTP ${status}${body?.msg ? `: ${String(body.msg)}` : ''}; check the Server URL`;
	return `Could not reach ${base} (${failure.code ?? failure.cause?.code ?? 'no answer'})`;
}
