/**
 * RFC 8414 (and OpenID Connect discovery) metadata, read only for what the engine needs: which
 * client authentication methods the token endpoint supports. Best effort: any failure means
 * "no metadata", never an error, and only a document that names our token endpoint counts.
 */
import { TOKEN_RESPONSE_MAX_BYTES } from './body';
import { sendWithRetry } from './transport';
import type { OAuth2Config, Transport } from './types';
import { checkEndpointUrl } from './urls';

export interface ServerMetadata {
  tokenEndpoint?: string;
  tokenEndpointAuthMethods?: string[];
  revocationEndpoint?: string;
  issuer?: string;
}

const WELL_KNOWN = ['oauth-authorization-server', 'openid-configuration'];

/** Where the metadata may be: the configured URL, the issuer's well-known documents, or the token URL origin's. */
export function metadataUrls(config: OAuth2Config): string[] {
  if (config.discovery === false) return [];
  if (typeof config.discovery === 'string' && config.discovery.trim()) return [config.discovery.trim()];
  const urls: string[] = [];
  try {
    if (config.issuer) {
      const issuer = new URL(config.issuer);
      const path = issuer.pathname.replace(/\/+$/, '');
      // RFC 8414 §3.1: the well-known segment goes between host and path; OIDC appends it
      urls.push(`${issuer.origin}/.well-known/oauth-authorization-server${path}`);
      urls.push(`${issuer.origin}${path}/.well-known/openid-configuration`);
    } else {
      const origin = new URL(config.tokenUrl).origin;
      for (const name of WELL_KNOWN) urls.push(`${origin}/.well-known/${name}`);
    }
  } catch {
    return [];
  }
  return urls;
}

function sameEndpoint(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** Reads the first metadata document that answers and describes `config.tokenUrl`; undefined otherwise. */
export async function discoverMetadata(config: OAuth2Config, transport: Transport): Promise<ServerMetadata | undefined> {
  for (const url of metadataUrls(config)) {
    try {
      checkEndpointUrl(url, 'The metadata URL', { allowHttpHosts: config.allowHttpHosts });
      const response = await sendWithRetry(
        { url, method: 'GET', headers: { accept: 'application/json' }, maxResponseBytes: TOKEN_RESPONSE_MAX_BYTES },
        { transport, timeoutMs: Math.min(config.timeoutMs ?? 30_000, 10_000), retry: { maxRetries: 0, maxDelayMs: 0, baseDelayMs: 0 }, retryStatuses: [], phase: 'token' },
      );
      if (response.status !== 200) continue;
      const body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
      if (!body || typeof body !== 'object' || !sameEndpoint(body.token_endpoint, config.tokenUrl)) continue;
      const methods = body.token_endpoint_auth_methods_supported;
      return {
        issuer: typeof body.issuer === 'string' ? body.issuer : undefined,
        tokenEndpoint: body.token_endpoint as string,
        // RFC 8414 §2: omitted means client_secret_basic
        tokenEndpointAuthMethods: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : ['client_secret_basic'],
        revocationEndpoint: typeof body.revocation_endpoint === 'string' ? body.revocation_endpoint : undefined,
      };
    } catch {
      // not there, not JSON, not ours: try the next place
    }
  }
  return undefined;
}
