/**
 * The generic OAuth2 client's settings, once: the schema (every setting with its kind, default,
 * grants, secrecy and how each host offers it) and the one mapper from a flat settings record to
 * the engine configuration, grant and token-manager options. Node-RED's `oauth2-client` and n8n's
 * Advanced OAuth2 credential both call it; n8n's stored names are translated by `fromN8n`.
 */
import type { GrantSpec } from '../../oauth2/token-state';
import type { ReactiveRefreshOptions } from '../../oauth2/authorized-client';
import type { DiscoveredServer } from '../../oauth2/discovery';
import { algForPrivateKey } from '../../oauth2/jwt';
import type { ClientAuthMethod, OAuth2Config, ResponseMapping } from '../../oauth2/types';
import { hostList } from '../../oauth2/urls';
import { values } from '../description';
import { commaListOf, grantOf, listOf, mapOf, numberOf, statusListOf, switchOf, trimmed, validationsOf } from '../settings';
import { GENERIC } from './description';
import { credentialFieldsOf, type SettingSpec } from '../setting-ui';
import type { ProviderSetup } from '../setup';

export type GenericGrant = 'authorization_code' | 'client_credentials' | 'password' | 'refresh_token' | 'jwt_bearer' | 'device_code' | 'token_exchange';
/** How a host offers a setting: under this name, or not at all, and why. */
type Offer = string | { no: string };

export interface GenericSetting extends SettingSpec {
  grants?: readonly GenericGrant[];
  /** The n8n Advanced OAuth2 credential's property name (stored credentials keep it), or why n8n does not offer it. */
  n8n: Offer;
  /** Node-RED's `oauth2-client` offers every setting under its schema name (secrets as credentials), unless it says why not. */
  nodeRed?: { no: string };
}

/** The grants whose tokens a user's approval gives, refreshed afterwards. */
const CODE: readonly GenericGrant[] = ['authorization_code', 'refresh_token', 'device_code'];
const JWT: readonly GenericGrant[] = ['jwt_bearer'];
const EXCHANGE: readonly GenericGrant[] = ['token_exchange'];
const JWT_METHODS: readonly ClientAuthMethod[] = ['private_key_jwt', 'client_secret_jwt'];
const N8N_NO_CODE = { no: "n8n runs the authorization-code flow itself: use n8n's own OAuth2 API credential" };
const N8N_NO_REFRESH = { no: "n8n's preAuthentication never refreshes: it runs the credential's grant again" };
const N8N_KEEPS_TOKEN = { no: 'n8n keeps only the access token and its expiry' };
const N8N_NO_API = { no: "API calls go through n8n's HTTP Request node, which has its own settings" };

