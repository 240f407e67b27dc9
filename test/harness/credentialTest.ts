import './env';
import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	INodeCredentialTestResult,
	INodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { loadPackage } from './engine';

/**
 * Tests a credential the way n8n does for types without an HTTP `test`: it finds the node whose
 * credentials entry names the type with `testedBy`, and calls that node's
 * `methods.credentialTest[testedBy]` with n8n-core's CredentialTestContext.
 */
export async function testCredentialByNode(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const loader = await loadPackage();
	for (const name of Object.keys(loader.known.nodes)) {
		const nodeType = NodeHelpers.getVersionedNodeType(loader.getNode(name).type) as INodeType;
		const entry = nodeType.description.credentials?.find(
			(credential) => credential.name === type && typeof credential.testedBy === 'string',
		);
		if (!entry) continue;
		const test = nodeType.methods?.credentialTest?.[entry.testedBy as string] as
			| ICredentialTestFunction
			| undefined;
		if (!test)
			throw new Error(
				`${name} names ${String(entry.testedBy)} as the test of ${type} but has no such methods.credentialTest`,
			);
		return await test.call(new CredentialTestContext(), {
			id: 'credential-under-test',
			name: type,
			type,
			data,
		});
	}
	throw new Error(`no node of the package tests the credential ${type}`);
}
