/**
 * Checks an engine configuration once, when it is built, so a bad setting is a clear config error
 * before anything is sent: every endpoint must be https: (http: only for loopback and the allowed
 * hosts), no scheme such as javascript:, data: or file: anywhere.
 */
import { OAuth2ConfigError } from './errors';
import type { OAuth2Config } from './types';
import { checkEndpointUrl } from './urls';

export function validateConfig(config: OAuth2Config): OAuth2Config {
  const policy = { allowHttpHosts: config.allowHttpHosts };
  checkEndpointUrl(config.tokenUrl, 'The token URL', policy);
  if (config.refreshUrl) checkEndpointUrl(config.refreshUrl, 'The refresh URL', policy);
  if (config.authorizationUrl) checkEndpointUrl(config.authorizationUrl, 'The authorization URL', policy);
  if (config.revocationUrl) checkEndpointUrl(config.revocationUrl, 'The revocation URL', policy);
  if (config.deviceAuthorizationUrl) checkEndpointUrl(config.deviceAuthorizationUrl, 'The device authorization URL', policy);
  if (config.pushedAuthorizationRequestUrl) checkEndpointUrl(config.pushedAuthorizationRequestUrl, 'The pushed authorization request URL', policy);
  if (typeof config.discovery === 'string' && config.discovery) checkEndpointUrl(config.discovery, 'The metadata URL', policy);
  if (config.resource !== undefined) checkResource(config.resource);
  if (config.maxResponseBytes !== undefined && !(Number.isFinite(config.maxResponseBytes) && config.maxResponseBytes > 0)) {
    throw new OAuth2ConfigError('the response size limit must be a positive number of bytes');
  }
  if (config.timeoutMs !== undefined && !(Number.isFinite(config.timeoutMs) && config.timeoutMs > 0)) {
    throw new OAuth2ConfigError('the timeout must be a positive number of milliseconds');
  }
  return config;
}

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. */
function checkResource(resource: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof resource === 'string' ? new URL(resource) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.hash || /#/.test(String(resource))) throw new OAuth2ConfigError('the resource must be an absolute URI without a fragment (RFC 8707)');
}
