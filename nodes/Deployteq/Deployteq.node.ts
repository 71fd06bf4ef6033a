import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { webhookFields, webhookOperations } from './resources/webhook';
import { triggerWebhook } from './resources/webhook/trigger';
import { deployteqAuthenticationProperty, deployteqCredentials } from './shared/connection';

export class Deployteq implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Deployteq',
		name: 'deployteq',
		icon: { light: 'file:deployteq.svg', dark: 'file:deployteq.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send data to Deployteq (formerly Clang) webhooks secured with OAuth 2.0',
		defaults: { name: 'Deployteq' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: deployteqCredentials,
		properties: [
			deployteqAuthenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Webhook', value: 'webhook' }],
				default: 'webhook',
			},
			...webhookOperations,
			...webhookFields,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		if (resource === 'webhook' && operation === 'trigger') return [await triggerWebhook.call(this)];
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
}
