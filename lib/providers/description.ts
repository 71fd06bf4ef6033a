/**
 * The shape of a provider description: everything both hosts need to know about a provider
 * (grants, scopes and their defaults, client authentication, endpoints, quirks, limits), once.
 * The n8n credentials and nodes and the Node-RED config and action nodes derive their fields,
 * option lists, defaults and help texts from it; nothing provider-specific is written twice.
 */
import type { ClientAuthMethod } from '../oauth2/types';

/** One choice of an option list, as both editors show it. */
export interface Choice<T extends string = string> {
  value: T;
  label: string;
  description?: string;
}

export type GrantId = 'authorization_code' | 'client_credentials' | 'password' | 'jwt_bearer' | 'token_exchange';

export interface ScopeDescription {
  choices: ReadonlyArray<Choice>;
  /** Preselected in new credentials. */
  default: readonly string[];
  /** Scopes without which the provider's main operation fails (shown as a notice). */
  required?: readonly string[];
  /** Scopes that only mean something with the authorization code grant (dropped for others). */
  codeGrantOnly?: readonly string[];
}

export interface ProviderDescription {
  /** Stable id: `deployteq`, `zendeskChat`, `generic`. */
  id: string;
  displayName: string;
  /** The provider's documentation of its OAuth 2.0 set-up. */
  documentationUrl: string;
  grants: ReadonlyArray<Choice<GrantId>>;
  defaultGrant: GrantId;
  /** How the provider wants the client to authenticate on token requests. */
  clientAuth: ClientAuthMethod;
  scopes: ScopeDescription;
  /** The provider's documented rate limit (a client-side limiter keeps under it). */
  rateLimit?: { limit: number; windowMs: number };
  /** Token answer quirks the engine handles, for help texts. */
  quirks: readonly string[];
  /** Where to register the redirect URI, shown under it in the Node-RED dialog. */
  redirectUriTip: string;
}

/** The choices' values, for validation. */
export function values<T extends string>(choices: ReadonlyArray<Choice<T>>): T[] {
  return choices.map((c) => c.value);
}

/** Scopes to request for a grant: the chosen ones (or the defaults), minus code-grant-only ones for other grants. */
export function scopesFor(description: ProviderDescription, chosen: readonly string[] | undefined, grant: GrantId): string[] {
  const scopes = chosen?.length ? [...chosen] : [...description.scopes.default];
  const codeOnly = description.scopes.codeGrantOnly ?? [];
  return grant === 'authorization_code' ? scopes : scopes.filter((s) => !codeOnly.includes(s));
}
