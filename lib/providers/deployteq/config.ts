/** A Deployteq credential as an engine configuration, from the description. */
import type { OAuth2Config } from '../../oauth2/types';
import { scopesFor, values } from '../description';
import { requireHttpUrl } from '../http-json';
import { DEPLOYTEQ, DEPLOYTEQ_DEFAULT_AUTH_BASE_URL } from './description';

export interface DeployteqSettings {
  clientId: string;
  clientSecret: string;
  grant: 'client_credentials' | 'authorization_code';
  /** Auth host, default `https://auth.clang.cloud`. */
  authBaseUrl?: string;
  scopes?: string[];
  redirectUri?: string;
}

export function deployteqEndpoints(authBaseUrl = DEPLOYTEQ_DEFAULT_AUTH_BASE_URL): { authorizationUrl: string; tokenUrl: string } {
  const base = requireHttpUrl(authBaseUrl || DEPLOYTEQ_DEFAULT_AUTH_BASE_URL, 'The Deployteq auth URL').toString().replace(/\/+$/, '');
  return { authorizationUrl: `${base}${DEPLOYTEQ.paths.consentPage}`, tokenUrl: `${base}${DEPLOYTEQ.paths.exchange}` };
}

/** The engine configuration for a Deployteq credential. */
export function deployteqOAuth2Config(settings: DeployteqSettings): OAuth2Config {
  const known = new Set(values(DEPLOYTEQ.scopes.choices));
  const unknown = (settings.scopes ?? []).filter((s) => !known.has(s));
  if (unknown.length) throw new TypeError(`Unknown Deployteq scope(s): ${unknown.join(', ')}`);
  return {
    ...deployteqEndpoints(settings.authBaseUrl),
    client: { clientId: settings.clientId, clientSecret: settings.clientSecret, method: DEPLOYTEQ.clientAuth },
    scopes: scopesFor(DEPLOYTEQ, settings.scopes, settings.grant),
    redirectUri: settings.redirectUri,
  };
}
