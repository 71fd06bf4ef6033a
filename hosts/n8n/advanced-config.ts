import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { BodyRejectionRule } from '../../lib/oauth2/authorized-client';
import type { ClientAuthMethod, ConcreteClientAuthMethod, OAuth2Config } from '../../lib/oauth2/types';
import { generateDpopKey } from '../../lib/oauth2/dpop';
import { values } from '../../lib/providers/description';
import { commaListOf, trimmed } from '../../lib/providers/settings';
import { fromN8n, genericSetupOf, type GenericSetup } from '../../lib/providers/generic/settings';
import { GENERIC } from '../../lib/providers/generic/description';
import type { EngineGrant } from './engine-token';
import { N8N_GRANT } from './from-description';
import { discoveredFor } from './discovery';

const METHODS: readonly ClientAuthMethod[] = values(GENERIC.clientAuthChoices);
const CONCRETE_METHODS = METHODS.filter((m): m is ConcreteClientAuthMethod => m !== 'auto');

const text = trimmed;

/** What discovery may fill in n8n's credential (the rest is for the authorization-code grant n8n runs itself). */
const DISCOVERED = ['tokenUrl', 'resource', 'scopes'];

/** The engine configuration of an Advanced OAuth2 credential, through the generic client's one mapper. */
export function advancedOAuth2Config(credentials: ICredentialDataDecryptedObject): OAuth2Config {
	return advancedSetup(credentials).config;
}

/** The generic client's setup of an Advanced OAuth2 credential (n8n's names translated; a client credentials or password grant). */
export function advancedSetup(credentials: ICredentialDataDecryptedObject): GenericSetup {
	const flat = fromN8n(credentials);
	// an empty token URL with an API URL: what discovery found (discovery.ts), where the credential is empty
	for (const [name, value] of Object.entries(discoveredFor(credentials) ?? {})) if (DISCOVERED.includes(name) && !text(flat[name])) flat[name] = value;
	const grants = ['password', 'jwt_bearer', 'token_exchange'] as const;
	flat.grantType = grants.find((g) => credentials.grantType === N8N_GRANT[g]) ?? 'client_credentials';
	// stored credentials from before `auto` existed have no value when they kept the old default
	const method = text(credentials.clientAuthentication) || 'auto';
	if (!METHODS.includes(method as ClientAuthMethod)) throw new TypeError(`Unknown client authentication "${method}"`);
	return genericSetupOf(flat);
}

/** What a preAuthentication needs of an Advanced OAuth2 credential, mapped once: the configuration and its grant. */
export function advancedEngineSetup(credentials: ICredentialDataDecryptedObject): { config: OAuth2Config; grant: EngineGrant } {
	const { config: settings, grant, dpop } = advancedSetup(credentials);
	// DPoP: the key preAuthentication made and n8n saved with the credential (withDpopKey)
	const key = text(credentials.dpopPrivateKey);
	const config = dpop && key ? { ...settings, dpopKey: key } : settings;
	// advancedSetup runs only the client credentials or password grant
	return { config, grant: grant as EngineGrant };
}

/** The credential with a DPoP key when it asks for DPoP and has none yet (preAuthentication returns it, so n8n saves it). */
export function withDpopKey(credentials: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	if (credentials.dpop !== true || text(credentials.dpopPrivateKey)) return credentials;
	return { ...credentials, dpopPrivateKey: generateDpopKey() };
}

/** The client authentication `auto` settled on earlier (hidden field `clientAuthMethodUsed`), if any. */
export function learnedClientAuth(credentials: ICredentialDataDecryptedObject): ConcreteClientAuthMethod | undefined {
	const value = text(credentials.clientAuthMethodUsed) as ConcreteClientAuthMethod;
	return CONCRETE_METHODS.includes(value) ? value : undefined;
}

/**
 * The "token rejected" body rule of an Advanced OAuth2 credential (fields `rejectedBodyPath` and
 * `rejectedBodyValues`; their names avoid "token", which the lint reads as a secret): a JSON path and the values at it
 * that mean the API refused the token although the status is not 401 (e.g. 400 with
 * `{"error":"token_expired"}`). Undefined when either field is empty.
 */
export function tokenRejectedRule(credentials: ICredentialDataDecryptedObject | undefined): BodyRejectionRule | undefined {
	const path = text(credentials?.rejectedBodyPath);
	const values = commaListOf(credentials?.rejectedBodyValues);
	return path && values.length ? { path, values } : undefined;
}
