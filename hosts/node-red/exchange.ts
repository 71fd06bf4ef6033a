/**
 * Token exchange with each message's subject (`msg.subjectToken`): one token state per subject,
 * kept while in use and bounded (the least recently used goes first), keyed by a hash of the
 * subject, never by the token itself. Nothing of it is persisted: the subject comes again with the
 * next message.
 */
import { createHash } from 'node:crypto';
import { OAuth2ConfigError } from '../../lib/oauth2/errors';
import type { TokenManager } from '../../lib/oauth2/token-manager';

const MAX_SUBJECTS = 100;
const MAX_SUBJECT_LENGTH = 16_384;

export class MessageExchanges {
  private readonly managers = new Map<string, TokenManager>();

  constructor(private readonly create: (subject: string) => TokenManager) {}

  /** The token state of this subject token (a message's `subjectToken`). */
  for(subject: unknown): TokenManager {
    if (typeof subject !== 'string' || !subject.trim() || subject.length > MAX_SUBJECT_LENGTH) {
      throw new OAuth2ConfigError('this configuration exchanges msg.subjectToken: the message has none (a string of at most 16 KB)');
    }
    const key = createHash('sha256').update(subject).digest('hex');
    let manager = this.managers.get(key);
    if (manager) this.managers.delete(key);
    else manager = this.create(subject);
    this.managers.set(key, manager);
    if (this.managers.size > MAX_SUBJECTS) this.managers.delete(this.managers.keys().next().value as string);
    return manager;
  }

  get size(): number {
    return this.managers.size;
  }
}
