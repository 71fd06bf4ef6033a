import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { ZENDESK_CHAT_CREDENTIAL_STANDARD, ZENDESK_CHAT_CREDENTIAL_LOGIN } from '../shared/connection';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'OAuth2 (Sign in or Client Credentials)',
			value: 'oAuth2',
		},
		{
			name: 'OAuth2 Password (Chat-Only Accounts)',
			value: 'password',
		},
	],
	default: 'oAuth2',
};

export const credentialsOfZendeskChat: INodeCredentialDescription[] = [
	{ name: ZENDESK_CHAT_CREDENTIAL_STANDARD, required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
	{ name: ZENDESK_CHAT_CREDENTIAL_LOGIN, required: true, displayOptions: { show: { authentication: ['password'] } } },
];
