import type { INodeProperties } from 'n8n-workflow';

import { idField, paginationFields } from './common';

export const departmentOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['department'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a department', description: 'Get one department by ID' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many departments', description: 'List the account\'s departments' },
		],
		default: 'getAll',
	},
];

export const departmentFields: INodeProperties[] = [
	idField('department', 'departmentId', 'Department ID', 'Numeric ID of the department'),
	...paginationFields('department', ['getAll']),
];
