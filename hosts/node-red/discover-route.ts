/**
 * The generic client's "Discover" in the editor: the runtime reads the API's metadata (RFC 9728,
 * then RFC 8414 / OpenID; GET requests without credentials) and answers with what it found and the
 * settings that fill the dialog. The editor sends only the API URL and the plain-http hosts; no
 * secret is involved either way.
 */
import { discoverFromApi, type DiscoveredServer } from '../../lib/oauth2/discovery';
import { NODE_HOST } from '../../lib/hosts/node';
import { httpTransport } from '../../lib/oauth2/http-transport';
import { hostList } from '../../lib/oauth2/urls';
import { discoveredSettings } from '../../lib/providers/generic/settings';
import { json } from './admin-reply';
import { safeMessage } from './connection';
import type { AdminRequest, AdminResponse } from './red';

/** What the dialog shows of a discovery: facts, no secret (there is none in metadata). */
function summaryOf(found: DiscoveredServer): Record<string, unknown> {
  return {
    issuer: found.issuer,
    resource: found.resource,
    resourceMetadataUrl: found.resourceMetadataUrl,
    metadataUrl: found.metadataUrl,
    registration: !!found.registrationEndpoint,
    deviceFlow: !!found.deviceAuthorizationEndpoint,
    pushedAuthorization: found.pushedAuthorizationRequestEndpoint ? (found.requirePushedAuthorizationRequests ? 'required' : 'offered') : 'no',
    clientAuthMethods: found.tokenEndpointAuthMethods,
    pkceMethods: found.codeChallengeMethods,
    dpopAlgs: found.dpopSigningAlgs,
    grantTypes: found.grantTypes,
  };
}

export function discoverRoute(): (req: AdminRequest, res: AdminResponse) => void {
  return (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { url?: unknown; allowHttpHosts?: unknown };
    if (typeof body.url !== 'string' || !body.url.trim() || body.url.length > 2048) {
      json(res, 400, { error: 'Enter the API URL to discover from (an https: URL)' });
      return;
    }
    let allowHttpHosts: string[] | undefined;
    try {
      allowHttpHosts = hostList(body.allowHttpHosts);
    } catch (error) {
      json(res, 400, { error: safeMessage(error) });
      return;
    }
    discoverFromApi(body.url.trim(), { transport: httpTransport, host: NODE_HOST, allowHttpHosts }).then(
      (found) => json(res, 200, { found: summaryOf(found), settings: discoveredSettings(found) }),
      (error) => json(res, 400, { error: safeMessage(error) }),
    );
  };
}
