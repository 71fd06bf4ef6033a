import type { IAllExecuteFunctions, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { n8nAuthorizedFetch, type AuthorizedFetchOptions, type N8nAuthorizedFetch } from '../../shared/authorized-fetch';

export const DEPLOYTEQ_CREDENTIAL = 'deployteqOAuth2Api';
export const ADVANCED_CREDENTIAL = 'advancedOAuth2Api';

export const deployteqAuthenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Deployteq OAuth2', value: 'deployteqOAuth2' },
		{
			name: 'Advanced OAuth2',
			value: 'advancedOAuth2',
			description: 'For special cases, e.g. a client secret with characters that need the encoded Basic header',
		},
	],
	default: 'deployteqOAuth2',
};

export const deployteqCredentials: INodeCredentialDescription[] = [
	{ name: DEPLOYTEQ_CREDENTIAL, required: true, displayOptions: { show: { authentication: ['deployteqOAuth2'] } } },
	{ name: ADVANCED_CREDENTIAL, required: true, displayOptions: { show: { authentication: ['advancedOAuth2'] } } },
];

function usesAdvanced(context: IAllExecuteFunctions): boolean {
	return context.getNodeParameter('authentication', 0, 'deployteqOAuth2') === 'advancedOAuth2';
}

/**
 * Requests signed with the node's credential: n8n's OAuth2 (fetch, refresh and save) for the
 * Deployteq credential, the generic authenticate for the advanced one.
 */
export function deployteqFetch(context: IAllExecuteFunctions, options: AuthorizedFetchOptions = {}): N8nAuthorizedFetch {
	return usesAdvanced(context)
		? n8nAuthorizedFetch(context, { type: ADVANCED_CREDENTIAL, oauth2: false }, options)
		: n8nAuthorizedFetch(context, { type: DEPLOYTEQ_CREDENTIAL, oauth2: true }, options);
}
