// Absolute endpoint URLs of a running sandbox (for tests, the CLI banner and GET /).
import { DEPLOYTEQ_PATHS } from './deployteq';
import { GENERIC_PATHS } from './generic';
import { ZENDESK_PATHS } from './zendesk-chat';

export interface SandboxEndpoints {
  deployteq: { authorize: string; token: string; webhook: string; webhookLegacy: string };
  zendesk: { authorize: string; token: string; api: string };
  zopim: { authorize: string; token: string; api: string };
  generic: { authorize: string; token: string; refresh: string; revoke: string; me: string; metadata: string };
  admin: {
    counters: string;
    deliveries: string;
    reset: string;
    configure: string;
    config: string;
    faults: string;
    revoke: string;
    expire: string;
    chats: string;
  };
}

export function endpoints(base: string): SandboxEndpoints {
  const webhook = (path: string) => base + path.replace(':id', '{id}');
  return {
    deployteq: {
      authorize: base + DEPLOYTEQ_PATHS.authorize,
      token: base + DEPLOYTEQ_PATHS.token,
      webhook: webhook(DEPLOYTEQ_PATHS.webhook),
      webhookLegacy: webhook(DEPLOYTEQ_PATHS.webhookLegacy),
    },
    zendesk: {
      authorize: base + ZENDESK_PATHS.current.authorize,
      token: base + ZENDESK_PATHS.current.token,
      api: base + ZENDESK_PATHS.current.api,
    },
    zopim: {
      authorize: base + ZENDESK_PATHS.legacy.authorize,
      token: base + ZENDESK_PATHS.legacy.token,
      api: base + ZENDESK_PATHS.legacy.api,
    },
    generic: {
      authorize: base + GENERIC_PATHS.authorize,
      token: base + GENERIC_PATHS.token,
      refresh: base + GENERIC_PATHS.refresh,
      revoke: base + GENERIC_PATHS.revoke,
      me: base + GENERIC_PATHS.me,
      metadata: base + GENERIC_PATHS.metadata,
    },
    admin: {
      counters: `${base}/_sandbox/counters`,
      deliveries: `${base}/_sandbox/deliveries`,
      reset: `${base}/_sandbox/reset`,
      configure: `${base}/_sandbox/configure`,
      config: `${base}/_sandbox/config`,
      faults: `${base}/_sandbox/faults`,
      revoke: `${base}/_sandbox/revoke`,
      expire: `${base}/_sandbox/expire`,
      chats: `${base}/_sandbox/chats`,
    },
  };
}
