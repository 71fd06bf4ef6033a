// Issue #8 item 14: a provider that says "expired" in a 400/403 body, not with 401.
import { bodyRuleMatches } from '../../lib/oauth2/authorized-client';

const res = (status: number, body: unknown) => ({ status, headers: {}, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) });

describe('bodyRuleMatches', () => {
  const rule = { path: 'error', values: ['token_expired', 'invalid_token'] };
  it('matches the configured values at the path, on 4xx answers', () => {
    expect(bodyRuleMatches(rule, res(400, { error: 'token_expired' }))).toBe(true);
    expect(bodyRuleMatches(rule, res(403, { error: 'invalid_token' }))).toBe(true);
    expect(bodyRuleMatches({ path: 'errors.0.code', values: ['401'] }, res(400, { errors: [{ code: 401 }] }))).toBe(true);
  });
  it('does not match other errors, other statuses or non-JSON bodies', () => {
    expect(bodyRuleMatches(rule, res(400, { error: 'invalid_input' }))).toBe(false);
    expect(bodyRuleMatches(rule, res(200, { error: 'token_expired' }))).toBe(false);
    expect(bodyRuleMatches(rule, res(500, { error: 'token_expired' }))).toBe(false);
    expect(bodyRuleMatches(rule, res(400, '<html>token_expired</html>'))).toBe(false);
    expect(bodyRuleMatches(rule, res(400, ''))).toBe(false);
  });
  it('statuses can be narrowed', () => {
    expect(bodyRuleMatches({ ...rule, statuses: [403] }, res(400, { error: 'token_expired' }))).toBe(false);
  });
});
