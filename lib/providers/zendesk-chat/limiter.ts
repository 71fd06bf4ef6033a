/** A client-side limiter at Zendesk Chat's documented rate limit (the description's). */
import { SlidingWindowLimiter } from '../rate-limiter';
import { ZENDESK_CHAT } from './description';

export function zendeskChatLimiter(): SlidingWindowLimiter {
  const { limit, windowMs } = ZENDESK_CHAT.rateLimit ?? { limit: 200, windowMs: 60_000 };
  return new SlidingWindowLimiter(limit, windowMs);
}
