import type { INodeProperties } from 'n8n-workflow';

import { idField, paginationFields } from './common';

export const agentOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get an agent', description: 'Get one agent by ID' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many agents', description: 'List the account\'s agents' },
		],
		default: 'getAll',
	},
];

export const agentFields: INodeProperties[] = [
	idField('agent', 'agentId', 'Agent ID', 'Numeric ID of the agent'),
	...paginationFields('agent', ['getAll']),
];
