import type { IAllExecuteFunctions, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { DEPLOYTEQ_DEFAULT_AUTH_BASE_URL, DEPLOYTEQ_WEBHOOK_HOSTS, type DeployteqWebhookPolicy } from '../../../lib/providers/deployteq';
import { hostList } from '../../../lib/oauth2/urls';
import { n8nAuthorizedFetch, type AuthorizedFetchOptions, type N8nAuthorizedFetch } from '../../../hosts/n8n/authorized-fetch';

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

/**
 * Where the node may send its token (`triggerDeployteqWebhook` checks every URL against it):
 * - `authBaseUrl`: the credential's auth host (Deployteq credential) or token URL (advanced one); a
 *   loopback one (the sandbox) allows loopback webhooks over http;
 * - `allowedHosts`: the Deployteq domains plus the credential's "Allowed Webhook Hosts";
 * - `configuredEndpoint`: the Webhook URL typed on the node. Only a fixed value counts: a URL that
 *   comes from an expression (item data) must be on a Deployteq or an allowed host.
 */
export async function deployteqWebhookPolicy(context: IAllExecuteFunctions): Promise<DeployteqWebhookPolicy> {
	const raw = context.getNode().parameters?.endpointUrl;
	const configuredEndpoint = typeof raw === 'string' && raw && !raw.startsWith('=') ? raw : undefined;
	if (usesAdvanced(context)) {
		const credentials = await context.getCredentials(ADVANCED_CREDENTIAL);
		return { authBaseUrl: String(credentials.tokenUrl ?? '') || undefined, allowedHosts: DEPLOYTEQ_WEBHOOK_HOSTS, configuredEndpoint };
	}
	const credentials = await context.getCredentials(DEPLOYTEQ_CREDENTIAL);
	const authHost = String(credentials.authHost ?? '');
	const authBaseUrl = authHost === 'custom' ? String(credentials.customAuthBaseUrl ?? '') : authHost || DEPLOYTEQ_DEFAULT_AUTH_BASE_URL;
	return {
		authBaseUrl: authBaseUrl || undefined,
		allowedHosts: [...DEPLOYTEQ_WEBHOOK_HOSTS, ...hostList(credentials.allowedWebhookHosts)],
		configuredEndpoint,
	};
}