export const GENERIC_SETTINGS: readonly GenericSetting[] = [
  {
    name: 'discoverFrom',
    label: 'Discover from API URL',
    kind: 'text',
    n8n: 'discoveryUrl',
    ui: {
      icon: 'search',
      short: 'API URL',
      placeholder: 'https://api.example.com/mcp (optional)',
      action: 'discover',
      tips: [{ text: 'Discover reads the API\'s metadata (RFC 9728, then RFC 8414 / OpenID) and fills the token, authorization and revocation URLs, the issuer, the resource and the scopes. Nothing is sent but GET requests without credentials.' }],
    },
  },
  { name: 'grantType', label: 'Grant', kind: 'choice', n8n: 'grantType', default: GENERIC.defaultGrant, ui: { icon: 'key', short: 'Grant', choices: 'grantChoices' } },
  { name: 'tokenUrl', label: 'Token URL', kind: 'text', n8n: 'tokenUrl', required: true, ui: { icon: 'globe', placeholder: 'https://as.example.com/token' } },
  { name: 'authorizationUrl', label: 'Authorization URL', kind: 'text', grants: ['authorization_code'], n8n: N8N_NO_CODE, ui: { icon: 'globe', short: 'Authorize URL', placeholder: 'https://as.example.com/authorize' } },
  {
    name: 'deviceAuthorizationUrl',
    label: 'Device authorization URL',
    kind: 'text',
    grants: ['device_code'],
    n8n: { no: 'an n8n credential cannot show a user code and wait for the user' },
    ui: { icon: 'globe', short: 'Device URL', placeholder: 'https://as.example.com/device (Discover fills it)' },
  },
  { name: 'refreshUrl', label: 'Refresh URL', kind: 'text', grants: CODE, n8n: N8N_NO_REFRESH, ui: { icon: 'globe', placeholder: 'optional: defaults to the token URL', section: 'request', shownFor: 'all' } },
  { name: 'revocationUrl', label: 'Revocation URL', kind: 'text', n8n: { no: 'n8n has no disconnect step that could revoke' }, ui: { icon: 'globe', placeholder: "optional: RFC 7009, else the server's metadata", section: 'request' } },
  {
    name: 'clientId',
    label: 'Client ID',
    kind: 'text',
    n8n: 'clientId',
    ui: { icon: 'user', action: 'register', tips: [{ text: 'No client yet? Register asks the server found by Discover (or the issuer) to register one (RFC 7591) with this dialog\'s redirect URI; its secret stays in the runtime, encrypted.', grants: ['authorization_code', 'device_code', 'client_credentials'] }] },
  },
  { name: 'clientAuth', label: 'Client authentication', kind: 'choice', n8n: 'clientAuthentication', default: GENERIC.clientAuth, ui: { icon: 'id-card', short: 'Client auth', choices: 'clientAuthChoices' } },
  { name: 'clientSecret', label: 'Client secret', kind: 'secret', n8n: 'clientSecret', ui: { icon: 'lock' } },
  { name: 'privateKey', label: 'Private key (private_key_jwt)', kind: 'secret', n8n: 'privateKey', ui: { icon: 'lock', short: 'Private key', when: { setting: 'clientAuth', values: JWT_METHODS } } },
  { name: 'signingAlg', label: 'Signing algorithm', kind: 'choice', n8n: 'signingAlgorithm', default: '', ui: { icon: 'pencil', short: 'Signing alg', choices: 'signingAlgs', when: { setting: 'clientAuth', values: JWT_METHODS } } },
  { name: 'keyId', label: 'Key ID (kid)', kind: 'text', n8n: 'keyId', ui: { icon: 'pencil', when: { setting: 'clientAuth', values: JWT_METHODS } } },
  { name: 'assertionAudience', label: 'Assertion audience', kind: 'text', n8n: 'assertionAudience', ui: { icon: 'pencil', short: 'Assertion aud', placeholder: 'default: the token URL', when: { setting: 'clientAuth', values: JWT_METHODS } } },
  { name: 'username', label: 'Username', kind: 'text', grants: ['password'], n8n: 'username', credential: true, ui: { icon: 'user' } },
  { name: 'password', label: 'Password', kind: 'secret', grants: ['password'], n8n: 'password', ui: { icon: 'lock' } },
  { name: 'refreshToken', label: 'Refresh token (obtained elsewhere)', kind: 'secret', grants: ['authorization_code', 'refresh_token'], n8n: N8N_NO_REFRESH, ui: { icon: 'lock', short: 'Refresh token' } },
  { name: 'jwtIssuer', label: 'Assertion issuer (iss)', kind: 'text', grants: JWT, n8n: 'jwtIssuer', ui: { icon: 'id-badge', short: 'Issuer (iss)', placeholder: 'robot@project.iam.gserviceaccount.com' } },
  { name: 'jwtSubject', label: 'Assertion subject (sub)', kind: 'text', grants: JWT, n8n: 'jwtSubject', ui: { icon: 'user', short: 'Subject (sub)', placeholder: 'default: the issuer (a user to act for)' } },
  {
    name: 'jwtPrivateKey',
    label: 'Assertion private key',
    kind: 'secret',
    grants: JWT,
    n8n: 'jwtPrivateKey',
    ui: { icon: 'lock', short: 'Signing key', action: 'import-key', tips: [{ text: 'A PEM private key (RSA for RS256, EC P-256 for ES256). Import reads a service-account JSON key file (`client_email`, `private_key`, `private_key_id`, `token_uri`) in the browser and fills the fields.' }] },
  },
  { name: 'jwtKeyId', label: 'Assertion key ID (kid)', kind: 'text', grants: JWT, n8n: 'jwtKeyId', ui: { icon: 'pencil', short: 'Key ID (kid)' } },
  { name: 'jwtAudience', label: 'Assertion audience (aud)', kind: 'text', grants: JWT, n8n: 'jwtAudience', ui: { icon: 'pencil', short: 'Audience (aud)', placeholder: 'default: the token URL', section: 'request' } },
  { name: 'jwtScopeClaim', label: 'Scopes in the assertion', kind: 'boolean', grants: JWT, n8n: 'jwtScopeClaim', ui: { icon: 'list', section: 'request', tips: [{ text: 'Google service accounts take the scopes in the assertion\'s `scope` claim, not in the request.' }] } },
  {
    name: 'serviceAccountSecretJson',
    label: 'Service account JSON key',
    kind: 'secret',
    grants: JWT,
    n8n: 'serviceAccountSecretJson',
    nodeRed: { no: "the dialog's Import key file button reads the JSON key into the fields above" },
  },
  {
    name: 'subjectFrom',
    label: 'Subject token from',
    kind: 'choice',
    grants: EXCHANGE,
    default: 'token',
    n8n: { no: 'an n8n credential reads neither a message nor another credential: its subject token is typed in' },
    ui: { icon: 'exchange', short: 'Subject from', choices: 'subjectSources' },
  },
  { name: 'subjectToken', label: 'Subject token', kind: 'secret', grants: EXCHANGE, n8n: 'subjectToken', ui: { icon: 'lock', when: { setting: 'subjectFrom', values: ['token'] } } },
  {
    name: 'subjectClient',
    label: 'Configuration whose token is exchanged',
    kind: 'choice',
    grants: EXCHANGE,
    n8n: { no: 'an n8n credential cannot read another credential' },
    ui: { icon: 'link', short: 'From config', choices: 'configNodes', when: { setting: 'subjectFrom', values: ['client'] } },
  },
  { name: 'subjectTokenType', label: 'Subject token type', kind: 'text', grants: EXCHANGE, n8n: 'subjectType', ui: { icon: 'tag', short: 'Subject type', placeholder: 'urn:ietf:params:oauth:token-type:access_token', section: 'request' } },
  { name: 'requestedTokenType', label: 'Requested token type', kind: 'text', grants: EXCHANGE, n8n: 'requestedType', ui: { icon: 'tag', short: 'Requested type', placeholder: 'optional (the server\'s default)', section: 'request' } },
  { name: 'audience', label: 'Audience', kind: 'text', grants: EXCHANGE, n8n: 'audience', ui: { icon: 'crosshairs', placeholder: 'optional: the API the token is for' } },
  { name: 'scopes', label: 'Scopes', kind: 'list', n8n: 'scope', ui: { icon: 'list', placeholder: 'openid offline_access api:read' } },
  { name: 'scopeSeparator', label: 'Scope separator', kind: 'text', n8n: 'scopeSeparator', ui: { icon: 'list', placeholder: 'a space (RFC 6749)', section: 'request' } },
  { name: 'pkce', label: 'PKCE', kind: 'boolean', grants: ['authorization_code'], n8n: N8N_NO_CODE, default: true, ui: { icon: 'shield', short: 'PKCE S256' } },
  {
    name: 'pushedAuthorizationRequestUrl',
    label: 'Pushed authorization request URL',
    kind: 'text',
    grants: ['authorization_code'],
    n8n: N8N_NO_CODE,
    ui: { icon: 'globe', short: 'PAR URL', placeholder: 'optional: RFC 9126 (Discover fills it)', section: 'request' },
  },
  { name: 'extraAuthorizeParams', label: 'Extra authorize parameters', kind: 'map', grants: ['authorization_code'], n8n: N8N_NO_CODE, ui: { icon: 'plus', short: 'Authorize params', placeholder: '{"audience":"api"}', section: 'request' } },
  { name: 'resource', label: 'Resource (RFC 8707)', kind: 'text', n8n: 'resource', ui: { icon: 'crosshairs', short: 'Resource', placeholder: 'https://api.example.com (optional)', section: 'request' } },
  { name: 'extraTokenParams', label: 'Extra token parameters', kind: 'map', n8n: 'extraGrantParameters', ui: { icon: 'plus', short: 'Token params', placeholder: '{"resource":"https://api"}', section: 'request' } },
  { name: 'extraRefreshParams', label: 'Extra refresh parameters', kind: 'map', grants: CODE, n8n: N8N_NO_REFRESH, ui: { icon: 'plus', short: 'Refresh params', placeholder: '{}', section: 'request', shownFor: 'all' } },
  { name: 'extraTokenHeaders', label: 'Extra token request headers', kind: 'map', n8n: 'extraGrantHeaders', ui: { icon: 'plus', short: 'Token headers', placeholder: '{"x-api-key":"..."}', section: 'request' } },
  { name: 'tokenBodyFormat', label: 'Token request body', kind: 'choice', n8n: 'grantBodyFormat', default: 'form', ui: { icon: 'file-code-o', short: 'Body format', choices: 'tokenBodyFormats', section: 'request' } },
  { name: 'scopeOnRefresh', label: 'Scope on refresh', kind: 'boolean', grants: CODE, n8n: N8N_NO_REFRESH, ui: { icon: 'refresh', section: 'request', shownFor: 'all' } },
  { name: 'accessTokenPath', label: 'Access token path', kind: 'text', n8n: 'responsePathAccess', ui: { icon: 'code', placeholder: 'access_token', section: 'response' } },
  { name: 'refreshTokenPath', label: 'Refresh token path', kind: 'text', grants: CODE, n8n: 'responsePathRefresh', ui: { icon: 'code', placeholder: 'refresh_token', section: 'response', shownFor: 'all' } },
  { name: 'expiresInPath', label: 'Expires-in path', kind: 'text', n8n: 'responsePathExpiresIn', ui: { icon: 'code', placeholder: 'expires_in', section: 'response' } },
  { name: 'tokenTypePath', label: 'Token type path', kind: 'text', n8n: 'responsePathType', ui: { icon: 'code', placeholder: 'token_type', section: 'response' } },
  { name: 'scopePath', label: 'Scope path', kind: 'text', n8n: N8N_KEEPS_TOKEN, ui: { icon: 'code', placeholder: 'scope', section: 'response' } },
  { name: 'refreshExpiresInPath', label: 'Refresh token lifetime path', kind: 'text', grants: CODE, n8n: N8N_NO_REFRESH, ui: { icon: 'code', short: 'Refresh expiry path', placeholder: 'refresh_token_expires_in', section: 'response', shownFor: 'all' } },
  { name: 'extraResponsePaths', label: 'Extra response paths', kind: 'map', n8n: N8N_KEEPS_TOKEN, ui: { icon: 'code', short: 'Extra values', placeholder: '{"refreshExpiresIn":"refresh_token_expires_in"}', section: 'response' } },
  { name: 'validations', label: 'Response checks', kind: 'json', n8n: 'validations', ui: { icon: 'check-square-o', placeholder: '[{"path":"access_token","notEmpty":true}]', section: 'response' } },
  { name: 'defaultExpiresIn', label: 'Default lifetime (s)', kind: 'number', n8n: 'defaultExpiresIn', ui: { icon: 'clock-o', placeholder: 'when the server sends no expires_in', section: 'response' } },
  { name: 'refreshTokenLifetime', label: 'Refresh token lifetime (s)', kind: 'number', grants: CODE, n8n: N8N_NO_REFRESH, ui: { icon: 'clock-o', short: 'Refresh token life (s)', placeholder: 'when known but not sent (e.g. 7776000 = 90 days)', section: 'response', shownFor: 'all' } },
  {
    name: 'refreshSkewSec',
    label: 'Refresh margin (s)',
    kind: 'number',
    n8n: { no: 'n8n asks for a new token when the stored expiry has passed (or after a failed request); a margin before it is not offered yet' },
    ui: { icon: 'refresh', short: 'Refresh early (s)', placeholder: '60 (before expiry)', section: 'api' },
  },
  { name: 'issuer', label: 'Issuer (RFC 9207)', kind: 'text', grants: ['authorization_code'], n8n: N8N_NO_CODE, ui: { icon: 'check', placeholder: 'optional: compare iss exactly', section: 'response' } },
  { name: 'requireIssuer', label: 'Require issuer', kind: 'boolean', grants: ['authorization_code'], n8n: N8N_NO_CODE, ui: { icon: 'check', short: 'Require iss', section: 'response' } },
  {
    name: 'dpop',
    label: 'DPoP (RFC 9449)',
    kind: 'boolean',
    n8n: 'dpop',
    ui: { icon: 'key', short: 'DPoP', section: 'api', tips: [{ text: 'Binds the tokens to a key of this configuration (kept encrypted in the token store): every token request and API call carries a proof. Turn it on only for servers that support DPoP.' }] },
  },
  { name: 'headerName', label: 'Token header name', kind: 'text', n8n: 'headerName', ui: { icon: 'header', short: 'Token header', placeholder: 'Authorization', section: 'api' } },
  { name: 'headerPrefix', label: 'Token prefix', kind: 'text', n8n: 'headerPrefix', default: 'Bearer', ui: { icon: 'header', placeholder: 'Bearer (empty: the bare token)', section: 'api' } },
  { name: 'timeoutSec', label: 'Timeout (s)', kind: 'number', n8n: 'timeoutSec', ui: { icon: 'clock-o', placeholder: '30', section: 'request' } },
  { name: 'maxRetries', label: 'Retries', kind: 'number', n8n: 'maxRetries', ui: { icon: 'repeat', placeholder: '2', section: 'request' } },
  { name: 'maxRetryWaitSec', label: 'Longest retry wait (s)', kind: 'number', n8n: 'maxRetryWaitSec', ui: { icon: 'clock-o', short: 'Longest wait (s)', placeholder: '30 (cap on Retry-After)', section: 'request' } },
  { name: 'rejectedStatuses', label: 'Token rejected statuses', kind: 'list', n8n: { no: 'n8n 2.41 gets a new token after any failed request, whatever its status' }, ui: { icon: 'ban', short: 'Token rejected on', placeholder: '401 (comma separated)', section: 'api', format: 'statuses' } },
  { name: 'rejectedBodyPath', label: 'Token rejected body path', kind: 'text', n8n: 'rejectedBodyPath', ui: { icon: 'ban', short: '…or body path', placeholder: 'error (a JSON path in 4xx answers)', section: 'api' } },
  { name: 'rejectedBodyValues', label: 'Token rejected values', kind: 'list', n8n: 'rejectedBodyValues', ui: { icon: 'ban', short: '…with values', placeholder: 'token_expired, invalid_token', section: 'api' } },
  { name: 'maxResponseMB', label: 'Largest API answer (MB)', kind: 'number', n8n: N8N_NO_API, ui: { icon: 'arrows-v', short: 'Max answer (MB)', placeholder: '64', section: 'api', format: 'decimal' } },
  { name: 'allowHttpHosts', label: 'Hosts allowed over http', kind: 'list', n8n: 'allowHttpHosts', ui: { icon: 'unlock', short: 'Plain http hosts', placeholder: 'none (https only; loopback is always allowed)', section: 'api' } },
  { name: 'testUrl', label: 'Test URL', kind: 'text', n8n: 'testUrl', nodeRed: { no: "Node-RED's Test fetches a token; a flow's oauth2-request calls the API" } },
];

