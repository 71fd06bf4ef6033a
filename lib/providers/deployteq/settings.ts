/**
 * The Deployteq credential's settings, once: the schema (what each setting is, its default and how
 * a dialog shows it) and the mapper from a flat settings record to the engine configuration, the
 * grant type and the webhook policy. Node-RED's `deployteq-oauth2` renders its dialog from the
 * schema and builds its configuration with the mapper.
 */
import type { OAuth2Config } from '../../oauth2/types';
import { hostList } from '../../oauth2/urls';
import { values } from '../description';
import { credentialFieldsOf, type SettingSpec } from '../setting-ui';
import { listOf, trimmed } from '../settings';
import { deployteqOAuth2Config } from './config';
import { DEPLOYTEQ } from './description';
import { DEPLOYTEQ_WEBHOOK_HOSTS, type DeployteqWebhookPolicy } from './webhook';

export type DeployteqGrant = 'authorization_code' | 'client_credentials';

export const DEPLOYTEQ_SETTINGS: readonly SettingSpec[] = [
  { name: 'grantType', label: 'Grant', kind: 'choice', default: DEPLOYTEQ.defaultGrant, ui: { icon: 'key', choices: 'grants' } },
  { name: 'authBaseUrl', label: 'Auth URL', kind: 'text', required: true, default: DEPLOYTEQ.authHosts[0].value, ui: { icon: 'globe', placeholder: DEPLOYTEQ.authHosts[0].value } },
  { name: 'clientId', label: 'Client ID', kind: 'text', required: true, ui: { icon: 'user' } },
  { name: 'clientSecret', label: 'Client secret', kind: 'secret', ui: { icon: 'lock' } },
  {
    name: 'scopes',
    label: 'Scopes',
    kind: 'list',
    default: DEPLOYTEQ.scopes.default.join(' '),
    ui: {
      icon: 'list',
      placeholder: values(DEPLOYTEQ.scopes.choices).slice(0, 2).join(' '),
      tips: [{ text: 'Add `offline_access` to the scopes to get a refresh token. Consent must be given by the Deployteq user who registered the application.', grants: ['authorization_code'] }],
    },
  },
  {
    name: 'allowedHosts',
    label: 'Webhook hosts',
    kind: 'list',
    default: DEPLOYTEQ.webhookHosts.join(', '),
    ui: {
      icon: 'shield',
      placeholder: 'hosts the token may be sent to',
      section: 'api',
      tips: [{ text: "The token is sent only over https to a webhook node's own endpoint host or to these hosts (`*.example.com` for subdomains): a `msg.url` pointing elsewhere is refused." }],
    },
  },
];

export const DEPLOYTEQ_CREDENTIAL_FIELDS = credentialFieldsOf(DEPLOYTEQ_SETTINGS);

export interface DeployteqSetup {
  config: OAuth2Config;
  grantType: DeployteqGrant;
  webhookPolicy: DeployteqWebhookPolicy;
}

/** The one mapper: a flat settings record (the client secret included) → configuration, grant type and webhook policy. */
export function deployteqSetupOf(settings: Record<string, unknown>): DeployteqSetup {
  const grantType: DeployteqGrant = settings.grantType === 'authorization_code' ? 'authorization_code' : 'client_credentials';
  const clientId = trimmed(settings.clientId);
  if (!clientId) throw new TypeError('The client ID is empty');
  const authBaseUrl = trimmed(settings.authBaseUrl) || undefined;
  const config = deployteqOAuth2Config({ clientId, clientSecret: settings.clientSecret ? String(settings.clientSecret) : '', grant: grantType, authBaseUrl, scopes: listOf(settings.scopes) });
  // a flow saved before the setting existed keeps Deployteq's own domains
  const allowedHosts = settings.allowedHosts === undefined ? [...DEPLOYTEQ_WEBHOOK_HOSTS] : hostList(settings.allowedHosts);
  return { config, grantType, webhookPolicy: { authBaseUrl, allowedHosts } };
}
