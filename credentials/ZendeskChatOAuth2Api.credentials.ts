import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	apiUrlExpression,
	authorizeUrlExpression,
	tokenUrlExpression,
	zendeskChatLocationProperties,
	zendeskChatScopesProperties,
} from '../hosts/n8n/zendesk-chat-fields';
import { ZENDESK_CHAT } from '../lib/providers/zendesk-chat/description';
import { grantProperty, scopeExpression } from '../hosts/n8n/from-description';

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

	// a literal, as n8n's lint wants; a unit test checks it equals the description's
	documentationUrl = 'https://developer.zendesk.com/api-reference/live-chat/chat-api/';

	properties: INodeProperties[] = [
		grantProperty(ZENDESK_CHAT, ['authorization_code', 'client_credentials']),
		...zendeskChatLocationProperties,
		...zendeskChatScopesProperties,
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
			default: scopeExpression(ZENDESK_CHAT),
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
			default: ZENDESK_CHAT.clientAuth === 'body' ? 'body' : 'header',
		},
	];

	/**
	 * Reads the account with the token. Without a `test`, n8n only checks that an OAuth2 credential
	 * holds a token, which fails for client credentials until the first run. With one, n8n signs
	 * the request with its OAuth2 machinery: client credentials fetch a token first (a wrong
	 * secret fails at the token endpoint); authorization code uses the stored token, refreshes it
	 * after a 401, and reports "not connected" without one.
	 */
	test: ICredentialTestRequest = {
		request: {
			url: apiUrlExpression('$credentials', '/account'),
			method: 'GET',
		},
	};
}
