import type { INodeProperties } from 'n8n-workflow';

import { maxResponseSizeOption } from '../../../../hosts/n8n/response-size';

const showFor = { resource: ['webhook'], operation: ['trigger'] };

export const webhookOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		options: [
			{
				name: 'Trigger',
				value: 'trigger',
				action: 'Trigger a webhook',
				description: 'Send data to a Deployteq webhook',
			},
		],
		default: 'trigger',
	},
];

export const webhookFields: INodeProperties[] = [
	{
		displayName: 'Webhook URL',
		name: 'endpointUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://webhook.myclang.com/app/api/rest/public/v2/project/datahook/data-receiver/123',
		description:
			'The endpoint shown in Deployteq\'s webhook wizard (authentication: OAuth 2.0). A URL from an expression must be on a Deployteq host or one of the credential\'s Allowed Webhook Hosts.',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Send',
		name: 'bodySource',
		type: 'options',
		options: [
			{ name: 'Input Item as Is', value: 'item', description: 'Send each input item\'s data unchanged' },
			{ name: 'Defined Fields', value: 'fields', description: 'Send only the fields you list below' },
			{ name: 'JSON', value: 'raw', description: 'Write the JSON yourself (expressions allowed)' },
		],
		default: 'item',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { ...showFor, bodySource: ['fields'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'email',
						description: 'Field name as mapped in the Deployteq webhook',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'JSON',
		name: 'jsonBody',
		type: 'json',
		default: '{\n  "email": "someone@example.com"\n}',
		description: 'One object, or an array of objects that Deployteq handles one by one',
		displayOptions: { show: { ...showFor, bodySource: ['raw'] } },
	},
	{
		displayName: 'Delivery',
		name: 'delivery',
		type: 'options',
		options: [
			{ name: 'One Request per Item', value: 'perItem' },
			{
				name: 'Items in Batches',
				value: 'batch',
				description: 'Several items in one request, as an array (fewer requests for many items)',
			},
		],
		default: 'perItem',
		displayOptions: { show: showFor },
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description: 'How many items go into one request at most. A batch is also split so no request exceeds Deployteq\'s 6 MB; an item larger than that fails alone, before anything is sent.',
		displayOptions: { show: { ...showFor, delivery: ['batch'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showFor },
		options: [
			{
				displayName: 'Parallel Requests',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 5,
				description: 'How many requests may run at the same time',
			},
			{
				displayName: 'Include Response Headers and Status',
				name: 'fullResponse',
				type: 'boolean',
				default: false,
				description: 'Whether to output the status code and headers along with the response body',
			},
			maxResponseSizeOption,
		],
	},
];