/** Node-RED's credential fields of the generic client: the secrets (`password`) and the other settings kept with them (`text`). */
export const GENERIC_CREDENTIAL_FIELDS = credentialFieldsOf(GENERIC_SETTINGS.filter((s) => !s.nodeRed));

/** A flat record of n8n's Advanced OAuth2 credential, under the schema's names. */
export function fromN8n(data: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const setting of GENERIC_SETTINGS) if (typeof setting.n8n === 'string' && data[setting.n8n] !== undefined) flat[setting.name] = data[setting.n8n];
  // n8n's "From the key" signing algorithm is the empty choice
  if (flat.signingAlg === 'auto') flat.signingAlg = '';
  return flat;
}

const CLIENT_AUTH: readonly ClientAuthMethod[] = values(GENERIC.clientAuthChoices);
const GRANTS: readonly GenericGrant[] = ['authorization_code', 'client_credentials', 'password', 'refresh_token', 'jwt_bearer', 'device_code', 'token_exchange'];

export interface GenericSetup {
  config: OAuth2Config;
  grant: GrantSpec;
  grantType: GenericGrant;
  /** A refresh token typed into the settings, used when nothing newer is stored. */
  seedRefreshToken?: string;
  manager: { refreshSkewMs?: number; reactive?: ReactiveRefreshOptions };
  /** A token exchange's subject source, for the host to wire (undefined for other grants). */
  exchangeSubject?: ProviderSetup['exchangeSubject'];
  /** Bind the tokens to a DPoP key the host keeps. */
  dpop?: boolean;
}

