import type { INodeProperties } from 'n8n-workflow';

import { httpsOnly } from './url-expression';

/**
 * Fields that say where a Zendesk Chat account lives, shared by both Zendesk Chat credentials, and
 * expressions over them (`$self` in hidden OAuth2 fields, `$credentials` in tests and requests).
 */
export const zendeskChatLocationProperties: INodeProperties[] = [
	{
		displayName: 'Subdomain',
		name: 'subdomain',
		type: 'string',
		default: '',
		placeholder: 'acme',
		description: 'The "acme" of acme.zendesk.com. Needed for the current host and for signing in from Zendesk Support.',
	},
	{
		displayName: 'API Host',
		name: 'host',
		type: 'options',
		options: [
			{
				name: 'Current ({Subdomain}.zendesk.com)',
				value: 'current',
				description: 'Chat API on your Zendesk subdomain (use this for new connections)',
			},
			{
				name: 'Legacy (www.zopim.com)',
				value: 'legacy',
				description: 'The former Zopim host, for older Chat accounts',
			},
		],
		default: 'current',
	},
	{
		displayName: 'Custom Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://proxy.example.com',
		description:
			'Optional. Replaces https://{subdomain}.zendesk.com (or https://www.zopim.com) when you go through a proxy or a test server. Leave empty normally.',
	},
];

/** Root URL (no trailing slash) as an expression body over `source` (`$self` or `$credentials`). */
export function rootExpression(source: string): string {
	return httpsOnly(
		`(${source}["baseUrl"] ? String(${source}["baseUrl"]).replace(/\\/+$/, "") : ` +
			`(${source}["host"] === "legacy" ? "https://www.zopim.com" : "https://" + String(${source}["subdomain"] || "").trim().toLowerCase() + ".zendesk.com"))`,
	);
}

/** Path prefixes of the two hosts. */
export function pathExpression(source: string, current: string, legacy: string): string {
	return `(${source}["host"] === "legacy" ? "${legacy}" : "${current}")`;
}

export function tokenUrlExpression(source: string): string {
	return `={{ ${rootExpression(source)} + ${pathExpression(source, '/oauth2/chat/token', '/oauth2/token')} }}`;
}

export function authorizeUrlExpression(source: string): string {
	return `={{ ${rootExpression(source)} + ${pathExpression(source, '/oauth2/chat/authorizations/new', '/oauth2/authorizations/new')} }}`;
}

/** The API base plus a path, e.g. `/account`. */
export function apiUrlExpression(source: string, path: string): string {
	return `={{ ${rootExpression(source)} + ${pathExpression(source, '/api/v2/chat', '/api/v2')} + "${path}" }}`;
}

export const zendeskChatScopesProperty: INodeProperties = {
	displayName: 'Scopes',
	name: 'scopes',
	type: 'multiOptions',
	options: [
		{ name: 'Read', value: 'read', description: 'Read chats, agents, departments and the account' },
		{ name: 'Write', value: 'write', description: 'Change data' },
		{ name: 'Chat', value: 'chat', description: 'Take part in chats' },
	],
	default: ['read'],
	description: 'What n8n may do in Zendesk Chat',
};
