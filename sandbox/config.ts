// Defaults and merging of sandbox options (startSandbox, sandbox.configure, POST /_sandbox/configure).
import { InvalidInputError } from './http-util';
import {
  PROVIDERS,
  type ClientRegistration,
  type ConsentMode,
  type ProviderId,
  type RateLimit,
  type SandboxOptions,
} from './types';

/** Test-only credentials of the default registered clients. */
export const DEFAULT_CLIENTS: Readonly<Record<ProviderId, readonly ClientRegistration[]>> = {
  deployteq: [{ clientId: 'dt-client', clientSecret: 'dt-secret+%:&/x', name: 'Sandbox Deployteq app' }],
  zendesk: [{ clientId: 'zd-client', clientSecret: 'zd-secret', name: 'Sandbox Zendesk Chat client' }],
  generic: [
    { clientId: 'gen-client', clientSecret: 'gen-secret', name: 'Sandbox confidential client' },
    { clientId: 'gen-public', public: true, name: 'Sandbox public client' },
  ],
};

export const DEFAULT_USERS = {
  zendesk: { email: 'agent@acme.test', password: 'agent-pass' },
  generic: { username: 'user@example.test', password: 'user-pass' },
} as const;

export interface ResolvedConfig {
  clients: Record<ProviderId, ClientRegistration[]>;
  redirectUris: Record<ProviderId, string[] | null>;
  accessTokenLifetime: Record<ProviderId, number>;
  rotateRefreshTokens: Record<ProviderId, boolean>;
  codeLifetimeSeconds: number;
  consent: ConsentMode;
  zendeskSubdomain: string;
  zendeskUser: { email: string; password: string };
  chatCount: number;
  agentCount: number;
  departmentCount: number;
  seed: number;
  now: number | null;
  chatsPageSize: number;
  searchPageSize: number;
  rateLimit: RateLimit | false;
  docsAsArray: boolean;
  genericUser: { username: string; password: string };
  genericRefreshEndpoint: boolean;
  genericBasicDecoding: 'either' | 'form' | 'raw';
  genericIssParameter: boolean;
  logRequests: boolean;
  tokenDelayMs: Record<ProviderId, number>;
  genericExpiredTokenStyle: 'status-401' | 'body-400';
  genericAuthMethods: Array<'client_secret_basic' | 'client_secret_post' | 'none'>;
  refreshTokenLifetime: Record<ProviderId, number | null>;
  genericRevocation: 'on' | 'off' | 'fail';
  deployteqDailyCap: number;
}

function perProvider<T>(value: T): Record<ProviderId, T> {
  return { deployteq: value, zendesk: value, generic: value };
}

export function defaultConfig(): ResolvedConfig {
  return {
    clients: {
      deployteq: DEFAULT_CLIENTS.deployteq.map((c) => ({ ...c })),
      zendesk: DEFAULT_CLIENTS.zendesk.map((c) => ({ ...c })),
      generic: DEFAULT_CLIENTS.generic.map((c) => ({ ...c })),
    },
    redirectUris: perProvider<string[] | null>(null),
    accessTokenLifetime: perProvider(3600),
    rotateRefreshTokens: perProvider(true),
    codeLifetimeSeconds: 60,
    consent: 'page',
    zendeskSubdomain: 'acme',
    zendeskUser: { ...DEFAULT_USERS.zendesk },
    chatCount: 250,
    agentCount: 12,
    departmentCount: 4,
    seed: 20240601,
    now: null,
    chatsPageSize: 50,
    searchPageSize: 50,
    rateLimit: { limit: 200, windowMs: 60_000 },
    docsAsArray: false,
    genericUser: { ...DEFAULT_USERS.generic },
    genericRefreshEndpoint: true,
    genericBasicDecoding: 'either',
    genericIssParameter: false,
    logRequests: false,
    tokenDelayMs: perProvider(0),
    genericExpiredTokenStyle: 'status-401',
    genericAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    refreshTokenLifetime: perProvider<number | null>(null),
    genericRevocation: 'on',
    deployteqDailyCap: 50_000,
  };
}

