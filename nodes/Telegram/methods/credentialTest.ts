import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { checkIdentity, describeIdentity } from '../transport';

/** The credential's test (its `testedBy`): connect, ask who the account is, disconnect. */
export async function telegramMtprotoConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const check = await checkIdentity(credential.data ?? {});
	if (!check.ok) return { status: 'Error', message: check.message };
	return { status: 'OK', message: `Connected as ${describeIdentity(check.identity)}` };
}
