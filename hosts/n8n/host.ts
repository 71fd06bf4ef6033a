/**
 * The OAuth2 engine's host inside n8n: n8n-workflow's `sleep` for waits (n8n forbids timers as
 * globals in community packages). No timers for request timeouts (n8n's HTTP client times each
 * request from `TransportRequest.timeoutMs`) and no default transport (every call passes n8n's
 * helpers). The n8n face passes it to the engine; importing it installs nothing.
 */
import { sleep } from 'n8n-workflow';

import type { EngineHost } from '../../lib/oauth2/host';

export const N8N_HOST: EngineHost = { sleep: async (ms: number) => await sleep(ms) };
