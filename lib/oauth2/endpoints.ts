/**
 * Every URL setting of a configuration the client's credentials or its tokens are sent to, in one
 * list. Hosts bind stored secrets and tokens to it: a stored secret is lent only with the endpoints
 * a credential was deployed with, and the fingerprint binding stored tokens to a client covers them
 * all. A URL setting added to `OAuth2Config` (a name ending in `Url`, or `issuer` and `discovery`)
 * that is not listed here does not compile.
 */
import type { OAuth2Config } from './types';

type UrlSetting = { [K in keyof OAuth2Config]-?: K extends `${string}Url` | 'issuer' | 'discovery' ? K : never }[keyof OAuth2Config];

/** Each URL setting and what it is, as errors name it. */
const ENDPOINTS = {
  authorizationUrl: 'authorization URL',
  tokenUrl: 'token URL',
  refreshUrl: 'refresh URL',
  revocationUrl: 'revocation URL',
  deviceAuthorizationUrl: 'device authorization URL',
  pushedAuthorizationRequestUrl: 'pushed authorization request URL',
  discovery: 'metadata URL',
  issuer: 'issuer',
} as const satisfies Record<UrlSetting, string>;

export type EndpointSetting = keyof typeof ENDPOINTS;
export const ENDPOINT_SETTINGS = Object.keys(ENDPOINTS) as EndpointSetting[];

/** The configured endpoints, by setting ('' when not set; discovery only when it names a URL). */
export function endpointsOf(config: OAuth2Config): Record<EndpointSetting, string> {
  const out = {} as Record<EndpointSetting, string>;
  for (const key of ENDPOINT_SETTINGS) {
    const value = config[key];
    out[key] = typeof value === 'string' ? value.trim() : '';
  }
  return out;
}

/** What changed between two endpoint lists, as the settings' names ("token URL, revocation URL"). */
export function changedEndpoints(now: Record<string, string>, then: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(now), ...Object.keys(then)]);
  return [...keys].filter((k) => (now[k] ?? '') !== (then[k] ?? '')).map((k) => (ENDPOINTS as Record<string, string>)[k] ?? k);
}
