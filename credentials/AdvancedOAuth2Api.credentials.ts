import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { GENERIC } from '../lib/providers/generic/description';
import { advancedEngineSetup, learnedClientAuth, withDpopKey } from '../hosts/n8n/advanced-config';
import { grantProperty, titleCase } from '../hosts/n8n/from-description';
import { discover } from '../hosts/n8n/discovery';
import { engineTokenAuthenticate, fetchTokenSet, TOKEN_STATE_PROPERTIES, tokenFields } from '../hosts/n8n/engine-token';

/**
 * A generic OAuth2 client for what n8n's OAuth2 credential cannot do: the password grant, every
 * client authentication (auto, Basic encoded or raw, body, none, private_key_jwt, client_secret_jwt),
 * extra token parameters, token response paths, a default lifetime and a custom token header.
 * Tokens come from the engine in `preAuthentication`; the generic `authenticate` attaches them, so
 * it also works in n8n's HTTP Request node (Predefined Credential Type).
 */
export class AdvancedOAuth2Api implements ICredentialType {
	name = 'advancedOAuth2Api';

	displayName = 'Advanced OAuth2 API';

	icon = 'file:icons/oauth2.svg' as const;

	documentationUrl = 'https://www.rfc-editor.org/rfc/rfc6749';

	properties: INodeProperties[] = [
		grantProperty(GENERIC, ['client_credentials', 'password', 'token_exchange', 'jwt_bearer']),
		{
			displayName: 'Access Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://auth.example.com/oauth2/token',
			description: 'Empty: discovered from the API URL below',
		},
		{
			displayName: 'Discover From API URL',
			name: 'discoveryUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.example.com/mcp',
			description:
				"Used when the Access Token URL is empty: the API's metadata (RFC 9728, then RFC 8414 / OpenID) gives the token URL, the resource and the API's scopes, read once an hour with GET requests that carry no credentials",
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: 'Empty only for a JWT bearer grant whose server needs no client (e.g. a Google service account)',
		},
		{
			displayName: 'Client Authentication',
			name: 'clientAuthentication',
			type: 'options',
			options: GENERIC.clientAuthChoices.map((c) => ({ name: titleCase(c.label), value: c.value, ...(c.description ? { description: c.description } : {}) })),
			default: GENERIC.clientAuth,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { clientAuthentication: [...GENERIC.secretMethods] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 5 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'PEM private key (RSA or EC P-256) that signs the client assertion',
			displayOptions: { show: { clientAuthentication: ['private_key_jwt'] } },
		},
		{
			displayName: 'Signing Algorithm',
			name: 'signingAlgorithm',
			type: 'options',
			options: [
				{ name: 'From the Key', value: 'auto' },
				{ name: 'RS256', value: 'RS256' },
				{ name: 'ES256', value: 'ES256' },
			],
			default: 'auto',
			displayOptions: { show: { clientAuthentication: ['private_key_jwt'] } },
		},
		{
			displayName: 'Key ID',
			name: 'keyId',
			type: 'string',
			default: '',
			description: 'Optional "kid" header of the assertion, when the server has several of your keys',
			displayOptions: { show: { clientAuthentication: ['private_key_jwt', 'client_secret_jwt'] } },
		},
		{
			displayName: 'Assertion Audience',
			name: 'assertionAudience',
			type: 'string',
			default: '',
			description: 'Optional "aud" of the assertion. Default: the access token URL.',
			displayOptions: { show: { clientAuthentication: ['private_key_jwt', 'client_secret_jwt'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { grantType: ['password'] } },
		},
		{
			displayName: 'Subject Token',
			name: 'subjectToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The token traded for a new one (RFC 8693), e.g. a token another system issued',
			displayOptions: { show: { grantType: ['tokenExchange'] } },
		},
		{
			displayName: 'Subject Token Type',
			name: 'subjectType',
			type: 'string',
			default: '',
			placeholder: 'urn:ietf:params:oauth:token-type:access_token',
			description: 'Empty: an access token',
			displayOptions: { show: { grantType: ['tokenExchange'] } },
		},
		{
			displayName: 'Requested Token Type',
			name: 'requestedType',
			type: 'string',
			default: '',
			description: "Empty: the server's default",
			displayOptions: { show: { grantType: ['tokenExchange'] } },
		},
		{
			displayName: 'Audience',
			name: 'audience',
			type: 'string',
			default: '',
			description: 'The API the new token is for (optional)',
			displayOptions: { show: { grantType: ['tokenExchange'] } },
		},
		{
			displayName: 'Service Account JSON Key',
			name: 'serviceAccountSecretJson',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			description: 'Optional: a service-account JSON key (client_email, private_key, private_key_id, token_uri). It fills the empty fields below and the access token URL, with the scopes in the assertion, as Google wants.',
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Assertion Issuer (Iss)',
			name: 'jwtIssuer',
			type: 'string',
			default: '',
			placeholder: 'robot@project.iam.gserviceaccount.com',
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Assertion Subject (Sub)',
			name: 'jwtSubject',
			type: 'string',
			default: '',
			description: 'The user to act for; empty: the issuer',
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Assertion Private Key',
			name: 'jwtPrivateKey',
			type: 'string',
			typeOptions: { password: true, rows: 5 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'PEM private key that signs the assertion (RSA for RS256, EC P-256 for ES256)',
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Assertion Key ID (Kid)',
			name: 'jwtKeyId',
			type: 'string',
			default: '',
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Assertion Audience (Aud)',
			name: 'jwtAudience',
			type: 'string',
			default: '',
			description: 'Empty: the access token URL',
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Scopes in the Assertion',
			name: 'jwtScopeClaim',
			type: 'boolean',
			default: false,
			description: "Whether the scopes go in the assertion's scope claim instead of the request (Google's service accounts)",
			displayOptions: { show: { grantType: ['jwtBearer'] } },
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'read write',
			description: 'Scopes to ask for, separated by spaces, commas or new lines; empty asks for none',
		},
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'string',
			default: '',
			placeholder: 'https://api.example.com',
			description: 'RFC 8707 resource indicator sent with the token request (the API the token is for); empty sends none, or the discovered one',
		},
		{
			displayName: 'Scope Separator',
			name: 'scopeSeparator',
			type: 'string',
			default: '',
			placeholder: 'a space',
			description: 'What joins the scopes in the token request; empty is a space (the standard). Some servers want a comma.',
		},
		{
			displayName: 'Extra Token Parameters',
			name: 'extraGrantParameters',
			type: 'string',
			default: '',
			placeholder: 'audience=https://api.example.com&resource=urn:x',
			description: 'Added to the token request body: a JSON object, or name=value pairs (URL-encoded) separated by & or new lines',
		},
		{
			displayName: 'Extra Token Request Headers',
			name: 'extraGrantHeaders',
			type: 'string',
			default: '',
			placeholder: 'X-Tenant=acme',
			description: 'Added to token requests: a JSON object, or name=value pairs (URL-encoded) separated by & or new lines',
		},
		{
			displayName: 'Token Request Body',
			name: 'grantBodyFormat',
			type: 'options',
			options: [
				{ name: 'Form (Standard)', value: 'form' },
				{ name: 'JSON', value: 'json' },
			],
			default: 'form',
		},
		{
			displayName: 'Access Token Path',
			name: 'responsePathAccess',
			type: 'string',
			default: 'access_token',
			description: 'Where the access token is in the token response, as a dotted path (e.g. data.token)',
		},
		{
			displayName: 'Refresh Token Path',
			name: 'responsePathRefresh',
			type: 'string',
			default: 'refresh_token',
		},
		{
			displayName: 'Expires In Path',
			name: 'responsePathExpiresIn',
			type: 'string',
			default: 'expires_in',
			description: 'Path of the lifetime in seconds (a number or a numeric string)',
		},
		{
			displayName: 'Token Type Path',
			name: 'responsePathType',
			type: 'string',
			default: 'token_type',
		},
		{
			displayName: 'Response Checks',
			name: 'validations',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: '[{"path":"status","equals":"ok","message":"the server said no"}]',
			description: 'A token response that fails one of these checks is an error: a JSON array of {path, notEmpty?, equals?, message?}; path "$status" is the HTTP status',
		},
		{
			displayName: 'Default Lifetime (Seconds)',
			name: 'defaultExpiresIn',
			type: 'number',
			default: 0,
			description:
				'Lifetime assumed when the response has none. 0 means unknown: the token is used until the API answers 401. After the lifetime the next request gets a new token.',
		},
		{
			displayName: 'Token Header Name',
			name: 'headerName',
			type: 'string',
			default: 'Authorization',
			description: 'Header that carries the access token on API requests',
		},
		{
			displayName: 'Token Prefix',
			name: 'headerPrefix',
			type: 'string',
			default: 'Bearer',
			description: 'Written before the token, e.g. Bearer. Empty sends the bare token.',
		},
		{
			displayName: 'DPoP',
			name: 'dpop',
			type: 'boolean',
			default: false,
			description:
				'Whether to bind the tokens to a key of this credential (RFC 9449): the key is made with the first token and kept in the credential; token requests and calls carry a proof. A server that demands a nonce on API calls cannot be answered from n8n.',
		},
		{
			displayName: 'Token Rejected Body Path',
			name: 'rejectedBodyPath',
			type: 'string',
			default: '',
			placeholder: 'error',
			description:
				'For APIs that say "token expired" in the body of a non-401 error (e.g. 400 {"error":"token_expired"}): the dotted JSON path of that value. When an error answer matches, this package\'s nodes get a new token once and repeat the request. n8n\'s own HTTP Request node (n8n 2.41) gets a new token and repeats the request once after any failed request, whatever its status or body; the calls that failed with the same token share one token request.',
		},
		{
			displayName: 'Token Rejected Values',
			name: 'rejectedBodyValues',
			type: 'string',
			default: '',
			placeholder: 'token_expired, invalid_token',
			description: 'Comma-separated values at the Token Rejected Body Path that mean the token was rejected',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSec',
			type: 'number',
			default: 30,
			description: 'How long a token request may take before it fails with a timeout',
		},
		{
			displayName: 'Retries',
			name: 'maxRetries',
			type: 'number',
			default: 2,
			description:
				'How often a token request is repeated after 429 or 503 (also after 500, 502, 504 and a dropped connection, which a client credentials or password grant may simply repeat), waiting as the server asks (Retry-After) or with back-off',
		},
		{
			displayName: 'Longest Retry Wait (Seconds)',
			name: 'maxRetryWaitSec',
			type: 'number',
			default: 30,
			description: 'A server asking to wait longer (Retry-After) gets its error at once instead',
		},
		{
			displayName: 'Hosts Allowed Over HTTP',
			name: 'allowHttpHosts',
			type: 'string',
			default: '',
			placeholder: 'auth.internal, 10.0.0.5:8080',
			description:
				'Token servers on these hosts may be reached over plain http (an internal network): comma-separated host or host:port. Everything else must use https. Secrets travel unencrypted to these hosts.',
		},
		{
			displayName: 'Test URL',
			name: 'testUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.example.com/me',
			description:
				'An API URL that answers a GET with 2xx when the token is good; "Test" in the credential dialog calls it with the token. Empty: "Test" checks the token request alone.',
		},
		...TOKEN_STATE_PROPERTIES,
		{
			displayName: 'Client Authentication Used',
			name: 'clientAuthMethodUsed',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'DPoP Private Key',
			name: 'dpopPrivateKey',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, stored: ICredentialDataDecryptedObject): Promise<IDataObject> {
		await discover(this, stored);
		const credentials = withDpopKey(stored);
		const { config, grant } = advancedEngineSetup(credentials);
		const tokens = await fetchTokenSet(this, config, grant, {
			learnedClientAuth: learnedClientAuth(credentials),
			presentedToken: typeof credentials.accessToken === 'string' ? credentials.accessToken : undefined,
		});
		// saved with the token: the method that worked (the next request goes straight to it) and the DPoP key the token is bound to
		return { ...tokenFields(tokens), clientAuthMethodUsed: tokens.clientAuthMethod ?? '', ...(config.dpopKey ? { dpopPrivateKey: config.dpopKey } : {}) };
	}

	/** The token in the configured header with the configured prefix, decided per call (see `engineTokenAuthenticate`). */
	authenticate = engineTokenAuthenticate(advancedEngineSetup, (credentials) => ({
		name: (typeof credentials.headerName === 'string' && credentials.headerName.trim()) || 'Authorization',
		prefix: typeof credentials.headerPrefix === 'string' ? credentials.headerPrefix.trim() : 'Bearer',
	}));

	/**
	 * n8n runs `preAuthentication` (the token request, with this package's engine) before every test,
	 * so a wrong client ID, secret or password fails here with the engine's OAuth2 error and hint.
	 * With a Test URL the token then opens it and its status is judged. Without one the token request
	 * is the test: n8n still sends the request below, so it goes to the access token URL (a GET, which
	 * token endpoints refuse, to the server that issued the token) and its status is not judged.
	 */
	test: ICredentialTestRequest = {
		request: {
			url: '={{ $credentials.testUrl || $credentials.tokenUrl }}',
			method: 'GET',
			// an expression: n8n's routing resolves every field of the test request
			ignoreHttpStatusErrors: '={{ !$credentials.testUrl }}' as unknown as boolean,
		},
	};
}
