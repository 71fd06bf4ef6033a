import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { errorJson, toNodeError } from '../../hosts/n8n/errors';
import { maxResponseBytes, maxResponseSizeOption } from '../../hosts/n8n/response-size';
import { authenticationProperty, credentialsOfZendeskChat } from './resources/authentication';
import { zendeskChatProperties } from './resources/properties';
import { findOperation, runOperation, toRecords } from './resources/run';
import { zendeskChatApi } from './shared/connection';

export class ZendeskChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zendesk Chat',
		name: 'zendeskChat',
		icon: { light: 'file:zendeskChat.svg', dark: 'file:zendeskChat.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Read chats, agents, bans, goals, triggers, exports and more from Zendesk Chat (formerly Zopim)',
		defaults: { name: 'Zendesk Chat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsOfZendeskChat,
		properties: [
			authenticationProperty,
			// resources, operations and their fields, from the shared catalog (lib/providers/zendesk-chat/catalog.ts)
			...zendeskChatProperties(),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [maxResponseSizeOption],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const options = this.getNodeParameter('options', 0, {}) as { maxResponseSizeMb?: number };
		const { api, fetch } = await zendeskChatApi(this, { maxResponseBytes: maxResponseBytes(options.maxResponseSizeMb) });
		for (let i = 0; i < items.length; i++) {
			try {
				const resource = this.getNodeParameter('resource', i) as string;
				const operation = this.getNodeParameter('operation', i) as string;
				const op = findOperation(resource, operation);
				if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`, { itemIndex: i });
				for (const json of toRecords(await runOperation.call(this, api, op, i))) out.push({ json, pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, i, fetch);
				if (!this.continueOnFail()) throw nodeError;
				out.push({ json: errorJson(nodeError), pairedItem: { item: i } });
			}
		}
		return [out];
	}
}
