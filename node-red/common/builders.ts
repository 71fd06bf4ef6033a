/**
 * Turns a config node's settings (deployed, or unsaved ones sent by the edit dialog) and its
 * credentials into an engine configuration. Shared by the runtime and the admin routes, so
 * "Authorize" and "Test" use exactly what a deploy would use.
 */
import { createHash } from 'node:crypto';
import { validateConfig } from '../../lib/oauth2/config';
import type { GrantSpec, ReactiveRefreshOptions } from '../../lib/oauth2/token-manager';
import type { ClientAuthMethod, OAuth2Config, ResponseMapping, ResponseValidation } from '../../lib/oauth2/types';
import { endpointsOf as engineEndpoints } from '../../lib/oauth2/endpoints';
import { hostList } from '../../lib/oauth2/urls';
import { DEPLOYTEQ_WEBHOOK_HOSTS, deployteqOAuth2Config, type DeployteqWebhookPolicy } from '../../lib/providers/deployteq';
import { values } from '../../lib/providers/description';
import { NODE_RED_CONFIG_TYPES, PROVIDERS, type NodeRedConfigType } from '../../lib/providers/registry';
import { grantOf, trimmed } from '../../lib/providers/settings';
import { GENERIC } from '../../lib/providers/generic/description';
import { zendeskChatConfigOf } from '../../lib/providers/zendesk-chat/settings';

export type Settings = Record<string, unknown>;
export type Credentials = Record<string, string | undefined>;

export type GrantType = 'authorization_code' | 'client_credentials' | 'password' | 'refresh_token';

export interface BuiltConfig {
  config: OAuth2Config;
  grant: GrantSpec;
  grantType: GrantType;
  /** Zendesk Chat: the API base URL. */
  apiBaseUrl?: string;
  /** A refresh token typed into the credential (generic client), used when nothing newer is stored. */
  seedRefreshToken?: string;
  /** Binds stored tokens to this client: type, client id, grant, seed and every endpoint. */
  fingerprint: string;
  /** The fingerprint of releases before endpoints were part of it (type, client id, token URL, grant, seed). */
  legacyFingerprint: string;
  /** Token manager options beyond the configuration (generic client). */
  manager?: { refreshSkewMs?: number; reactive?: ReactiveRefreshOptions };
  /** Deployteq: where the webhook node may send the token. */
  webhookPolicy?: DeployteqWebhookPolicy;
  /** Keep-alive: also refresh this long after the last tokens (besides before the refresh token expires). */
  keepAliveMs?: number;
  /** Revoke the tokens at the provider when the config node is deleted. */
  revokeOnRemove?: boolean;
}

/** Settings every config node has: keep-alive and what deleting the node does. */
function lifecycleOf(settings: Settings): Pick<BuiltConfig, 'keepAliveMs' | 'revokeOnRemove'> {
  const hours = num(settings.keepAliveHours);
  return { keepAliveMs: hours ? Math.round(hours * 3600_000) : undefined, revokeOnRemove: bool(settings.revokeOnRemove, false) };
}

/**
 * Where a configuration sends its credentials and tokens: every endpoint of the engine's list, the
 * API base URL, and the hosts allowed over plain http. Stored secrets are lent only when this is
 * unchanged, and the fingerprint covers it.
 */
export function endpointsOf(built: Pick<BuiltConfig, 'config' | 'apiBaseUrl'>): Record<string, string> {
  return { ...engineEndpoints(built.config), apiBaseUrl: built.apiBaseUrl ?? '', allowHttpHosts: (built.config.allowHttpHosts ?? []).join(',') };
}

/**
 * Binds stored tokens to a client: type, client id, grant, seed, and every endpoint. Tokens stored
 * before endpoints were part of it carry the `legacy` form, still accepted for a deployed node.
 */
function fingerprintsOf(type: ConfigType, clientId: string, grant: string, built: Pick<BuiltConfig, 'config' | 'apiBaseUrl'>, seedHash?: string): Pick<BuiltConfig, 'fingerprint' | 'legacyFingerprint'> {
  const endpoints = endpointsOf(built);
  return {
    fingerprint: fingerprint(['v2', type, clientId, grant, seedHash, ...Object.keys(endpoints).sort().map((k) => `${k}=${endpoints[k]}`)]),
    legacyFingerprint: fingerprint(type === 'oauth2-client' ? [type, clientId, built.config.tokenUrl, grant, seedHash] : [type, clientId, built.config.tokenUrl, grant]),
  };
}

/** Whether a stored entry's tokens belong to this configuration (the legacy form only when `legacy`). */
export function holds(entry: { fingerprint: string } | undefined, built: Pick<BuiltConfig, 'fingerprint' | 'legacyFingerprint'> | undefined, legacy = true): boolean {
  if (!entry || !built) return false;
  return entry.fingerprint === built.fingerprint || (legacy && entry.fingerprint === built.legacyFingerprint);
}

/** The config node types, from the provider registry. */
export const CONFIG_TYPES = NODE_RED_CONFIG_TYPES;
export type ConfigType = NodeRedConfigType;

