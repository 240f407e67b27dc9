import './env';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const PACKAGE_ROOT = resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-scheduled-messaging';

let loaderPromise: Promise<PackageDirectoryLoader> | undefined;

/** Loads the built package from dist/ the way n8n loads a community package. */
export async function loadPackage(): Promise<PackageDirectoryLoader> {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		return loader;
	})();
	return await loaderPromise;
}

function shortName(type: string): string {
	return type.startsWith(`${PACKAGE_NAME}.`) ? type.slice(PACKAGE_NAME.length + 1) : type;
}

export class PackageNodeTypes implements INodeTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.loader.getNode(shortName(nodeType)).type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return this.loader.known.nodes;
	}
}

/**
 * Credentials as n8n's CLI handles them, minus the database: data is given per test, and
 * `authenticate` applies the credential type's generic rules through the workflow's expressions.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly loader: PackageDirectoryLoader,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	credentialType(name: string): ICredentialType {
		return this.loader.getCredential(name).type;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialType(typeName).authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || authenticate.type !== 'generic') return requestOptions;
		const resolveValue = (value: unknown) =>
			resolveWithCredentials(value, credentials, workflow, node);
		const properties = authenticate.properties as Record<string, Record<string, unknown>>;
		for (const [target, entries] of Object.entries(properties)) {
			const resolved: IDataObject = {};
			for (const [key, value] of Object.entries(entries))
				resolved[key] = resolveValue(value) as string;
			const options = requestOptions as unknown as Record<string, IDataObject | undefined>;
			options[target] = { ...(options[target] ?? {}), ...resolved };
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	/** How often the engine read each credential type (a database read + decryption in n8n). */
	readonly reads: Record<string, number> = {};

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_node: unknown,
		type: string,
	) {
		this.reads[type] = (this.reads[type] ?? 0) + 1;
		const data = this.data[type];
		if (!data) throw new Error(`the test gave no credential data for ${type}`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialType(type).properties;
	}
}

export function resolveWithCredentials(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
	workflow?: Workflow,
	node?: INode,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=') || !workflow || !node) return value;
	return workflow.expression.getParameterValue(
		value,
		null,
		0,
		0,
		node.name,
		[],
		'internal',
		{ $credentials: credentials },
		undefined,
		false,
	);
}

