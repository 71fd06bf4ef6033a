import { redactJson, Redactor, redactPatterns } from '../../lib/oauth2/redact';

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

describe('credential secrets are pinned (issue #8 item 13)', () => {
  it('the password, client secret and private key survive any number of rotated tokens', () => {
    const r = new Redactor(8).pin('the-user-password', 'client-secret-value');
    for (let i = 0; i < 500; i++) r.add(`access-token-${i}`, `refresh-token-${i}`);
    expect(r.redact('login the-user-password / client-secret-value')).toBe('login [redacted] / [redacted]');
    expect(r.redact('access-token-499')).toBe('[redacted]');
    expect(r.redact('access-token-0')).toBe('access-token-0');
  });

  it('a lone surrogate in a secret does not throw, and its other forms are still redacted', () => {
    const secret = 'abc\ud800def-secret';
    const r = new Redactor().pin(secret);
    expect(r.redact(`x ${secret} y ${JSON.stringify(secret)}`)).not.toContain('def-secret');
  });
});

describe('structural redaction of JSON (issue #8 item 12)', () => {
  it('stays valid JSON whatever the strings contain', () => {
    const body = JSON.parse('{"message":"see code=x\\"y","access_token":"AT-123456","nested":{"list":["Bearer abcdefghijklmnopq"]}}');
    const out = redactJson(body, (t) => new Redactor().add('AT-123456').redact(t));
    expect(() => JSON.parse(JSON.stringify(out))).not.toThrow();
    expect(out).toEqual({ message: 'see code=[redacted]"y', access_token: '[redacted]', nested: { list: ['Bearer [redacted]'] } });
  });

  it('cuts nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(20_000) + '"secret-in-depth"' + ']'.repeat(20_000));
    const out = redactJson(deep, (t) => t) as unknown[];
    expect(JSON.stringify(out)).toContain('[too deeply nested]');
  });
});
