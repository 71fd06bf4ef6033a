/**
 * Discovery for n8n's Advanced OAuth2 credential: n8n has no button in a credential dialog, so an
 * empty token URL with an API URL set is discovered when a token is needed (RFC 9728, then RFC 8414
 * / OpenID; GET requests without credentials, over n8n's HTTP client), once per process and hour.
 * The cache is keyed by a hash of the API URL and the plain-http hosts and holds no secret (metadata
 * has none). What it found fills only the credential's empty fields.
 */
import { createHash } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { discoverFromApi } from '../../lib/oauth2/discovery';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { hostList } from '../../lib/oauth2/urls';
import { discoveredSettings } from '../../lib/providers/generic/settings';
import { trimmed } from '../../lib/providers/settings';
import { CredentialTokenError } from './engine-token';
import { N8N_HOST } from './host';
import { n8nTransport } from './transport';

const TTL_MS = 3_600_000;
const MAX_ENTRIES = 64;
const found = new Map<string, { at: number; settings: Record<string, string> }>();

function keyOf(credentials: ICredentialDataDecryptedObject): string | undefined {
	const url = trimmed(credentials.discoveryUrl);
	if (!url || trimmed(credentials.tokenUrl)) return undefined;
	return createHash('sha256').update(JSON.stringify([url, trimmed(credentials.allowHttpHosts)])).digest('hex');
}

/** The settings this process discovered for the credential (schema names), while fresh; undefined when none are needed or known. */
export function discoveredFor(credentials: ICredentialDataDecryptedObject): Record<string, string> | undefined {
	const key = keyOf(credentials);
	const entry = key === undefined ? undefined : found.get(key);
	return entry && Date.now() - entry.at < TTL_MS ? entry.settings : undefined;
}

/** Discovers (unless fresh already) what an empty token URL needs; errors say what was missing or refused. */
export async function discover(helper: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<void> {
	const key = keyOf(credentials);
	if (key === undefined || discoveredFor(credentials)) return;
	let server;
	try {
		server = await discoverFromApi(trimmed(credentials.discoveryUrl), { transport: n8nTransport(helper), host: N8N_HOST, allowHttpHosts: hostList(credentials.allowHttpHosts) });
	} catch (error) {
		throw error instanceof OAuth2Error ? new CredentialTokenError(error) : error;
	}
	if (found.size >= MAX_ENTRIES) found.clear();
	found.set(key, { at: Date.now(), settings: discoveredSettings(server) });
}