/** The one mapper: a flat settings record (secrets included) → configuration, grant and token-manager options. */
export function genericSetupOf(typed: Record<string, unknown>): GenericSetup {
  const settings = withServiceAccount(typed);
  const grantType = GRANTS.find((g) => g === settings.grantType) ?? 'authorization_code';
  if (!trimmed(settings.tokenUrl)) throw new TypeError('The token URL is empty');
  const seed = (grantType === 'refresh_token' || grantType === 'authorization_code') && trimmed(settings.refreshToken) ? String(settings.refreshToken) : undefined;
  if (grantType === 'refresh_token' && !seed) throw new TypeError('The refresh token grant needs a refresh token in the credentials');
  return {
    config: { ...endpointSettings(settings), ...requestSettings(settings), ...responseSettings(settings), ...transportSettings(settings) },
    grant: grantType === 'jwt_bearer' ? jwtGrantOf(settings) : grantType === 'token_exchange' ? exchangeGrantOf(settings) : grantOf(grantType === 'refresh_token' || grantType === 'device_code' ? 'authorization_code' : grantType, settings),
    grantType,
    seedRefreshToken: seed,
    manager: { refreshSkewMs: seconds(settings.refreshSkewSec), reactive: reactiveOf(settings) },
    exchangeSubject: subjectSourceOf({ ...settings, grantType }),
    dpop: switchOf(settings.dpop, false),
  };
}

