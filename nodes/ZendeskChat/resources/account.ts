import type { INodeProperties } from 'n8n-workflow';

export const accountOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [{ name: 'Get', value: 'get', action: 'Get the account', description: 'Get the Chat account\'s details and plan' }],
		default: 'get',
	},
];
