// Issue #8 item 12: property-based tests. Every parser that reads input from outside (a provider's
// token answer, a callback URL, a redirect fragment, a page link, an API error body) either returns
// or throws one of our typed errors carrying the status; the redactor never throws and never lets
// a known secret through in raw, URL-encoded, form-encoded or JSON form. 10,000 inputs each.
import fc from 'fast-check';
import { parseAuthorizationCallback, parseImplicitFragment } from '../../lib/oauth2/authorize';
import { OAuth2Error } from '../../lib/oauth2/errors';
import { formEncode } from '../../lib/oauth2/form-encoding';
import { REDACTED, Redactor } from '../../lib/oauth2/redact';
import { normaliseTokenResponse } from '../../lib/oauth2/token-response';
import { jsonOrThrow, ProviderApiError } from '../../lib/providers/http-json';
import { resolveApiUrl } from '../../lib/providers/zendesk-chat/api';

const RUNS = { numRuns: 10_000 };
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyText = fc.string({ unit: codeUnit, maxLength: 80 });
const deepJson = fc.integer({ min: 1, max: 30_000 }).chain((n) =>
  fc.constantFrom('[', '{"a":').map((open) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n)),
);
const jsonText = fc.json({ maxDepth: 6 });
const tokenish = fc.record({
  access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string())),
  token_type: fc.oneof(fc.string(), fc.constant(undefined), fc.integer()),
  expires_in: fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(undefined)),
  refresh_token: fc.oneof(fc.string(), fc.constant(undefined), fc.object()),
  scope: fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)),
  error: fc.oneof(fc.constant(undefined), fc.string(), fc.integer()),
  error_description: fc.oneof(fc.constant(undefined), fc.string(), fc.object()),
}, { requiredKeys: [] }).map((o) => JSON.stringify(o));
const body = fc.oneof(anyText, jsonText, deepJson, tokenish, fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')));
const contentType = fc.constantFrom('application/json', 'text/plain', 'text/html', 'application/x-www-form-urlencoded', '', 'application/json; charset=utf-8');
const status = fc.integer({ min: 100, max: 599 });

function typedWithStatus(error: unknown, expected: number): boolean {
  return (error instanceof OAuth2Error || error instanceof ProviderApiError) && (error as { status?: number }).status === expected;
}

describe('property: parsers answer with a value or a typed error (10,000 inputs each)', () => {
  it('token response normaliser', () => {
    fc.assert(
      fc.property(status, contentType, body, (code, type, text) => {
        try {
          const tokens = normaliseTokenResponse({ status: code, headers: type ? { 'content-type': type } : {}, body: Buffer.from(text, 'utf8') }, { phase: 'token' });
          return typeof tokens.accessToken === 'string' && tokens.accessToken.length > 0 && code >= 200 && code < 300;
        } catch (error) {
          return typedWithStatus(error, code);
        }
      }),
      RUNS,
    );
  });

  it('provider API error path (status kept, whatever the body)', () => {
    fc.assert(
      fc.property(status, body, (code, text) => {
        try {
          jsonOrThrow('Provider', { status: code, headers: {}, body: Buffer.from(text, 'utf8') }, new Redactor().add('known-secret-value'));
          return code >= 200 && code < 300;
        } catch (error) {
          if (!typedWithStatus(error, code)) return false;
          JSON.stringify((error as ProviderApiError).body);
          return true;
        }
      }),
      RUNS,
    );
  });

  const callbackInput = fc.oneof(
    anyText,
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.constantFrom('http://[', 'https://', '?', '#', '//x', 'http://a b', 'http://%zz', 'state=s&code=c', '#access_token=t&state=s'),
    fc.dictionary(anyText, fc.oneof(anyText, fc.integer(), fc.constant(null))),
    fc.anything(),
  );

  it('authorization callback parser', () => {
    fc.assert(
      fc.property(callbackInput, anyText, (input, state) => {
        try {
          const { code } = parseAuthorizationCallback(input as string, { state });
          return typeof code === 'string' && code.length > 0;
        } catch (error) {
          return error instanceof OAuth2Error;
        }
      }),
      RUNS,
    );
  });

  it('implicit fragment parser', () => {
    fc.assert(
      fc.property(callbackInput, anyText, (input, state) => {
        try {
          return typeof parseImplicitFragment(input as string, { state }).accessToken === 'string';
        } catch (error) {
          return error instanceof OAuth2Error;
        }
      }),
      RUNS,
    );
  });

  it('next_url handling: same origin or a typed error with the page status', () => {
    const base = new URL('https://acme.zendesk.com/api/v2/chat/');
    const link = fc.oneof(
      fc.webUrl({ withQueryParameters: true }),
      anyText,
      fc.constantFrom('http://[', 'https://acme.zendesk.com:99999/x', 'https://acme.zendesk.com.evil.com/chats', '//evil.com/chats', 'javascript:alert(1)', 'https://acme.zendesk.com/api/v2/chat/chats?cursor=2'),
      fc.anything(),
    );
    fc.assert(
      fc.property(link, status, (value, code) => {
        try {
          return resolveApiUrl(base, value, code).origin === base.origin;
        } catch (error) {
          return typedWithStatus(error, code);
        }
      }),
      RUNS,
    );
  });

  it('form encoding never throws and round-trips well-formed text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const encoded = formEncode(text);
        return LONE_SURROGATE.test(text) || new URLSearchParams(`v=${encoded}`).get('v') === text;
      }),
      RUNS,
    );
  });
});

describe('property: the redactor never throws and never lets a known secret through', () => {
  const forms = (secret: string): string[] => {
    const out = [secret, formEncode(secret), JSON.stringify(secret).slice(1, -1)];
    try {
      out.push(encodeURIComponent(secret));
    } catch {
      // lone surrogate: no URL encoding exists
    }
    return out;
  };
  const secretText = fc.string({ unit: codeUnit, minLength: 8, maxLength: 40 });

  it('in raw, URL-encoded, form-encoded and JSON form, inside any text', () => {
    fc.assert(
      fc.property(secretText, fc.nat(3), anyText, anyText, fc.boolean(), (secret, formIndex, before, after, pinned) => {
        const redactor = new Redactor();
        if (pinned) redactor.pin(secret);
        else redactor.add(secret);
        const form = forms(secret)[formIndex % forms(secret).length];
        const out = redactor.redact(`${before}${form}${after}`);
        const pieces = out.split(REDACTED);
        return forms(secret).every((f) => pieces.every((piece) => !piece.includes(f)));
      }),
      RUNS,
    );
  });

  it('never throws, whatever the secrets and the text', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 4 }), anyText, (secrets, text) => {
        const redactor = new Redactor().pin(...secrets.slice(0, 2)).add(...secrets.slice(2));
        return typeof redactor.redact(text) === 'string';
      }),
      RUNS,
    );
  });
});
