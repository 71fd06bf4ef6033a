import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	authorizeUrlExpression,
	tokenUrlExpression,
	zendeskChatLocationProperties,
	zendeskChatScopesProperty,
} from './shared/zendesk-chat-fields';

/**
 * Zendesk Chat (formerly Zopim) OAuth2: authorization code or client credentials, client
 * credentials in the request body. n8n runs the flows and refreshes; URLs derive from the visible
 * location fields because hidden fields always take their default.
 */
export class ZendeskChatOAuth2Api implements ICredentialType {
	name = 'zendeskChatOAuth2Api';

	displayName = 'Zendesk Chat OAuth2 API';

	extends = ['oAuth2Api'];

	icon = 'file:icons/zendeskChat.svg' as const;

	documentationUrl = 'https://developer.zendesk.com/api-reference/live-chat/chat-api/';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Authorization Code',
					value: 'authorizationCode',
					description: 'A Chat agent signs in and approves access',
				},
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
					description: 'Confidential API client only; actions are logged as the admin who created the client',
				},
			],
			default: 'authorizationCode',
		},
		...zendeskChatLocationProperties,
		zendeskChatScopesProperty,
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: authorizeUrlExpression('$self'),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: tokenUrlExpression('$self'),
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '={{ ($self["scopes"] || []).join(" ") }}',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '={{ $self["subdomain"] ? "subdomain=" + encodeURIComponent(String($self["subdomain"]).trim().toLowerCase()) : "" }}',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
