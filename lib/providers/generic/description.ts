/**
 * The generic OAuth2 client: the choices both hosts offer for any authorization server (grants,
 * client authentication, token body format), with their help texts. Facts:
 * shared/reference/generic-oauth2.md.
 */
import type { ClientAuthMethod } from '../../oauth2/types';
import type { Choice, GrantId, ProviderDescription } from '../description';

export interface GenericDescription extends ProviderDescription {
  clientAuthChoices: ReadonlyArray<Choice<ClientAuthMethod>>;
  /** Client authentication methods that need the client secret. */
  secretMethods: readonly ClientAuthMethod[];
  tokenBodyFormats: ReadonlyArray<Choice<'form' | 'json'>>;
  /** Grants of the Node-RED client beyond the standard ones: a refresh token obtained elsewhere. */
  refreshOnly: Choice<'refresh_token'>;
  /** The grants the Node-RED client offers: the standard ones and a refresh token obtained elsewhere. */
  grantChoices: ReadonlyArray<Choice<GrantId | 'refresh_token' | 'device_code'>>;
  /** Where a token exchange's subject token comes from (Node-RED). */
  subjectSources: ReadonlyArray<Choice<'token' | 'message' | 'client'>>;
  /** The JWT client assertion's signing algorithm; the empty value picks it from the key. */
  signingAlgs: ReadonlyArray<Choice<'' | 'RS256' | 'ES256' | 'HS256'>>;
}

const GRANTS: ReadonlyArray<Choice<GrantId>> = [
  { value: 'authorization_code', label: 'Authorization code (PKCE)', description: 'A user signs in and approves access; refresh tokens keep it' },
  { value: 'client_credentials', label: 'Client credentials', description: 'Server to server, no user' },
  { value: 'password', label: 'Password (legacy)', description: 'Resource owner password: only for servers that require it' },
  { value: 'token_exchange', label: 'Token exchange', description: 'Another token traded for one for this API (RFC 8693)' },
  { value: 'jwt_bearer', label: 'JWT bearer (service account)', description: 'A signed assertion instead of a user or a secret (RFC 7523), e.g. a Google service account' },
];
const DEVICE: Choice<'device_code'> = { value: 'device_code', label: 'Device code', description: 'A user enters a code on another device: no redirect URI needed (RFC 8628)' };
const REFRESH_ONLY: Choice<'refresh_token'> = { value: 'refresh_token', label: 'Refresh token only', description: 'A refresh token obtained elsewhere: paste it below' };

export const GENERIC: GenericDescription = {
  id: 'generic',
  displayName: 'OAuth2',
  documentationUrl: 'https://www.rfc-editor.org/rfc/rfc6749',
  grants: GRANTS,
  defaultGrant: 'authorization_code',
  clientAuth: 'auto',
  scopes: { choices: [], default: [] },
  quirks: [
    'expires_in as a string, missing or zero',
    'token_type missing or in any casing',
    'JSON served as text/plain, form-encoded answers',
    'errors inside a 200 answer, HTML error pages',
  ],
  clientAuthChoices: [
    {
      value: 'auto',
      label: 'Automatic (recommended)',
      description: 'What the server\'s metadata lists; otherwise encoded Basic, then raw Basic, then the body, on "invalid_client". The method that worked is remembered.',
    },
    { value: 'basic', label: 'Basic (RFC 6749 encoded)', description: 'Client ID and secret URL-encoded, then Basic (the standard)' },
    { value: 'basic-raw', label: 'Basic (raw)', description: 'Client ID and secret as typed, then Basic (servers that do not decode)' },
    { value: 'body', label: 'In the body', description: 'client_id and client_secret as form fields' },
    { value: 'none', label: 'None (public client)', description: 'Only client_id in the body, no secret (use PKCE)' },
    { value: 'private_key_jwt', label: 'Private key JWT', description: 'A JWT assertion signed with your private key (RS256 or ES256)' },
    { value: 'client_secret_jwt', label: 'Client secret JWT', description: 'A JWT assertion signed with the client secret (HS256)' },
  ],
  secretMethods: ['auto', 'basic', 'basic-raw', 'body', 'client_secret_jwt'],
  tokenBodyFormats: [
    { value: 'form', label: 'Form (RFC 6749)' },
    { value: 'json', label: 'JSON' },
  ],
  refreshOnly: REFRESH_ONLY,
  grantChoices: [...GRANTS, DEVICE, REFRESH_ONLY],
  subjectSources: [
    { value: 'token', label: 'The subject token below' },
    { value: 'message', label: 'msg.subjectToken', description: 'Each message brings its own; its exchanged token is kept while valid' },
    { value: 'client', label: 'Another configuration\'s token', description: 'The current access token of another OAuth2 configuration node' },
  ],
  redirectUriTip: 'Register exactly this redirect URI at the authorization server.',
  signingAlgs: [
    { value: '', label: 'Automatic', description: 'From the key: RS256 or ES256 for a private key, HS256 for the client secret' },
    { value: 'RS256', label: 'RS256' },
    { value: 'ES256', label: 'ES256' },
    { value: 'HS256', label: 'HS256' },
  ],
};
