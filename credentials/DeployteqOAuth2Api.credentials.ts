import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { DEPLOYTEQ } from '../lib/providers/deployteq/description';
import { grantProperty, N8N_GRANT, requiredScopeNotices, scopeExpression, scopesProperty } from '../hosts/n8n/from-description';
import { httpsOnly } from '../hosts/n8n/url-expression';

/** The auth server's base URL as an expression body over `source` (`$self` or `$credentials`). */
function authBase(source: string): string {
	return httpsOnly(`(${source}["authHost"] === "custom" ? String(${source}["customAuthBaseUrl"] || "").replace(/\\/+$/, "") : ${source}["authHost"])`);
}
const AUTH_BASE = authBase('$self');

/**
 * Deployteq (formerly Clang) OAuth2 for webhooks. Extends n8n's OAuth2 so n8n runs the
 * authorization code flow, fetches client-credentials tokens, refreshes and saves tokens itself.
 * Hidden fields always take their default, so the token and authorize URLs are expressions over
 * the visible auth host fields.
 */
export class DeployteqOAuth2Api implements ICredentialType {
	name = 'deployteqOAuth2Api';

	displayName = 'Deployteq OAuth2 API';

	extends = ['oAuth2Api'];

	icon = 'file:icons/deployteq.svg' as const;

	// a literal, as n8n's lint wants; a unit test checks it equals the description's
	documentationUrl = 'https://docs.deployteq.net/dug/getting-started-with-deployteq/deployteq-store/webhook-receiver/oauth-2-0-server-for-deployteq-webhooks';

	properties: INodeProperties[] = [
		grantProperty(DEPLOYTEQ),
		{
			displayName: 'Auth Host',
			name: 'authHost',
			type: 'options',
			options: [
				...DEPLOYTEQ.authHosts.map((h) => ({ name: h.label.replace('(default)', '(Default)'), value: h.value })),
				{ name: 'Custom URL', value: 'custom' },
			],
			default: DEPLOYTEQ.authHosts[0].value,
			description: 'Where Deployteq issues tokens. Keep the default unless Deployteq told you otherwise.',
		},
		{
			displayName: 'Custom Auth Base URL',
			name: 'customAuthBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://auth.example.com',
			description: 'Base URL of the authorization server; /oauth2/auth and /oauth2/token are added to it',
			displayOptions: { show: { authHost: ['custom'] } },
		},
		{
			displayName: 'Allowed Webhook Hosts',
			name: 'allowedWebhookHosts',
			type: 'string',
			default: '',
			placeholder: 'hooks.example.com, *.example.org',
			description: `Hosts besides the Deployteq domains (${DEPLOYTEQ.webhookHosts.join(', ')}) that the token may be sent to when a webhook URL comes from an expression. Comma-separated; *.example.com allows its subdomains. Leave empty normally.`,
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ (${AUTH_BASE}) + "${DEPLOYTEQ.paths.consentPage}" }}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ (${AUTH_BASE}) + "${DEPLOYTEQ.paths.exchange}" }}`,
		},
		scopesProperty(
			DEPLOYTEQ,
			'What n8n may do. Pick only scopes the Deployteq application was registered with. With Authorization Code add "Stay Connected (offline_access)", or the connection ends when the first token expires.',
			{ grantType: DEPLOYTEQ.grants.map((g) => N8N_GRANT[g.value]) },
		),
		...requiredScopeNotices(DEPLOYTEQ),
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: scopeExpression(DEPLOYTEQ),
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];

	/**
	 * Without a `test`, n8n only checks that an OAuth2 credential holds a token, which fails for
	 * client credentials until the first run. With one, n8n signs this request with its OAuth2
	 * machinery: for client credentials it first fetches a token from the token URL (so a wrong
	 * client ID or secret fails the test with the token endpoint's error); for authorization code
	 * it needs the stored token ("not connected" without one). Deployteq has no read-only API to
	 * call with the token (only webhooks, which have effects), so the request goes to the
	 * authorization server's own authorize page and its HTTP status is not judged.
	 */
	test: ICredentialTestRequest = {
		request: {
			url: `={{ (${authBase('$credentials')}) + "${DEPLOYTEQ.paths.consentPage}" }}`,
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
	};
}