/**
 * A service-account JSON key's members → the settings they fill (Google's format). Node-RED's
 * dialog applies it in the browser ("Import key file"); n8n's credential to its JSON field.
 */
export const SERVICE_ACCOUNT_FIELDS: Readonly<Record<string, string>> = { client_email: 'jwtIssuer', private_key: 'jwtPrivateKey', private_key_id: 'jwtKeyId', token_uri: 'tokenUrl' };

/** The settings a service-account JSON key gives (scopes go in the assertion, as Google wants); a clear error for anything else. */
export function serviceAccountSettings(json: string): Record<string, string | boolean> {
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new TypeError('The service account key is not JSON');
  }
  if (!key || typeof key !== 'object' || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new TypeError('The service account key needs client_email and private_key');
  }
  const filled: Record<string, string | boolean> = { jwtScopeClaim: true };
  for (const [member, setting] of Object.entries(SERVICE_ACCOUNT_FIELDS)) if (typeof key[member] === 'string' && key[member]) filled[setting] = key[member] as string;
  return filled;
}

/** The settings with a service-account JSON key's values where the settings are empty. */
function withServiceAccount(settings: Record<string, unknown>): Record<string, unknown> {
  if (settings.grantType !== 'jwt_bearer' || !trimmed(settings.serviceAccountSecretJson)) return settings;
  const merged = { ...settings };
  for (const [name, value] of Object.entries(serviceAccountSettings(String(settings.serviceAccountSecretJson)))) {
    if (name === 'jwtScopeClaim' ? merged.jwtScopeClaim === undefined || merged.jwtScopeClaim === '' : !trimmed(merged[name])) merged[name] = value;
  }
  return merged;
}

