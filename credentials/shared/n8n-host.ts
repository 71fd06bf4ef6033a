/**
 * The OAuth2 engine's host inside n8n: n8n-workflow's \`sleep\` for waits (n8n forbids timers as
 * globals in community packages). No timers for request timeouts (n8n's HTTP client times each
 * request from \`TransportRequest.timeoutMs\`) and no default transport (every call passes n8n's
 * helpers). Importing this module installs it.
 */
import { sleep } from 'n8n-workflow';

import { installEngineHost } from '../../lib/oauth2/host';

installEngineHost({ sleep: async (ms: number) => await sleep(ms) });
