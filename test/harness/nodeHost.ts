import './env';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	TriggerContext,
	TriggersAndPollers,
	WebhookContext,
} from 'n8n-core';
import {
	Workflow,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type ITriggerResponse,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { loadPackage, PACKAGE_NAME, PackageNodeTypes, TestCredentialsHelper } from './engine';

/**
 * Hosts one node of ours in a workflow, for what runNode cannot do: a trigger's webhook
 * lifecycle (checkExists/create/delete) and webhook() calls, and the editor's list searches.
 * Each call gets a fresh n8n-core context (HookContext, WebhookContext, LoadOptionsContext)
 * over the same Workflow, so static data lives on between calls as in an active workflow.
 */

export interface HostedNode {
	/** The node's `name` in its description, e.g. `telnyxTrigger`. */
	type: string;
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	timezone?: string;
	/** Where n8n would serve webhooks, e.g. `http://127.0.0.1:PORT/webhook`. */
	webhookBaseUrl?: string;
	/** The same ids as an earlier host: the same trigger, e.g. after an n8n restart. */
	workflowId?: string;
	nodeId?: string;
	webhookId?: string;
}

export class NodeHost {
	private constructor(
		readonly workflow: Workflow,
		readonly node: INode,
		readonly nodeType: INodeType,
		private readonly credentials: TestCredentialsHelper,
		private readonly webhookBaseUrl: string,
	) {}

	static async create(spec: HostedNode): Promise<NodeHost> {
		const loader = await loadPackage();
		const nodeTypes = new PackageNodeTypes(loader);
		const node: INode = {
			id: spec.nodeId ?? randomUUID(),
			name: 'Hosted Node',
			type: `${PACKAGE_NAME}.${spec.type}`,
			typeVersion: 1,
			position: [0, 0],
			webhookId: spec.webhookId ?? randomUUID(),
			parameters: spec.parameters as INode['parameters'],
			credentials: Object.fromEntries(
				Object.keys(spec.credentials).map((type) => [type, { id: `${type}-1`, name: type }]),
			),
		};
		const workflow = new Workflow({
			id: spec.workflowId ?? 'hosted-workflow',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: {},
			settings: { timezone: spec.timezone ?? 'America/New_York' },
		});
		const nodeType = nodeTypes.getByNameAndVersion(node.type, 1);
		return new NodeHost(
			workflow,
			node,
			nodeType,
			new TestCredentialsHelper(loader, spec.credentials),
			spec.webhookBaseUrl ?? 'http://127.0.0.1:5678/webhook',
		);
	}

	additionalData(
		extra: Partial<IWorkflowExecuteAdditionalData> = {},
	): IWorkflowExecuteAdditionalData {
		const executionId = randomUUID();
		return {
			credentialsHelper: this.credentials,
			hooks: new ExecutionLifecycleHooks('trigger', executionId, {
				id: this.workflow.id,
				nodes: [this.node],
				connections: {},
			} as never),
			executionId,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			webhookBaseUrl: this.webhookBaseUrl,
			webhookTestBaseUrl: `${this.webhookBaseUrl}-test`,
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			variables: {},
			currentNodeExecutionIndex: 0,
			...extra,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/** The node's webhook as n8n registers it (first of its description's webhooks). */
	webhookData(additionalData = this.additionalData()): IWebhookData {
		const description = this.nodeType.description.webhooks?.[0];
		if (!description) throw new Error(`${this.node.type} has no webhooks`);
		return {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: this.node.name,
			path: String(description.path),
			webhookDescription: description,
			workflowId: String(this.workflow.id),
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
	}

	/** The URL n8n would give Telnyx for this node (`getNodeWebhookUrl('default')`). */
	webhookUrl(): string {
		return `${this.webhookBaseUrl}/${String(this.node.webhookId)}/${String(this.nodeType.description.webhooks?.[0]?.path)}`;
	}

	/** Runs one webhook lifecycle method through n8n-core's HookContext, as n8n's WebhookService does. */
	async runWebhookMethod(
		method: 'checkExists' | 'create' | 'delete',
		mode: WorkflowExecuteMode = 'trigger',
		activation: WorkflowActivateMode = 'activate',
	): Promise<boolean | undefined> {
		const fn = this.nodeType.webhookMethods?.default?.[method];
		if (!fn) return undefined;
		const webhookData = this.webhookData();
		const context = new HookContext(
			this.workflow,
			this.node,
			webhookData.workflowExecuteAdditionalData,
			mode,
			activation,
			webhookData,
		);
		return await fn.call(context);
	}

	/** Workflow activation: checkExists, then create when it said false. */
	async activate(): Promise<void> {
		if (!(await this.runWebhookMethod('checkExists'))) await this.runWebhookMethod('create');
	}

	/** Workflow deactivation (n8n runs delete in internal mode). */
	async deactivate(): Promise<void> {
		await this.runWebhookMethod('delete', 'internal', 'update');
	}

	/** The node's static data, as n8n would save it after activation. */
	staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** Calls webhook() through n8n-core's WebhookContext with a request n8n already read. */
	async runWebhook(
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<IWebhookResponseData> {
		if (!this.nodeType.webhook) throw new Error(`${this.node.type} has no webhook()`);
		const additionalData = this.additionalData({
			httpRequest: request as never,
			httpResponse: response as never,
		});
		const context = new WebhookContext(
			this.workflow,
			this.node,
			additionalData,
			'trigger',
			this.webhookData(additionalData),
			[],
			null,
		);
		return await this.nodeType.webhook.call(context);
	}

	/**
	 * Activates a trigger node as n8n does (TriggersAndPollers over a TriggerContext): `emit`
	 * receives what it starts workflows with, `emitError` what makes n8n deactivate it (and retry
	 * the activation), `saveFailedExecution` what n8n records as a failed execution (and hands
	 * to the error workflow) while the trigger stays active. Without that handler a call throws,
	 * as in n8n-core's default. Call the response's closeFunction to deactivate.
	 */
	async startTrigger(
		handlers: {
			emit(data: INodeExecutionData[][]): void;
			emitError(error: Error): void;
			saveFailedExecution?(error: ExecutionError): void;
		},
		mode: WorkflowExecuteMode = 'trigger',
	): Promise<ITriggerResponse> {
		const contextFor = (
			workflow: Workflow,
			node: INode,
			additionalData: IWorkflowExecuteAdditionalData,
			executeMode: WorkflowExecuteMode,
			activation: WorkflowActivateMode,
		) =>
			new TriggerContext(
				workflow,
				node,
				additionalData,
				executeMode,
				activation,
				(data) => handlers.emit(data),
				(error) => handlers.emitError(error),
				handlers.saveFailedExecution ? (error) => handlers.saveFailedExecution?.(error) : undefined,
			);
		const response = await new TriggersAndPollers().runTriggerFunction(
			this.workflow,
			this.node,
			contextFor,
			this.additionalData(),
			mode,
			'activate',
		);
		if (!response) throw new Error(`${this.node.type} has no trigger()`);
		return response;
	}

	/** An editor list search (listSearch method) through n8n-core's LoadOptionsContext. */
	async listSearch(method: string, filter?: string, paginationToken?: string) {
		const search = this.nodeType.methods?.listSearch?.[method];
		if (!search) throw new Error(`${this.node.type} has no list search ${method}`);
		// The editor sends the node's parameters as they stand along with a list search.
		const additionalData = {
			...this.additionalData(),
			currentNodeParameters: this.node.parameters,
		};
		const context = new LoadOptionsContext(this.workflow, this.node, additionalData, '');
		return await search.call(context, filter, paginationToken);
	}
}
