/**
 * Dynamic client registration for the generic client (RFC 7591): "Register" in the editor asks the
 * runtime to register a client at the server the dialog's API URL (or issuer) leads to. The client
 * secret and the registration access token stay in the runtime, encrypted in the token store beside
 * the node's tokens; the editor gets the client ID and the client authentication only. The secret
 * joins the node's credentials only while its settings name that client and send credentials only
 * to the server it was registered at.
 */
import { describeServer, discoverFromApi, serverMetadata, type DiscoveredServer } from '../../lib/oauth2/discovery';
import { GRANT } from '../../lib/oauth2/failure';
import { NODE_HOST } from '../../lib/hosts/node';
import { httpTransport } from '../../lib/oauth2/http-transport';
import { registerClient, registrationAuthMethod, type ClientMetadata } from '../../lib/oauth2/registration';
import { hostList } from '../../lib/oauth2/urls';
import { listOf, trimmed } from '../../lib/providers/settings';
import { buildConfig, type BuiltConfig, type ConfigType, type Credentials, type Settings } from './builders';
import type { TokenStore } from './token-store';

/** What the runtime keeps of a registration (encrypted, in the token store). */
export interface KeptRegistration {
  clientId: string;
  clientSecret?: string;
  registrationAccessToken?: string;
  registrationClientUri?: string;
  /** The token endpoint of the server the client was registered at. */
  tokenUrl: string;
}

/** The store entry of a node's registration (its own entry beside the tokens', so Disconnect keeps it). */
export const registrationEntryId = (nodeId: string): string => `registration:${nodeId}`;

export function keptRegistration(store: TokenStore, nodeId: string): KeptRegistration | undefined {
  return store.read(registrationEntryId(nodeId))?.registration;
}

/** The endpoints that receive the client's credentials, all on the registration server's origin. */
function onRegisteredServer(built: BuiltConfig, kept: KeptRegistration): boolean {
  const origin = new URL(kept.tokenUrl).origin;
  const { config } = built;
  if (config.tokenUrl !== kept.tokenUrl) return false;
  return [config.refreshUrl, config.revocationUrl, config.deviceAuthorizationUrl, config.pushedAuthorizationRequestUrl].every((u) => !u || new URL(u).origin === origin);
}

/** The credentials with a registered client's secret when no secret was typed and the settings fit the registration. */
export function withRegisteredSecret(store: TokenStore, nodeId: string, type: ConfigType, settings: Settings, creds: Credentials): Credentials {
  if (type !== 'oauth2-client' || creds.clientSecret) return creds;
  const kept = keptRegistration(store, nodeId);
  if (!kept?.clientSecret || kept.clientId !== trimmed(settings.clientId)) return creds;
  try {
    if (!onRegisteredServer(buildConfig(type, settings, creds), kept)) return creds;
  } catch {
    return creds;
  }
  return { ...creds, clientSecret: kept.clientSecret };
}

/** The server to register at: from the API URL (RFC 9728), else the issuer's metadata. */
async function serverOf(settings: Settings): Promise<Pick<DiscoveredServer, 'registrationEndpoint' | 'tokenEndpoint' | 'tokenEndpointAuthMethods'>> {
  const options = { transport: httpTransport, host: NODE_HOST, allowHttpHosts: hostList(settings.allowHttpHosts) };
  if (trimmed(settings.discoverFrom)) return discoverFromApi(trimmed(settings.discoverFrom), options);
  const issuer = trimmed(settings.issuer);
  if (!issuer) throw new TypeError('Register needs the API URL (Discover) or the issuer of the server to register at');
  const found = await serverMetadata(issuer, options);
  return describeServer(issuer, found.url, found.body, options);
}

/** RFC 7591 metadata for the dialog's grant. */
function metadataFor(settings: Settings, redirectUri: string | undefined, authMethod: string, name: string): ClientMetadata {
  const scope = listOf(settings.scopes).join(' ') || undefined;
  const base = { token_endpoint_auth_method: authMethod, client_name: name, ...(scope ? { scope } : {}) };
  switch (settings.grantType) {
    case 'authorization_code':
      if (!redirectUri) throw new TypeError('the redirect URI is missing');
      return { ...base, redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
    case 'device_code':
      return { ...base, grant_types: [GRANT.deviceCode, 'refresh_token'], response_types: [] };
    case 'client_credentials':
      if (authMethod === 'none') throw new TypeError('the server registers only public clients, which cannot use the client credentials grant');
      return { ...base, grant_types: ['client_credentials'], response_types: [] };
    default:
      throw new TypeError('"Register" is for the authorization code, device code and client credentials grants');
  }
}

/** Registers a client for the dialog's settings; keeps its secrets here; answers what the dialog may show. */
export async function registerForNode(store: TokenStore, nodeId: string, settings: Settings, redirectUri: string | undefined): Promise<{ clientId: string; clientAuth: string; secretKept: boolean; tokenUrl: string; clientSecretExpiresAt?: number }> {
  const server = await serverOf(settings);
  if (!server.registrationEndpoint) throw new TypeError('the server offers no dynamic client registration (no registration_endpoint in its metadata)');
  const auth = registrationAuthMethod(server.tokenEndpointAuthMethods);
  const name = `Node-RED ${trimmed(settings.name) || 'oauth2-client'}`.slice(0, 100);
  const client = await registerClient(server.registrationEndpoint, metadataFor(settings, redirectUri, auth.registered, name), { transport: httpTransport, host: NODE_HOST, allowHttpHosts: hostList(settings.allowHttpHosts) });
  const kept: KeptRegistration = { clientId: client.clientId, clientSecret: client.clientSecret, registrationAccessToken: client.registrationAccessToken, registrationClientUri: client.registrationClientUri, tokenUrl: server.tokenEndpoint };
  await store.write({ nodeId: registrationEntryId(nodeId), fingerprint: 'registration', savedAt: Date.now(), registration: kept });
  return { clientId: client.clientId, clientAuth: auth.method, secretKept: !!client.clientSecret, tokenUrl: server.tokenEndpoint, clientSecretExpiresAt: client.clientSecretExpiresAt };
}