/** Credential fields of each config type (all secrets are `password`), from the provider registry. */
export const CREDENTIALS = Object.fromEntries(
  PROVIDERS.map((p) => [p.nodeRed.config, Object.fromEntries(Object.entries(p.nodeRed.secrets).map(([field, type]) => [field, { type }]))]),
) as Record<ConfigType, Record<string, { type: 'text' | 'password' }>>;

const str = trimmed;

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  return value === true || value === 'true';
}

function num(value: unknown): number | undefined {
  const s = str(value);
  if (!s) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`"${s}" is not a valid non-negative number`);
  return n;
}

function scopesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(str).filter(Boolean);
  return str(value).split(/[\s,]+/).filter(Boolean);
}

/** A JSON object of string values typed in the editor (empty = none). */
function jsonMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) return stringMap(value as Record<string, unknown>, what);
  const s = str(value);
  if (!s) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    throw new TypeError(`${what} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError(`${what} must be a JSON object`);
  return stringMap(parsed as Record<string, unknown>, what);
}

function stringMap(value: Record<string, unknown>, what: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') throw new TypeError(`${what}: the value of "${k}" must be a string`);
    out[k] = String(v);
  }
  return Object.keys(out).length ? out : undefined;
}

function validationsOf(value: unknown): ResponseValidation[] | undefined {
  const s = str(value);
  if (!s) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    throw new TypeError('Response checks are not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new TypeError('Response checks must be a JSON array of {path, notEmpty?, equals?, message?}');
  return parsed.map((c, i) => {
    if (!c || typeof c !== 'object' || typeof (c as { path?: unknown }).path !== 'string') throw new TypeError(`Response check ${i + 1} needs a "path"`);
    const { path, notEmpty, equals, message } = c as ResponseValidation;
    return { path, notEmpty: notEmpty === true ? true : undefined, equals, message: typeof message === 'string' ? message : undefined };
  });
}

function statusList(value: unknown): number[] | undefined {
  const s = str(value);
  if (!s) return undefined;
  const list = s.split(/[\s,]+/).filter(Boolean).map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 100 || n > 599)) throw new TypeError('Token-rejected statuses must be HTTP status codes, e.g. 401, 403');
  return list;
}

function fingerprint(parts: Array<string | undefined>): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\n')).digest('hex').slice(0, 32);
}

/** The engine grant (a stored refresh token alone runs as an authorization-code credential). */
function grantSpec(grantType: GrantType, creds: Credentials): GrantSpec {
  return grantOf(grantType === 'refresh_token' ? 'authorization_code' : grantType, creds);
}

export function buildDeployteq(settings: Settings, creds: Credentials): BuiltConfig {
  const grantType: GrantType = settings.grantType === 'authorization_code' ? 'authorization_code' : 'client_credentials';
  const clientId = str(settings.clientId);
  if (!clientId) throw new TypeError('The client ID is empty');
  const config = deployteqOAuth2Config({
    clientId,
    clientSecret: creds.clientSecret ?? '',
    grant: grantType === 'authorization_code' ? 'authorization_code' : 'client_credentials',
    authBaseUrl: str(settings.authBaseUrl) || undefined,
    scopes: scopesOf(settings.scopes),
  });
  validateConfig(config);
  const allowedHosts = settings.allowedHosts === undefined ? [...DEPLOYTEQ_WEBHOOK_HOSTS] : hostList(settings.allowedHosts);
  return {
    config,
    grant: grantSpec(grantType, creds),
    grantType,
    ...fingerprintsOf('deployteq-oauth2', clientId, grantType, { config }),
    webhookPolicy: { authBaseUrl: str(settings.authBaseUrl) || undefined, allowedHosts },
    ...lifecycleOf(settings),
  };
}

export function buildZendeskChat(settings: Settings, creds: Credentials): BuiltConfig {
  const grantType = (['authorization_code', 'client_credentials', 'password'] as const).find((g) => g === settings.grantType) ?? 'authorization_code';
  const clientId = str(settings.clientId);
  const { apiBaseUrl, ...config } = zendeskChatConfigOf({ ...settings, clientSecret: creds.clientSecret });
  validateConfig(config);
  return { config, grant: grantSpec(grantType, creds), grantType, apiBaseUrl, ...fingerprintsOf('zendesk-chat-oauth2', clientId, grantType, { config, apiBaseUrl }), ...lifecycleOf(settings) };
}

const CLIENT_AUTH: readonly ClientAuthMethod[] = values(GENERIC.clientAuthChoices);

/** "Token rejected" rules of the generic client: statuses, and a rule on the error body. */
function reactiveOf(settings: Settings): ReactiveRefreshOptions | undefined {
  const statuses = statusList(settings.rejectedStatuses);
  const path = str(settings.rejectedBodyPath);
  const values = str(settings.rejectedBodyValues).split(',').map((v) => v.trim()).filter(Boolean);
  if (path && !values.length) throw new TypeError('The "token rejected" body rule needs at least one value (comma separated)');
  if (!path && values.length) throw new TypeError('The "token rejected" body rule needs a JSON path');
  if (!statuses && !path) return undefined;
  return { statuses, body: path ? { path, values } : undefined };
}

export function buildGeneric(settings: Settings, creds: Credentials): BuiltConfig {
  const grantType = (['authorization_code', 'client_credentials', 'password', 'refresh_token'] as const).find((g) => g === settings.grantType) ?? 'authorization_code';
  const clientId = str(settings.clientId);
  const tokenUrl = str(settings.tokenUrl);
  if (!tokenUrl) throw new TypeError('The token URL is empty');
  // flows saved before "auto" existed carry their method; new configurations default to auto
  const method = CLIENT_AUTH.find((m) => m === settings.clientAuth) ?? GENERIC.clientAuth;
  const mapping: ResponseMapping = {};
  for (const name of ['accessToken', 'refreshToken', 'expiresIn', 'tokenType', 'scope', 'refreshExpiresIn'] as const) {
    const p = str(settings[`${name}Path`]);
    if (p) mapping[name] = p;
  }
  const extra = jsonMap(settings.extraResponsePaths, 'Extra response paths');
  if (extra) mapping.extra = extra;
  const signingAlg = str(settings.signingAlg);
  const config: OAuth2Config = {
    client: {
      clientId,
      clientSecret: creds.clientSecret || undefined,
      method,
      privateKey: creds.privateKey || undefined,
      signingAlg: signingAlg === 'RS256' || signingAlg === 'ES256' || signingAlg === 'HS256' ? signingAlg : undefined,
      keyId: str(settings.keyId) || undefined,
      assertionAudience: str(settings.assertionAudience) || undefined,
    },
    tokenUrl,
    refreshUrl: str(settings.refreshUrl) || undefined,
    revocationUrl: str(settings.revocationUrl) || undefined,
    authorizationUrl: str(settings.authorizationUrl) || undefined,
    scopes: scopesOf(settings.scopes),
    scopeSeparator: settings.scopeSeparator === undefined || settings.scopeSeparator === '' ? undefined : String(settings.scopeSeparator),
    pkce: bool(settings.pkce, true),
    extraAuthorizeParams: jsonMap(settings.extraAuthorizeParams, 'Extra authorize parameters'),
    extraTokenParams: jsonMap(settings.extraTokenParams, 'Extra token parameters'),
    extraRefreshParams: jsonMap(settings.extraRefreshParams, 'Extra refresh parameters'),
    extraTokenHeaders: jsonMap(settings.extraTokenHeaders, 'Extra token request headers'),
    tokenBodyFormat: settings.tokenBodyFormat === 'json' ? 'json' : 'form',
    scopeOnRefresh: bool(settings.scopeOnRefresh, false),
    responseMapping: Object.keys(mapping).length ? mapping : undefined,
    validations: validationsOf(settings.validations),
    defaultExpiresInSec: num(settings.defaultExpiresIn),
    refreshTokenLifetimeSec: num(settings.refreshTokenLifetime),
    tokenPlacement: {
      headerName: str(settings.headerName) || undefined,
      prefix: settings.headerPrefix === undefined ? undefined : String(settings.headerPrefix),
    },
    issuer: str(settings.issuer) || undefined,
    requireIssuer: bool(settings.requireIssuer, false),
    retry: num(settings.maxRetries) === undefined && num(settings.maxRetryWaitSec) === undefined
      ? undefined
      : { maxRetries: num(settings.maxRetries), maxDelayMs: num(settings.maxRetryWaitSec) === undefined ? undefined : (num(settings.maxRetryWaitSec) as number) * 1000 },
    timeoutMs: num(settings.timeoutSec) === undefined ? undefined : (num(settings.timeoutSec) as number) * 1000,
    maxResponseBytes: num(settings.maxResponseMB) === undefined ? undefined : Math.round((num(settings.maxResponseMB) as number) * 1024 * 1024),
    allowHttpHosts: hostList(settings.allowHttpHosts),
  };
  validateConfig(config);
  const seed = grantType === 'refresh_token' || grantType === 'authorization_code' ? creds.refreshToken || undefined : undefined;
  if (grantType === 'refresh_token' && !seed) throw new TypeError('The refresh token grant needs a refresh token in the credentials');
  const seedHash = seed ? createHash('sha256').update(seed).digest('hex') : undefined;
  return {
    config,
    grant: grantSpec(grantType, creds),
    grantType,
    seedRefreshToken: seed,
    manager: {
      refreshSkewMs: num(settings.refreshSkewSec) === undefined ? undefined : (num(settings.refreshSkewSec) as number) * 1000,
      reactive: reactiveOf(settings),
    },
    ...fingerprintsOf('oauth2-client', clientId, grantType === 'refresh_token' ? 'authorization_code' : grantType, { config }, seedHash),
    ...lifecycleOf(settings),
  };
}

export const BUILDERS: Record<ConfigType, (settings: Settings, creds: Credentials) => BuiltConfig> = {
  'deployteq-oauth2': buildDeployteq,
  'zendesk-chat-oauth2': buildZendeskChat,
  'oauth2-client': buildGeneric,
};

export function isConfigType(type: unknown): type is ConfigType {
  return typeof type === 'string' && (CONFIG_TYPES as readonly string[]).includes(type);
}