function fail(message: string): never {
  throw new InvalidInputError(`Invalid sandbox option: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function int(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(`${name} must be a boolean`);
  return value;
}

function str(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(`${name} must be a non-empty string`);
  return value;
}

function stringList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(`${name} must be an array of strings`);
  return [...(value as string[])];
}

function checkProvider(name: string, key: string): ProviderId {
  if (!(PROVIDERS as readonly string[]).includes(key)) fail(`${name}: unknown provider "${key}"`);
  return key as ProviderId;
}

function client(name: string, value: unknown): ClientRegistration {
  if (!isObject(value)) fail(`${name} must be an object`);
  const out: ClientRegistration = { clientId: str(`${name}.clientId`, value.clientId) };
  if (value.clientSecret !== undefined) out.clientSecret = str(`${name}.clientSecret`, value.clientSecret);
  if (value.public !== undefined) out.public = bool(`${name}.public`, value.public);
  if (value.redirectUris !== undefined) out.redirectUris = stringList(`${name}.redirectUris`, value.redirectUris);
  if (value.scopes !== undefined) out.scopes = stringList(`${name}.scopes`, value.scopes);
  if (value.name !== undefined) out.name = str(`${name}.name`, value.name);
  if (!out.public && out.clientSecret === undefined) fail(`${name}: a confidential client needs clientSecret`);
  return out;
}

function parseNow(value: unknown): number | null {
  if (value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return fail('now must be epoch milliseconds, an ISO date string, a Date or null');
}

/** Which parts of the state a change affects. */
export interface ConfigChange {
  data: boolean;
  rateLimit: boolean;
}

/**
 * Applies a partial options object onto a resolved config (mutating it) after validating
 * everything first, so a bad option leaves the config untouched.
 */
export function applyOptions(config: ResolvedConfig, input: unknown): ConfigChange {
  if (!isObject(input)) fail('options must be an object');
  const next: ResolvedConfig = structuredClone(config);
  const change: ConfigChange = { data: false, rateLimit: false };
  const o = input as SandboxOptions & Record<string, unknown>;

  if (o.clients !== undefined) {
    if (!isObject(o.clients)) fail('clients must be an object keyed by provider');
    for (const [key, list] of Object.entries(o.clients)) {
      const provider = checkProvider('clients', key);
      if (!Array.isArray(list)) fail(`clients.${key} must be an array`);
      next.clients[provider] = list.map((c, i) => client(`clients.${key}[${i}]`, c));
    }
  }
  if (o.redirectUris !== undefined) {
    if (!isObject(o.redirectUris)) fail('redirectUris must be an object keyed by provider');
    for (const [key, list] of Object.entries(o.redirectUris)) {
      const provider = checkProvider('redirectUris', key);
      next.redirectUris[provider] = list === null ? null : stringList(`redirectUris.${key}`, list);
    }
  }
  if (o.accessTokenLifetime !== undefined) {
    if (typeof o.accessTokenLifetime === 'number') {
      const n = int('accessTokenLifetime', o.accessTokenLifetime, 0);
      next.accessTokenLifetime = perProvider(n);
    } else if (isObject(o.accessTokenLifetime)) {
      for (const [key, n] of Object.entries(o.accessTokenLifetime)) {
        next.accessTokenLifetime[checkProvider('accessTokenLifetime', key)] = int(`accessTokenLifetime.${key}`, n, 0);
      }
    } else fail('accessTokenLifetime must be a number or an object keyed by provider');
  }
  if (o.rotateRefreshTokens !== undefined) {
    if (typeof o.rotateRefreshTokens === 'boolean') next.rotateRefreshTokens = perProvider(o.rotateRefreshTokens);
    else if (isObject(o.rotateRefreshTokens)) {
      for (const [key, b] of Object.entries(o.rotateRefreshTokens)) {
        next.rotateRefreshTokens[checkProvider('rotateRefreshTokens', key)] = bool(`rotateRefreshTokens.${key}`, b);
      }
    } else fail('rotateRefreshTokens must be a boolean or an object keyed by provider');
  }
  if (o.codeLifetimeSeconds !== undefined) next.codeLifetimeSeconds = int('codeLifetimeSeconds', o.codeLifetimeSeconds, 1);
  if (o.consent !== undefined) {
    if (!['page', 'auto-approve', 'auto-deny'].includes(o.consent as string)) fail('consent must be page, auto-approve or auto-deny');
    next.consent = o.consent;
  } else if (o.autoApprove !== undefined) {
    next.consent = bool('autoApprove', o.autoApprove) ? 'auto-approve' : 'page';
  }
  if (o.zendeskSubdomain !== undefined) {
    const sub = str('zendeskSubdomain', o.zendeskSubdomain);
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(sub)) fail('zendeskSubdomain must be a DNS label');
    next.zendeskSubdomain = sub;
    change.data = true;
  }
  if (o.zendeskUser !== undefined) {
    if (!isObject(o.zendeskUser)) fail('zendeskUser must be { email, password }');
    next.zendeskUser = { email: str('zendeskUser.email', o.zendeskUser.email), password: str('zendeskUser.password', o.zendeskUser.password) };
    change.data = true;
  }
  if (o.chatCount !== undefined) {
    next.chatCount = int('chatCount', o.chatCount, 0, 10_000_000);
    change.data = true;
  }
  if (o.agentCount !== undefined) {
    next.agentCount = int('agentCount', o.agentCount, 2, 10_000);
    change.data = true;
  }
  if (o.departmentCount !== undefined) {
    next.departmentCount = int('departmentCount', o.departmentCount, 0, 1_000);
    change.data = true;
  }
  if (o.seed !== undefined) {
    next.seed = int('seed', o.seed, 0, 0xffffffff);
    change.data = true;
  }
  if (o.now !== undefined) {
    next.now = parseNow(o.now);
    change.data = true;
  }
  if (o.chatsPageSize !== undefined) next.chatsPageSize = int('chatsPageSize', o.chatsPageSize, 1, 10_000);
  if (o.searchPageSize !== undefined) next.searchPageSize = int('searchPageSize', o.searchPageSize, 1, 10_000);
  if (o.rateLimit !== undefined) {
    if (o.rateLimit === false) next.rateLimit = false;
    else if (isObject(o.rateLimit)) {
      next.rateLimit = { limit: int('rateLimit.limit', o.rateLimit.limit, 1), windowMs: int('rateLimit.windowMs', o.rateLimit.windowMs, 1) };
    } else fail('rateLimit must be { limit, windowMs } or false');
    change.rateLimit = true;
  }
  if (o.docsAsArray !== undefined) next.docsAsArray = bool('docsAsArray', o.docsAsArray);
  if (o.genericUser !== undefined) {
    if (!isObject(o.genericUser)) fail('genericUser must be { username, password }');
    next.genericUser = { username: str('genericUser.username', o.genericUser.username), password: str('genericUser.password', o.genericUser.password) };
  }
  if (o.genericRefreshEndpoint !== undefined) next.genericRefreshEndpoint = bool('genericRefreshEndpoint', o.genericRefreshEndpoint);
  if (o.genericBasicDecoding !== undefined) {
    if (!['either', 'form', 'raw'].includes(o.genericBasicDecoding as string)) fail('genericBasicDecoding must be either, form or raw');
    next.genericBasicDecoding = o.genericBasicDecoding;
  }
  if (o.genericIssParameter !== undefined) next.genericIssParameter = bool('genericIssParameter', o.genericIssParameter);
  if (o.logRequests !== undefined) next.logRequests = bool('logRequests', o.logRequests);
  if (o.tokenDelayMs !== undefined) {
    if (typeof o.tokenDelayMs === 'number') next.tokenDelayMs = perProvider(int('tokenDelayMs', o.tokenDelayMs, 0, 60_000));
    else if (isObject(o.tokenDelayMs)) {
      for (const [key, n] of Object.entries(o.tokenDelayMs)) next.tokenDelayMs[checkProvider('tokenDelayMs', key)] = int(`tokenDelayMs.${key}`, n, 0, 60_000);
    } else fail('tokenDelayMs must be a number or an object keyed by provider');
  }
  if (o.genericExpiredTokenStyle !== undefined) {
    if (!['status-401', 'body-400'].includes(o.genericExpiredTokenStyle as string)) fail('genericExpiredTokenStyle must be status-401 or body-400');
    next.genericExpiredTokenStyle = o.genericExpiredTokenStyle;
  }
  if (o.refreshTokenLifetime !== undefined) {
    const lifetime = (name: string, v: unknown) => (v === null ? null : int(name, v, 1));
    if (o.refreshTokenLifetime === null || typeof o.refreshTokenLifetime === 'number') next.refreshTokenLifetime = perProvider(lifetime('refreshTokenLifetime', o.refreshTokenLifetime));
    else if (isObject(o.refreshTokenLifetime)) {
      for (const [key, n] of Object.entries(o.refreshTokenLifetime)) next.refreshTokenLifetime[checkProvider('refreshTokenLifetime', key)] = lifetime(`refreshTokenLifetime.${key}`, n);
    } else fail('refreshTokenLifetime must be a number, null or an object keyed by provider');
  }
  if (o.deployteqDailyCap !== undefined) next.deployteqDailyCap = int('deployteqDailyCap', o.deployteqDailyCap, 0);
  if (o.genericRevocation !== undefined) {
    if (!['on', 'off', 'fail'].includes(o.genericRevocation as string)) fail('genericRevocation must be on, off or fail');
    next.genericRevocation = o.genericRevocation;
  }
  if (o.genericAuthMethods !== undefined) {
    const list = stringList('genericAuthMethods', o.genericAuthMethods);
    if (!list.length || list.some((m) => !['client_secret_basic', 'client_secret_post', 'none'].includes(m))) fail('genericAuthMethods must list client_secret_basic, client_secret_post and/or none');
    next.genericAuthMethods = list as ResolvedConfig['genericAuthMethods'];
  }
  if (o.port !== undefined) int('port', o.port, 0, 65535);
  if (o.maxLifetimeMs !== undefined) int('maxLifetimeMs', o.maxLifetimeMs, 1);

  Object.assign(config, next);
  return change;
}

/** The config without client secrets or user passwords (for the admin API). */
export function publicConfig(config: ResolvedConfig): Record<string, unknown> {
  const clients: Record<string, unknown> = {};
  for (const p of PROVIDERS) {
    clients[p] = config.clients[p].map(({ clientSecret, ...rest }) => ({ ...rest, hasSecret: clientSecret !== undefined }));
  }
  return {
    ...config,
    clients,
    zendeskUser: { email: config.zendeskUser.email },
    genericUser: { username: config.genericUser.username },
  };
}
