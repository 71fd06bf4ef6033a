import type { INodeProperties, INodePropertyOptions, NodePropertyTypes } from 'n8n-workflow';

import {
	defaultZendeskChatOperation,
	zendeskChatResources,
	ZENDESK_CHAT_CATALOG,
	type ZendeskChatOperation,
	type ZendeskChatParam,
} from '../../../lib/providers/zendesk-chat/catalog';

/**
 * The node's resources, operations and fields, derived from the shared operation catalog: one
 * Resource selector, one Operation selector per resource, the required parameters of each
 * operation as fields, its optional ones under Additional Fields, and Return All / Limit for
 * lists. A new catalog entry shows up here without a change to this file.
 */

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** Lists that the node pages through (Return All / Limit): every list but a fetch by given IDs. */
export function hasLimit(op: ZendeskChatOperation): boolean {
	return op.returns === 'list' && !op.params.some((p) => p.kind === 'list');
}

const TYPES: Record<ZendeskChatParam['kind'], NodePropertyTypes> = { string: 'string', number: 'number', dateTime: 'dateTime', list: 'string' };

function field(param: ZendeskChatParam, show?: INodeProperties['displayOptions']): INodeProperties {
	const type = TYPES[param.kind];
	// n8n keeps the catalog's default only where the type can hold it (a dateTime starts empty)
	const fallback = type === 'number' ? 0 : '';
	const value = param.default === undefined || type === 'dateTime' || typeof param.default !== typeof fallback ? fallback : param.default;
	const property: INodeProperties = {
		displayName: param.label,
		name: param.name,
		type,
		default: value,
		description: param.description,
	};
	if (param.placeholder) property.placeholder = param.placeholder;
	if (show) {
		property.required = true;
		property.displayOptions = show;
	}
	return property;
}

/** The n8n properties of the given catalog (default: the shared one). */
export function zendeskChatProperties(catalog: readonly ZendeskChatOperation[] = ZENDESK_CHAT_CATALOG): INodeProperties[] {
	const resources = zendeskChatResources(catalog);
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map(({ name, value }) => ({ name, value })).sort(byName),
			default: 'chat',
		},
	];
	for (const { value: resource } of resources) properties.push(...resourceProperties(resource, catalog));
	return properties;
}

/** A resource's operation list, each operation's fields, and Return All / Limit for its lists. */
function resourceProperties(resource: string, catalog: readonly ZendeskChatOperation[]): INodeProperties[] {
	const ops = catalog.filter((op) => op.resource === resource);
	const options: INodePropertyOptions[] = ops.map((op) => ({ name: op.name, value: op.operation, action: op.action, description: op.description })).sort(byName);
	// a plain identifier as the default: n8n's source lint reads anything else as "no default"
	const defaultOperation = defaultZendeskChatOperation(resource, catalog) ?? ops[0].operation;
	const properties: INodeProperties[] = [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options,
			default: defaultOperation,
		},
	];
	for (const op of ops) properties.push(...operationFields(op));
	const limited = ops.filter(hasLimit).map((op) => op.operation);
	if (limited.length) properties.push(...limitProperties(resource, limited));
	return properties;
}

/** An operation's required fields, and its optional ones under Additional Fields. */
function operationFields(op: ZendeskChatOperation): INodeProperties[] {
	const show = { show: { resource: [op.resource], operation: [op.operation] } };
	const fields = op.params.filter((p) => p.required).map((param) => field(param, show));
	const optional = op.params.filter((p) => !p.required);
	if (!optional.length) return fields;
	return [
		...fields,
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: show,
			options: optional.map((p) => field(p)).sort((a, b) => a.displayName.localeCompare(b.displayName)),
		},
	];
}

function limitProperties(resource: string, limited: string[]): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { resource: [resource], operation: limited } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { resource: [resource], operation: limited, returnAll: [false] } },
		},
	];
}
