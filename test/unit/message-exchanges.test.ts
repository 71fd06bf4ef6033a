// The token states of a token exchange by message subject: one per subject, bounded (least recently
// used first out), a clear error for a message without a usable subject.
import { MessageExchanges } from '../../hosts/node-red/exchange';
import type { TokenManager } from '../../lib/oauth2/token-manager';

it('one token state per subject, the least recently used dropped past 100; no subject is a clear error', () => {
  const made: string[] = [];
  const exchanges = new MessageExchanges((subject) => {
    made.push(subject);
    return { subject } as unknown as TokenManager;
  });
  const first = exchanges.for('subject-0');
  expect(exchanges.for('subject-0')).toBe(first);
  for (let i = 1; i <= 100; i++) exchanges.for(`subject-${i}`);
  expect(exchanges.size).toBe(100);
  exchanges.for('subject-0'); // dropped as least recently used: made again
  expect(made.filter((s) => s === 'subject-0')).toHaveLength(2);
  for (const bad of [undefined, '', '  ', 42, 'x'.repeat(16_385)]) expect(() => exchanges.for(bad)).toThrow(/msg\.subjectToken/);
});
