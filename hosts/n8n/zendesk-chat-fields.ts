import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

import type { OAuth2Config } from '../../lib/oauth2/types';
import { grantOf } from '../../lib/providers/settings';
import { ZENDESK_CHAT } from '../../lib/providers/zendesk-chat/description';
import { zendeskChatConfigOf } from '../../lib/providers/zendesk-chat/settings';
import type { EngineGrant } from './engine-token';
import { chosenScopes, requiredScopeNotices, scopesProperty, titleCase } from './from-description';
import { httpsOnly } from './url-expression';

const { current, legacy } = ZENDESK_CHAT.hosts;

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
		options: ZENDESK_CHAT.hostChoices.map((h) => ({
			name: titleCase(h.label.replace(/: (.*)$/, ' ($1)')),
			value: h.value,
			...(h.description ? { description: h.description } : {}),
		})),
		default: ZENDESK_CHAT.defaultHost,
	},
	{
		displayName: 'Custom Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'https://proxy.example.com',
		description: `Optional. Replaces ${current.root} (or ${legacy.root}) when you go through a proxy or a test server. Leave empty normally.`,
	},
];

/** Root URL (no trailing slash) as an expression body over `source` (`$self` or `$credentials`). */
export function rootExpression(source: string): string {
	return httpsOnly(
		`(${source}["baseUrl"] ? String(${source}["baseUrl"]).replace(/\\/+$/, "") : ` +
			`(${source}["host"] === "legacy" ? "${legacy.root}" : "${current.root.split('{subdomain}')[0]}" + String(${source}["subdomain"] || "").trim().toLowerCase() + "${current.root.split('{subdomain}')[1]}"))`,
	);
}

/** Path prefixes of the two hosts. */
export function pathExpression(source: string, current: string, legacy: string): string {
	return `(${source}["host"] === "legacy" ? "${legacy}" : "${current}")`;
}

export function tokenUrlExpression(source: string): string {
	return `={{ ${rootExpression(source)} + ${pathExpression(source, current.paths.exchange, legacy.paths.exchange)} }}`;
}

export function authorizeUrlExpression(source: string): string {
	return `={{ ${rootExpression(source)} + ${pathExpression(source, current.paths.consentPage, legacy.paths.consentPage)} }}`;
}

/** The API base plus a path, e.g. `/account`. */
export function apiUrlExpression(source: string, path: string): string {
	return `={{ ${rootExpression(source)} + ${pathExpression(source, current.paths.api, legacy.paths.api)} + "${path}" }}`;
}

/** The Scopes field of both Zendesk Chat credentials, and the notice shown while it lacks a required scope. */
export const zendeskChatScopesProperties: INodeProperties[] = [
	scopesProperty(ZENDESK_CHAT, 'What n8n may do in Zendesk Chat', { host: ZENDESK_CHAT.hostChoices.map((h) => h.value) }),
	...requiredScopeNotices(ZENDESK_CHAT),
];

/**
 * The Zendesk Chat Password credential's engine configuration and grant, through the provider's one
 * mapper: its `preAuthentication` and the health trigger's check both call this.
 */
export function zendeskChatPasswordSetup(data: ICredentialDataDecryptedObject): { config: OAuth2Config; grant: EngineGrant } {
	const { apiBaseUrl: _apiBaseUrl, ...config } = zendeskChatConfigOf({ ...data, scopes: chosenScopes(data) });
	return { config, grant: grantOf('password', data) as EngineGrant };
}
