/**
 * What the Node-RED editor needs of the provider descriptions (option lists, defaults, operation
 * catalogs, the config dialogs' settings schemas), as plain JSON. The build writes it to
 * `resources/oauth2-descriptions.js` (`window.OAuth2ConnectorsDescriptions`), which the editor loads
 * before the node definitions, so the editor derives its forms from the same descriptions as the
 * runtime and n8n.
 */
import { DEPLOYTEQ } from './deployteq/description';
import { GENERIC } from './generic/description';
import { SERVICE_ACCOUNT_FIELDS } from './generic/settings';
import { NODE_RED_CONFIG_TYPES, PROVIDERS } from './registry';
import { SETTING_SECTIONS } from './setting-ui';
import { ZENDESK_CHAT_CATALOG } from './zendesk-chat/catalog';
import { ZENDESK_CHAT } from './zendesk-chat/description';

export const EDITOR_DESCRIPTIONS: Record<string, unknown> = {
  // the config node types (the health node's list), from the registry
  configTypes: NODE_RED_CONFIG_TYPES,
  // each config dialog, by config type: its provider's description, the settings it renders (those
  // with a look), and the credential fields
  dialogs: Object.fromEntries(
    PROVIDERS.map((p) => [p.nodeRed.config, { ...p.description, settings: p.nodeRed.settings.filter((s) => s.ui), credentialFields: p.nodeRed.secrets }]),
  ),
  // the Advanced sections of the dialogs, in order
  sections: SETTING_SECTIONS,
  deployteq: DEPLOYTEQ,
  zendeskChatOAuth: ZENDESK_CHAT,
  // the zendesk-chat node's resources, operations and fields
  zendeskChat: { operations: ZENDESK_CHAT_CATALOG },
  generic: GENERIC,
  // the generic dialog's "Import key file": a service-account JSON key's members → settings
  serviceAccountFields: SERVICE_ACCOUNT_FIELDS,
};
