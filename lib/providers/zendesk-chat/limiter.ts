/** A client-side limiter at Zendesk Chat's documented rate limit (the description's). */
import type { EngineHost } from '../../oauth2/host';
import { SlidingWindowLimiter } from '../rate-limiter';
import { ZENDESK_CHAT } from './description';

export function zendeskChatLimiter(host: EngineHost): SlidingWindowLimiter {
  const { limit, windowMs } = ZENDESK_CHAT.rateLimit ?? { limit: 200, windowMs: 60_000 };
  return new SlidingWindowLimiter(limit, windowMs, Date.now, (ms) => host.sleep(ms));
}
