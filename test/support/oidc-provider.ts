// Starts a real oidc-provider (ESM-only) in a child process for jest integration tests.
// See ./oidc/server.mjs for the server side of the protocol.
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as path from 'node:path';

/** oidc-provider client metadata, passed through as-is (snake_case, RFC 7591 names). */
export type OidcClientMetadata = {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?:
    | 'client_secret_basic'
    | 'client_secret_post'
    | 'client_secret_jwt'
    | 'private_key_jwt'
    | 'none';
  token_endpoint_auth_signing_alg?: string;
  grant_types?: string[];
  response_types?: string[];
  redirect_uris?: string[];
  scope?: string;
  jwks?: { keys: Array<JsonWebKey & { kid?: string; use?: string }> };
  [key: string]: unknown;
};

export interface OidcTestConfig {
  clients: OidcClientMetadata[];
  /** TTL overrides in seconds, e.g. { AccessToken: 2, ClientCredentials: 2, RefreshToken: 3600 }. */
  ttl?: Partial<Record<
    'AccessToken' | 'AuthorizationCode' | 'ClientCredentials' | 'Grant' | 'IdToken' | 'Interaction' | 'RefreshToken' | 'Session',
    number
  >>;
  /** Rotate (consume) refresh tokens on every use. Default true. */
  rotateRefreshToken?: boolean;
  /** Scopes the provider knows. Default ['openid', 'offline_access', 'api:read']. */
  scopes?: string[];
  /**
   * Enforce the registered placement of client_secret_basic vs client_secret_post (oidc-provider
   * itself accepts either for a client registered with one of them). Default true.
   */
  strictClientAuth?: boolean;
  /** Every interaction ends with error=access_denied (per request: authorize param x_test_deny=1). */
  deny?: boolean;
  /** RFC 9449: require the server's nonce in every DPoP proof (use_dpop_nonce answers first). */
  dpopNonce?: boolean | 'token';
  /** RFC 7591: the registration endpoint (`metadata.registration_endpoint`), open to anyone. */
  registration?: boolean;
  /** RFC 8693: accept token exchanges of tokens it issued (counters.tokenExchange records the last). */
  tokenExchange?: boolean;
  /** RFC 8628: the device authorization endpoint (`metadata.device_authorization_endpoint`). */
  deviceFlow?: boolean;
  /** RFC 7523 §2.1: accept JWT bearer assertions of this issuer, verified with this public key. */
  jwtBearer?: { issuer: string; publicJwk: JsonWebKey; scopeClaim?: boolean };
  /** RFC 8707: the one resource server the provider issues (JWT) access tokens for, with its scope. */
  resourceIndicators?: { resource: string; scope: string };
  /** Hard lifetime of the child process. Default 5 minutes. */
  maxLifetimeMs?: number;
  /** Start-up timeout. Default 15 s. */
  startTimeoutMs?: number;
}

export interface OidcTestCounters {
  /** Every POST to the token endpoint. */
  token: number;
  /** Token endpoint requests by grant_type ('unknown' when absent / not a form body). */
  byGrant: Record<string, number>;
  /**
   * Token endpoint requests by the client authentication actually presented:
   * 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none' | 'other'.
   */
  byClientAuth: Record<string, number>;
  /** Requests to apiUrl. */
  api: number;
  /** The last JWT bearer assertion accepted: its header's kid and alg, subject and scopes. */
  jwtBearer?: { kid: string | null; alg: string; sub: string; scopeClaim: string | null; scopeParam: string | null };
  /** The last token exchange accepted: whose subject token, and what was asked for. */
  tokenExchange?: { subjectClient: string; audience: string | null; requested: string | null; scope: string | null; resource: string | null };
}