export interface NodeUnderTest {
	/** The node's `name` in its description, e.g. `zulip`. */
	type: string;
	parameters: IDataObject;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	name?: string;
	continueOnFail?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface RunOptions {
	node: NodeUnderTest;
	/** The items fed into the node (json only). */
	items?: IDataObject[];
	/**
	 * Several runs of the node in one execution, as a loop or two branches make (run index 0, 1,
	 * ...), each fed its own items; overrides `items`.
	 */
	runs?: IDataObject[][];
	/** Called once the execution started, with what n8n's Stop button calls. */
	onStarted?: (stop: () => void) => void;
	timezone?: string;
	executionId?: string;
	mode?: WorkflowExecuteMode;
}

export interface NodeRunResult {
	/** Items on the node's first output (of its first run). */
	items: INodeExecutionData[];
	/** Each run's items and error, by run index. */
	runs: Array<{ items: INodeExecutionData[]; error?: NodeRunResult['error'] }>;
	/** The node's error as the engine recorded it (a plain object), if it failed. */
	error?: {
		name?: string;
		message: string;
		description?: string | null;
		httpCode?: string | null;
		context?: IDataObject;
	};
	run: IRun;
	/** How often the execution read each credential type (see TestCredentialsHelper.reads). */
	credentialReads?: Record<string, number>;
}

/** Runs one of our nodes, fed `items`, through n8n-core's WorkflowExecute, as in a real execution. */
export async function runNode(options: RunOptions): Promise<NodeRunResult> {
	const loader = await loadPackage();
	const nodeTypes = new PackageNodeTypes(loader);
	const credentialData = options.node.credentials ?? {};
	const name = options.node.name ?? 'Node Under Test';
	const node: INode = {
		id: 'b1c2d3e4-0000-4000-8000-000000000001',
		name,
		type: `${PACKAGE_NAME}.${options.node.type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.node.parameters as INode['parameters'],
		credentials: Object.fromEntries(
			Object.keys(credentialData).map((type) => [type, { id: `${type}-1`, name: type }]),
		),
		continueOnFail: options.node.continueOnFail,
		retryOnFail: options.node.retryOnFail,
		maxTries: options.node.maxTries,
		waitBetweenTries: options.node.waitBetweenTries,
	};
	const workflowData = {
		id: 'test-workflow',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		settings: { timezone: options.timezone ?? 'America/New_York', executionOrder: 'v1' as const },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const mode = options.mode ?? 'manual';
	const executionId = options.executionId ?? randomUUID();
	const credentialsHelper = new TestCredentialsHelper(loader, credentialData);
	const additionalData = {
		credentialsHelper,
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData as never),
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeExecutionIndex: 0,
	} as unknown as IWorkflowExecuteAdditionalData;

	const runs = options.runs ?? [options.items ?? [{}]];
	const nodeExecutionStack: IExecuteData[] = runs.map((items) => ({
		node,
		data: { main: [items.map((json) => ({ json }))] },
		source: null,
	}));
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack } });
	const execution = new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	options.onStarted?.(() => execution.cancel());
	const run = await execution;
	const runResults = (run.data.resultData.runData[name] ?? []).map((taskData) => ({
		items: taskData.data?.main?.[0] ?? [],
		error: taskData.error as NodeRunResult['error'],
	}));
	const first = runResults[0];
	const error = (first?.error ?? run.data.resultData.error) as NodeRunResult['error'];
	return {
		items: first?.items ?? [],
		runs: runResults,
		error,
		run,
		credentialReads: { ...credentialsHelper.reads },
	};
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	statusCode?: number;
	message: string;
}

/** Runs a credential type's `test` request the way n8n's credential tester does. */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const loader = await loadPackage();
	const credentialType = loader.getCredential(type).type;
	const test = credentialType.test;
	if (!test) throw new Error(`${type} has no test request`);
	const helper = new TestCredentialsHelper(loader, { [type]: data });
	const nodeTypes = new PackageNodeTypes(loader);
	const node: INode = {
		id: 'cred-test',
		name: 'Credential Test',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });
	const request = Object.fromEntries(
		Object.entries(test.request).map(([key, value]) => [
			key,
			resolveWithCredentials(value, data, workflow, node),
		]),
	) as unknown as IHttpRequestOptions;
	const url = new URL(`${String(request.baseURL ?? '').replace(/\/+$/, '')}${request.url}`);
	const authenticated = await helper.authenticate(
		data,
		type,
		{
			url: url.toString(),
			method: request.method ?? 'GET',
			headers: { ...(request.headers ?? {}) },
		},
		workflow,
		node,
	);
	const headers: Record<string, string> = { ...(authenticated.headers as Record<string, string>) };
	if (authenticated.auth) {
		headers.authorization = `Basic ${Buffer.from(`${authenticated.auth.username}:${authenticated.auth.password}`).toString('base64')}`;
	}
	const response = await fetch(url, { method: request.method ?? 'GET', headers });
	return response.ok
		? { status: 'OK', statusCode: response.status, message: 'Connection tested successfully' }
		: {
				status: 'Error',
				statusCode: response.status,
				message: `${response.status} ${await response.text()}`,
			};
}

/** One test run of a provider node: what varies between tests, with the credential built per fake. */
export interface ProviderRun {
	parameters: IDataObject;
	items?: IDataObject[];
	timezone?: string;
	executionId?: string;
	runs?: IDataObject[][];
	onStarted?: (stop: () => void) => void;
	node?: Partial<NodeUnderTest>;
	/** Overrides of the credential's fields (e.g. a wrong key). */
	credentials?: IDataObject;
}

/** Runs node `type` with the credentials `credentialsFor(overrides)` builds. */
export async function runProviderNode(
	type: string,
	credentialsFor: (overrides?: IDataObject) => Record<string, ICredentialDataDecryptedObject>,
	run: ProviderRun,
): Promise<NodeRunResult> {
	return await runNode({
		node: {
			type,
			parameters: run.parameters,
			credentials: credentialsFor(run.credentials),
			...run.node,
		},
		items: run.items,
		runs: run.runs,
		onStarted: run.onStarted,
		timezone: run.timezone,
		executionId: run.executionId,
	});
}