/** The token exchange's settings → the engine's grant (a host that reads the subject elsewhere replaces `subjectToken`). */
function exchangeGrantOf(s: Record<string, unknown>): GrantSpec {
  const from = SUBJECT_SOURCES.find((f) => f === s.subjectFrom) ?? 'token';
  if (from === 'token' && !trimmed(s.subjectToken)) throw new TypeError('The token exchange needs a subject token');
  if (from === 'client' && !trimmed(s.subjectClient)) throw new TypeError('Choose the configuration whose token is exchanged');
  return {
    type: 'token_exchange',
    exchange: {
      subjectToken: from === 'token' ? trimmed(s.subjectToken) : '',
      subjectTokenType: trimmed(s.subjectTokenType) || undefined,
      requestedTokenType: trimmed(s.requestedTokenType) || undefined,
      audience: trimmed(s.audience) || undefined,
    },
  };
}

const SUBJECT_SOURCES = ['token', 'message', 'client'] as const;

/** Where a token exchange's subject comes from: typed in, each message's `subjectToken`, or another configuration's token. */
export function subjectSourceOf(s: Record<string, unknown>): { from: (typeof SUBJECT_SOURCES)[number]; client?: string } | undefined {
  if (s.grantType !== 'token_exchange') return undefined;
  const from = SUBJECT_SOURCES.find((f) => f === s.subjectFrom) ?? 'token';
  return from === 'client' ? { from, client: trimmed(s.subjectClient) } : { from };
}