export interface OidcTestServer {
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  revocationEndpoint: string;
  introspectionEndpoint: string;
  jwksUri: string;
  /** Protected resource: GET with Authorization: Bearer <access token>. */
  apiUrl: string;
  /** The full discovery document. */
  metadata: Record<string, unknown>;
  counters(): Promise<OidcTestCounters>;
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestKeyPair {
  privateKeyPem: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
}

const SERVER_PATH = path.join(__dirname, 'oidc', 'server.mjs');
const STDERR_LIMIT = 16 * 1024;

type ChildMessage = { type: 'ready'; issuer: string } | { type: 'error'; message: string };

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, 3000)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 3000);
}

export async function startOidcProvider(config: OidcTestConfig): Promise<OidcTestServer> {
  const { startTimeoutMs = 15_000, ...childConfig } = config;

  const child = fork(SERVER_PATH, [], {
    serialization: 'json',
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });

  // Diagnostics only: shown if start-up fails, or live with OIDC_TEST_DEBUG=1.
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (process.env.OIDC_TEST_DEBUG) process.stderr.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-STDERR_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let issuer: string;
  try {
    issuer = await new Promise<string>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`oidc test provider not ready within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      const onMessage = (msg: ChildMessage): void => {
        if (msg?.type === 'ready') {
          cleanup();
          resolve(msg.issuer);
        } else if (msg?.type === 'error') {
          cleanup();
          reject(new Error(`oidc test provider failed to start: ${msg.message}`));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        cleanup();
        reject(new Error(`oidc test provider exited during start-up (code ${code}, signal ${signal})`));
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', onError);
      child.send(childConfig);
    });
  } catch (err) {
    await killChild(child);
    const detail = output.trim() ? `\n--- provider output ---\n${output.trim()}` : '';
    throw new Error(`${(err as Error).message}${detail}`, { cause: err });
  }

  try {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery failed with HTTP ${res.status}`);
    const metadata = (await res.json()) as Record<string, unknown>;
    const str = (key: string): string => {
      const value = metadata[key];
      if (typeof value !== 'string') throw new Error(`discovery document lacks ${key}`);
      return value;
    };

    let stopped: Promise<void> | undefined;
    return {
      issuer,
      tokenEndpoint: str('token_endpoint'),
      authorizationEndpoint: str('authorization_endpoint'),
      revocationEndpoint: str('revocation_endpoint'),
      introspectionEndpoint: str('introspection_endpoint'),
      jwksUri: str('jwks_uri'),
      apiUrl: `${issuer}/__test/api`,
      metadata,
      async counters() {
        const r = await fetch(`${issuer}/__test/counters`);
        if (!r.ok) throw new Error(`counters failed with HTTP ${r.status}`);
        return (await r.json()) as OidcTestCounters;
      },
      async resetCounters() {
        const r = await fetch(`${issuer}/__test/counters/reset`, { method: 'POST' });
        if (!r.ok) throw new Error(`counters reset failed with HTTP ${r.status}`);
      },
      stop() {
        stopped ??= killChild(child);
        return stopped;
      },
    };
  } catch (err) {
    await killChild(child);
    throw err;
  }
}

function toPublicJwk(privateKey: KeyObject, alg: string): TestKeyPair {
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  const publicJwk: JsonWebKey = { kty: jwk.kty };
  if (jwk.kty === 'RSA') {
    publicJwk.n = jwk.n;
    publicJwk.e = jwk.e;
  } else {
    publicJwk.crv = jwk.crv;
    publicJwk.x = jwk.x;
    publicJwk.y = jwk.y;
  }
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    privateKey,
    publicJwk: { ...publicJwk, kid: randomUUID(), alg, use: 'sig' },
  };
}

/** RSA 2048 key pair for private_key_jwt (RS256). */
export function makeRsaKeyPair(alg: 'RS256' | 'PS256' = 'RS256'): TestKeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return toPublicJwk(privateKey, alg);
}

/** EC P-256 key pair for private_key_jwt (ES256). */
export function makeEcKeyPair(): TestKeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return toPublicJwk(privateKey, 'ES256');
}
