/**
 * The providers, once. Every list of Node-RED config types, n8n credential names and editor
 * descriptions derives from here; where a host's lint wants a literal (n8n's option lists, the
 * package manifests), `test/unit/registry.test.ts` compares the literal with this list. Adding a
 * provider: `docs/adding-a-provider.md`.
 */
import { DEPLOYTEQ } from './deployteq/description';
import { DEPLOYTEQ_CREDENTIAL_FIELDS, DEPLOYTEQ_SETTINGS, deployteqSetupOf } from './deployteq/settings';
import type { ProviderDescription } from './description';
import { GENERIC } from './generic/description';
import { GENERIC_CREDENTIAL_FIELDS, GENERIC_SETTINGS, genericSetupOf } from './generic/settings';
import type { SettingSpec } from './setting-ui';
import type { SetupOf } from './setup';
import { ZENDESK_CHAT } from './zendesk-chat/description';
import { ZENDESK_CHAT_CREDENTIAL_FIELDS, ZENDESK_CHAT_SETTINGS, zendeskChatSetupOf } from './zendesk-chat/settings';

/** An n8n credential: n8n's own OAuth2 (an `oAuth2Api` child) or the engine through `preAuthentication`. */
export interface N8nCredentialEntry {
  name: string;
  displayName: string;
  kind: 'oauth2' | 'preAuth';
}

export interface ProviderEntry {
  description: ProviderDescription;
  nodeRed: {
    /** The config node type. */
    config: string;
    /** The action node types that use it. */
    actions: readonly string[];
    /** The config node's credential fields (`password` = secret). */
    secrets: Readonly<Record<string, 'text' | 'password'>>;
    /** The config node's settings schema (its dialog is rendered from it). */
    settings: readonly SettingSpec[];
    /** The provider's one mapper: settings and credentials (flat, schema names) → configuration and grant. */
    setup: SetupOf;
  };
  n8n: {
    credentials: readonly N8nCredentialEntry[];
    /** Node folder and class names under `nodes/`. */
    nodes: readonly string[];
  };
}

export const PROVIDERS = [
  {
    description: DEPLOYTEQ,
    nodeRed: { config: 'deployteq-oauth2', actions: ['deployteq-webhook'], secrets: DEPLOYTEQ_CREDENTIAL_FIELDS, settings: DEPLOYTEQ_SETTINGS, setup: deployteqSetupOf },
    n8n: { credentials: [{ name: 'deployteqOAuth2Api', displayName: 'Deployteq OAuth2 API', kind: 'oauth2' }], nodes: ['Deployteq'] },
  },
  {
    description: ZENDESK_CHAT,
    nodeRed: { config: 'zendesk-chat-oauth2', actions: ['zendesk-chat'], secrets: ZENDESK_CHAT_CREDENTIAL_FIELDS, settings: ZENDESK_CHAT_SETTINGS, setup: zendeskChatSetupOf },
    n8n: {
      credentials: [
        { name: 'zendeskChatOAuth2Api', displayName: 'Zendesk Chat OAuth2 API', kind: 'oauth2' },
        { name: 'zendeskChatPasswordOAuth2Api', displayName: 'Zendesk Chat Password OAuth2 API', kind: 'preAuth' },
      ],
      nodes: ['ZendeskChat', 'ZendeskChatTrigger'],
    },
  },
  {
    description: GENERIC,
    // the credential fields come from the generic client's settings schema
    nodeRed: { config: 'oauth2-client', actions: ['oauth2-request'], secrets: GENERIC_CREDENTIAL_FIELDS, settings: GENERIC_SETTINGS, setup: genericSetupOf },
    n8n: { credentials: [{ name: 'advancedOAuth2Api', displayName: 'Advanced OAuth2 API', kind: 'preAuth' }], nodes: [] },
  },
] as const satisfies readonly ProviderEntry[];

type Entry = (typeof PROVIDERS)[number];
type N8nCredential = Entry['n8n']['credentials'][number];

/** Nodes of the product that belong to no provider (credential health). */
export const PRODUCT_NODES = { nodeRed: ['oauth2-health'], n8n: ['OAuth2CredentialHealthTrigger'] } as const;

export type NodeRedConfigType = Entry['nodeRed']['config'];
export const NODE_RED_CONFIG_TYPES: readonly NodeRedConfigType[] = PROVIDERS.map((p) => p.nodeRed.config);

/** Every Node-RED node type of the package: config nodes, action nodes, product nodes. */
export const NODE_RED_TYPES: readonly string[] = [...PROVIDERS.flatMap((p): string[] => [p.nodeRed.config, ...p.nodeRed.actions]), ...PRODUCT_NODES.nodeRed];

export type N8nCredentialName = N8nCredential['name'];
export type N8nOAuth2Credential = Extract<N8nCredential, { kind: 'oauth2' }>['name'];
export type N8nPreAuthCredential = Extract<N8nCredential, { kind: 'preAuth' }>['name'];

export const N8N_CREDENTIALS: readonly N8nCredentialEntry[] = PROVIDERS.flatMap((p): readonly N8nCredentialEntry[] => p.n8n.credentials);
export const N8N_OAUTH2_CREDENTIALS = N8N_CREDENTIALS.filter((c) => c.kind === 'oauth2').map((c) => c.name) as N8nOAuth2Credential[];
export const N8N_PREAUTH_CREDENTIALS = N8N_CREDENTIALS.filter((c) => c.kind === 'preAuth').map((c) => c.name) as N8nPreAuthCredential[];

/** Every n8n node of the package (folder and class names). */
export const N8N_NODES: readonly string[] = [...PROVIDERS.flatMap((p): readonly string[] => p.n8n.nodes), ...PRODUCT_NODES.n8n];
