/**
 * Turns a config node's settings (deployed, or unsaved ones sent by the edit dialog) and its
 * credentials into an engine configuration. Shared by the runtime and the admin routes, so
 * "Authorize" and "Test" use exactly what a deploy would use.
 */
import { createHash } from 'node:crypto';
import { validateConfig } from '../../lib/oauth2/config';
import type { GrantSpec } from '../../lib/oauth2/token-state';
import { endpointsOf as engineEndpoints } from '../../lib/oauth2/endpoints';
import { NODE_RED_CONFIG_TYPES, PROVIDERS, type NodeRedConfigType } from '../../lib/providers/registry';
import { grantOf, numberOf, switchOf } from '../../lib/providers/settings';
import type { ProviderSetup, SetupGrant } from '../../lib/providers/setup';

export type Settings = Record<string, unknown>;
export type Credentials = Record<string, string | undefined>;

/** A config node ready to run: its provider's setup, the engine grant, the fingerprints and the lifecycle settings. */
export interface BuiltConfig extends ProviderSetup {
  grant: GrantSpec;
  /** Binds stored tokens to this client: type, client id, grant, seed and every endpoint. */
  fingerprint: string;
  /** The fingerprint of releases before endpoints were part of it (type, client id, token URL, grant, seed). */
  legacyFingerprint: string;
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
  // the resource (RFC 8707) too: tokens asked for another API are not this configuration's
  return { ...engineEndpoints(built.config), apiBaseUrl: built.apiBaseUrl ?? '', allowHttpHosts: (built.config.allowHttpHosts ?? []).join(','), resource: built.config.resource ?? '' };
}

/**
 * The endpoints the v2 fingerprint was released with: each is part of it, set or not. An endpoint
 * added since counts only when set, so tokens stored under the released fingerprint stay found.
 */
const V2_ENDPOINTS: readonly string[] = ['authorizationUrl', 'tokenUrl', 'refreshUrl', 'revocationUrl', 'discovery', 'issuer', 'apiBaseUrl', 'allowHttpHosts'];

/**
 * Binds stored tokens to a client: type, client id, grant, seed, and every endpoint. Tokens stored
 * before endpoints were part of it carry the `legacy` form, still accepted for a deployed node.
 */
function fingerprintsOf(type: ConfigType, clientId: string, grant: string, built: Pick<BuiltConfig, 'config' | 'apiBaseUrl'>, seedHash?: string): Pick<BuiltConfig, 'fingerprint' | 'legacyFingerprint'> {
  const endpoints = endpointsOf(built);
  const bound = Object.keys(endpoints).filter((k) => V2_ENDPOINTS.includes(k) || endpoints[k] !== '');
  return {
    fingerprint: fingerprint(['v2', type, clientId, grant, seedHash, ...bound.sort().map((k) => `${k}=${endpoints[k]}`)]),
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

const num = numberOf;
const bool = switchOf;

function fingerprint(parts: Array<string | undefined>): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\n')).digest('hex').slice(0, 32);
}

/** The engine's grant type (a stored refresh token alone, or a device authorization's tokens, run as an authorization-code credential). */
function engineGrantOf(grantType: SetupGrant): Exclude<SetupGrant, 'refresh_token' | 'device_code'> {
  return grantType === 'refresh_token' || grantType === 'device_code' ? 'authorization_code' : grantType;
}

/**
 * The one builder: the provider's mapper (from the registry) over the settings and the credentials,
 * then what every config node has (the grant, the fingerprints, keep-alive and removal). A
 * credential field is read from the credentials only, never from the plain settings.
 */
export function buildConfig(type: ConfigType, settings: Settings, creds: Credentials): BuiltConfig {
  const provider = PROVIDERS.find((p) => p.nodeRed.config === type);
  if (!provider) throw new TypeError(`Unknown configuration type ${type}`);
  const plain = Object.fromEntries(Object.entries(settings).filter(([name]) => !(name in provider.nodeRed.secrets)));
  const setup: ProviderSetup = provider.nodeRed.setup({ ...plain, ...creds });
  validateConfig(setup.config);
  const seedHash = setup.seedRefreshToken ? createHash('sha256').update(setup.seedRefreshToken).digest('hex') : undefined;
  const engineGrant = engineGrantOf(setup.grantType);
  return {
    ...setup,
    grant: setup.grant ?? grantOf(engineGrant, creds),
    ...fingerprintsOf(type, setup.config.client.clientId, engineGrant, setup, seedHash),
    ...lifecycleOf(settings),
  };
}

export function isConfigType(type: unknown): type is ConfigType {
  return typeof type === 'string' && (CONFIG_TYPES as readonly string[]).includes(type);
}
