import type { INodeProperties } from 'n8n-workflow';

import { idField, paginationFields } from './common';

export const chatOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		options: [
			{ name: 'Get', value: 'get', action: 'Get a chat', description: 'Get one chat by its ID' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many chats', description: 'List chats, newest pages first as Zendesk returns them' },
			{ name: 'Search', value: 'search', action: 'Search chats', description: 'Find chats with a search query' },
			{
				name: 'Incremental Export',
				value: 'incrementalExport',
				action: 'Export chats changed since a time',
				description: 'Chats created or updated since a start time, oldest first',
			},
		],
		default: 'getAll',
	},
];

export const chatFields: INodeProperties[] = [
	idField('chat', 'chatId', 'Chat ID', 'ID of the chat, e.g. 2001.abcDEF'),
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'visitor_email:someone@example.com',
		description: 'Free text or field searches, e.g. type:chat AND end_timestamp:[2024-01-01T00:00:00 TO 2024-01-15T00:00:00]',
		displayOptions: { show: { resource: ['chat'], operation: ['search'] } },
	},
	{
		displayName: 'Start Time',
		name: 'startTime',
		type: 'dateTime',
		required: true,
		default: '',
		description: 'Export chats created or updated at or after this time',
		displayOptions: { show: { resource: ['chat'], operation: ['incrementalExport'] } },
	},
	...paginationFields('chat', ['getAll', 'search', 'incrementalExport']),
];
