/**
 * What the Node-RED editor needs of the provider descriptions (option lists, defaults, operation
 * catalogs), as plain JSON. The build writes it to `resources/oauth2-descriptions.js`
 * (`window.OAuth2ConnectorsDescriptions`), which the editor loads before the node definitions, so
 * the editor derives its forms from the same descriptions as the runtime and n8n.
 */
import { DEPLOYTEQ } from './deployteq/description';
import { DEPLOYTEQ_CREDENTIAL_FIELDS, DEPLOYTEQ_SETTINGS } from './deployteq/settings';
import { GENERIC } from './generic/description';
import { GENERIC_CREDENTIAL_FIELDS, GENERIC_SETTINGS } from './generic/settings';
import { SETTING_SECTIONS } from './setting-ui';
import { NODE_RED_CONFIG_TYPES } from './registry';
import { ZENDESK_CHAT_CATALOG } from './zendesk-chat/catalog';
import { ZENDESK_CHAT } from './zendesk-chat/description';
import { ZENDESK_CHAT_CREDENTIAL_FIELDS, ZENDESK_CHAT_SETTINGS } from './zendesk-chat/settings';

export const EDITOR_DESCRIPTIONS: Record<string, unknown> = {
  // the config node types (the health node's list), from the registry
  configTypes: NODE_RED_CONFIG_TYPES,
  deployteq: { ...DEPLOYTEQ, settings: DEPLOYTEQ_SETTINGS, credentialFields: DEPLOYTEQ_CREDENTIAL_FIELDS },
  // the zendesk-chat-oauth2 config node: hosts, grants, scopes
  zendeskChatOAuth: { ...ZENDESK_CHAT, settings: ZENDESK_CHAT_SETTINGS, credentialFields: ZENDESK_CHAT_CREDENTIAL_FIELDS },
  // the zendesk-chat node's resources, operations and fields
  zendeskChat: { operations: ZENDESK_CHAT_CATALOG },
  // the oauth2-client dialog: its rows, defaults, validators and credentials come from the settings schema
  generic: {
    ...GENERIC,
    grantChoices: [...GENERIC.grants, GENERIC.refreshOnly],
    settings: GENERIC_SETTINGS.filter((s) => s.ui && !s.nodeRed),
    credentialFields: GENERIC_CREDENTIAL_FIELDS,
  },
  sections: SETTING_SECTIONS,
};