/** The JWT bearer grant's assertion settings → the engine's grant. */
function jwtGrantOf(s: Record<string, unknown>): GrantSpec {
  const key = trimmed(s.jwtPrivateKey);
  if (!trimmed(s.jwtIssuer)) throw new TypeError('The JWT bearer grant needs an issuer (iss)');
  if (!key) throw new TypeError('The JWT bearer grant needs a private key');
  return {
    type: 'jwt_bearer',
    assertion: {
      issuer: trimmed(s.jwtIssuer),
      subject: trimmed(s.jwtSubject) || undefined,
      audience: trimmed(s.jwtAudience) || undefined,
      signing: { alg: algForPrivateKey(key), key, kid: trimmed(s.jwtKeyId) || undefined },
      scopeClaim: switchOf(s.jwtScopeClaim, false),
    },
  };
}

function seconds(value: unknown): number | undefined {
  const n = numberOf(value);
  return n === undefined ? undefined : n * 1000;
}

/** Where requests go and who the client is. */
function endpointSettings(s: Record<string, unknown>): Pick<OAuth2Config, 'client' | 'tokenUrl' | 'refreshUrl' | 'revocationUrl' | 'authorizationUrl' | 'deviceAuthorizationUrl' | 'pushedAuthorizationRequestUrl' | 'issuer' | 'requireIssuer'> {
  const signingAlg = trimmed(s.signingAlg);
  const method = CLIENT_AUTH.find((m) => m === trimmed(s.clientAuth)) ?? GENERIC.clientAuth;
  return {
    client: {
      clientId: trimmed(s.clientId),
      clientSecret: s.clientSecret ? String(s.clientSecret) : undefined,
      method,
      // a key left over from an earlier choice (hidden fields keep their values) must not make `auto` pick private_key_jwt
      privateKey: method === 'private_key_jwt' ? trimmed(s.privateKey) || undefined : undefined,
      signingAlg: signingAlg === 'RS256' || signingAlg === 'ES256' || signingAlg === 'HS256' ? signingAlg : undefined,
      keyId: trimmed(s.keyId) || undefined,
      assertionAudience: trimmed(s.assertionAudience) || undefined,
    },
    tokenUrl: trimmed(s.tokenUrl),
    refreshUrl: trimmed(s.refreshUrl) || undefined,
    revocationUrl: trimmed(s.revocationUrl) || undefined,
    authorizationUrl: trimmed(s.authorizationUrl) || undefined,
    deviceAuthorizationUrl: trimmed(s.deviceAuthorizationUrl) || undefined,
    pushedAuthorizationRequestUrl: trimmed(s.pushedAuthorizationRequestUrl) || undefined,
    issuer: trimmed(s.issuer) || undefined,
    requireIssuer: switchOf(s.requireIssuer, false),
  };
}

