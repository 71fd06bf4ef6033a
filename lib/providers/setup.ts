/**
 * What a provider's mapper makes of a flat settings record (the settings and the credentials under
 * their schema names): the engine configuration, the grant, and what the provider's action needs
 * besides. Node-RED's config nodes are built from it by one builder for every provider.
 */
import type { GrantSpec } from '../oauth2/token-state';
import type { ReactiveRefreshOptions } from '../oauth2/authorized-client';
import type { OAuth2Config } from '../oauth2/types';
import type { DeployteqWebhookPolicy } from './deployteq/webhook';

export type SetupGrant = 'authorization_code' | 'client_credentials' | 'password' | 'refresh_token' | 'jwt_bearer' | 'device_code' | 'token_exchange';

export interface ProviderSetup {
  config: OAuth2Config;
  grantType: SetupGrant;
  /** The engine grant when the mapper makes it (else from the grant type and the credentials). */
  grant?: GrantSpec;
  /** Zendesk Chat: the API base URL. */
  apiBaseUrl?: string;
  /** A refresh token typed into the credential (generic client), used when nothing newer is stored. */
  seedRefreshToken?: string;
  /** Token manager options beyond the configuration (generic client). */
  manager?: { refreshSkewMs?: number; reactive?: ReactiveRefreshOptions };
  /** Generic client, token exchange: where the subject token comes from (the host wires a message's or another configuration's). */
  exchangeSubject?: { from: 'token' | 'message' | 'client'; client?: string };
  /** Generic client: bind the tokens to a DPoP key the host keeps (RFC 9449). */
  dpop?: boolean;
  /** Deployteq: where the webhook node may send the token. */
  webhookPolicy?: DeployteqWebhookPolicy;
}

/** A provider's one mapper. */
export type SetupOf = (settings: Record<string, unknown>) => ProviderSetup;
