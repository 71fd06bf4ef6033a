import { Redactor, redactPatterns } from '../../lib/oauth2/redact';

describe('redaction', () => {
  it('removes known secrets in raw, URL-encoded and JSON-escaped forms', () => {
    const r = new Redactor().add('p+a%s:s&w/rd"x');
    const text = `raw p+a%s:s&w/rd"x enc ${encodeURIComponent('p+a%s:s&w/rd"x')} json ${JSON.stringify('p+a%s:s&w/rd"x')}`;
    expect(r.redact(text)).not.toMatch(/p\+a|p%2Ba|rd\\"x/);
  });

  it('removes token-shaped values by pattern', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const out = redactPatterns(`Authorization: Bearer abcdefghijklmnop123 body access_token=zzz&x=1 {"refresh_token": "yyy"} ${jwt}`);
    expect(out).toBe('Authorization: Bearer [redacted] body access_token=[redacted]&x=1 {"refresh_token": "[redacted]"} [redacted]');
  });

  it('keeps challenge parameters and prose readable', () => {
    expect(redactPatterns('WWW-Authenticate: Bearer error="invalid_token"')).toBe('WWW-Authenticate: Bearer error="invalid_token"');
    expect(redactPatterns('use the Basic header or body')).toBe('use the Basic header or body');
    expect(redactPatterns('{"code":"invalid_grant"}')).toBe('{"code":"invalid_grant"}');
  });

  it('is bounded', () => {
    const r = new Redactor(2);
    for (let i = 0; i < 50; i++) r.add(`secret-number-${i}`);
    expect(r.redact('secret-number-49')).toBe('[redacted]');
    expect(r.redact('secret-number-0')).toBe('secret-number-0');
  });
});