/** What token requests carry. */
function requestSettings(s: Record<string, unknown>): Partial<OAuth2Config> {
  return {
    scopes: listOf(s.scopes),
    resource: trimmed(s.resource) || undefined,
    scopeSeparator: s.scopeSeparator === undefined || s.scopeSeparator === '' || s.scopeSeparator === null ? undefined : String(s.scopeSeparator),
    pkce: switchOf(s.pkce, true),
    extraAuthorizeParams: mapOf(s.extraAuthorizeParams, 'Extra authorize parameters'),
    extraTokenParams: mapOf(s.extraTokenParams, 'Extra token parameters'),
    extraRefreshParams: mapOf(s.extraRefreshParams, 'Extra refresh parameters'),
    extraTokenHeaders: mapOf(s.extraTokenHeaders, 'Extra token request headers'),
    tokenBodyFormat: s.tokenBodyFormat === 'json' ? 'json' : 'form',
    scopeOnRefresh: switchOf(s.scopeOnRefresh, false),
  };
}

/**
 * The settings discovery fills (RFC 9728 / RFC 8414): the endpoints, the issuer, the resource and
 * the scopes the resource lists (a server's own list is often OpenID's, not the API's). Node-RED's Discover puts them into the dialog;
 * n8n's Advanced credential uses them where its own fields are empty.
 */
export function discoveredSettings(found: DiscoveredServer): Record<string, string> {
  const filled: Record<string, string> = { tokenUrl: found.tokenEndpoint, issuer: found.issuer, resource: found.resource };
  if (found.authorizationEndpoint) filled.authorizationUrl = found.authorizationEndpoint;
  if (found.revocationEndpoint) filled.revocationUrl = found.revocationEndpoint;
  if (found.deviceAuthorizationEndpoint) filled.deviceAuthorizationUrl = found.deviceAuthorizationEndpoint;
  if (found.pushedAuthorizationRequestEndpoint) filled.pushedAuthorizationRequestUrl = found.pushedAuthorizationRequestEndpoint;
  if (found.scopes.length) filled.scopes = found.scopes.join(' ');
  return filled;
}

const PATHS = ['accessToken', 'refreshToken', 'expiresIn', 'tokenType', 'scope', 'refreshExpiresIn'] as const;

/** How token answers are read, and how the token is sent. */
function responseSettings(s: Record<string, unknown>): Partial<OAuth2Config> {
  const mapping: ResponseMapping = {};
  for (const name of PATHS) if (trimmed(s[`${name}Path`])) mapping[name] = trimmed(s[`${name}Path`]);
  const extra = mapOf(s.extraResponsePaths, 'Extra response paths');
  if (extra) mapping.extra = extra;
  const lifetime = numberOf(s.defaultExpiresIn);
  return {
    responseMapping: Object.keys(mapping).length ? mapping : undefined,
    validations: validationsOf(s.validations),
    // 0 (n8n's default) means unknown
    defaultExpiresInSec: lifetime ? lifetime : undefined,
    refreshTokenLifetimeSec: numberOf(s.refreshTokenLifetime),
    tokenPlacement: { headerName: trimmed(s.headerName) || undefined, prefix: s.headerPrefix === undefined || s.headerPrefix === null ? undefined : String(s.headerPrefix) },
  };
}

/** Time, retries, sizes and plain-http hosts. */
function transportSettings(s: Record<string, unknown>): Partial<OAuth2Config> {
  const maxRetries = numberOf(s.maxRetries);
  const wait = seconds(s.maxRetryWaitSec);
  const mb = numberOf(s.maxResponseMB);
  return {
    retry: maxRetries === undefined && wait === undefined ? undefined : { maxRetries, maxDelayMs: wait },
    timeoutMs: seconds(s.timeoutSec),
    maxResponseBytes: mb === undefined ? undefined : Math.round(mb * 1024 * 1024),
    allowHttpHosts: hostList(s.allowHttpHosts),
  };
}

/** "Token rejected" rules: statuses, and a rule on the error body. */
function reactiveOf(s: Record<string, unknown>): ReactiveRefreshOptions | undefined {
  const statuses = statusListOf(s.rejectedStatuses);
  const path = trimmed(s.rejectedBodyPath);
  const values = commaListOf(s.rejectedBodyValues);
  if (path && !values.length) throw new TypeError('The "token rejected" body rule needs at least one value (comma separated)');
  if (!path && values.length) throw new TypeError('The "token rejected" body rule needs a JSON path');
  if (!statuses && !path) return undefined;
  return { statuses, body: path ? { path, values } : undefined };
}
