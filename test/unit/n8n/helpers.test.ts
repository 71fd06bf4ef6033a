// Pure helpers of the n8n face: bounded concurrency, batching, the trigger cursor, bodies,
// credential field parsing and HTTP error unwrapping.
import { advancedOAuth2Config, learnedClientAuth, tokenRejectedRule } from '../../../hosts/n8n/advanced-config';
import { mapOf } from '../../../lib/providers/settings';
import { bodyToBuffer, normaliseHeaders } from '../../../hosts/n8n/transport';
import { objectFromFields, recordsOf } from '../../../nodes/Deployteq/shared/body';
import { responseOfError } from '../../../hosts/n8n/authorized-fetch';
import { runBounded, runBoundedAfterFirst } from '../../../hosts/n8n/concurrency';
import { DEPLOYTEQ_MAX_BODY_BYTES, groupBySize, recordsBytes } from '../../../lib/providers/deployteq';
import { toRecords, unixSeconds } from '../../../nodes/ZendeskChat/resources/run';
import { zendeskChatApiBaseUrlOf as apiBaseUrlOf } from '../../../lib/providers/zendesk-chat/settings';
import { advanceCursor, pollStart } from '../../../nodes/ZendeskChatTrigger/cursor';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('runBounded', () => {
  it('never runs more than the limit at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 7 }, deferred);
    const done = runBounded(7, 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await gates[i].promise;
      running--;
      return i * 10;
    });
    // release in reverse order: results must still be in input order
    for (let i = 6; i >= 0; i--) {
      await new Promise((r) => setImmediate(r));
      gates[i].resolve();
    }
    const results = await done;
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : null))).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });

  it('a failing task does not stop the others', async () => {
    const results = await runBounded(3, 2, async (i) => {
      if (i === 1) throw new Error('boom');
      return i;
    });
    expect(results[0]).toEqual({ ok: true, value: 0 });
    expect(results[1].ok).toBe(false);
    expect(results[2]).toEqual({ ok: true, value: 2 });
  });

  it('runBoundedAfterFirst starts nothing else until the first task has finished', async () => {
    const events: string[] = [];
    const first = deferred();
    const done = runBoundedAfterFirst(4, 4, async (i) => {
      events.push(`start ${i}`);
      if (i === 0) await first.promise;
      events.push(`end ${i}`);
      return i;
    });
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start 0']);
    first.resolve();
    const results = await done;
    expect(events.slice(0, 2)).toEqual(['start 0', 'end 0']);
    expect(results.map((r) => r.ok && r.value)).toEqual([0, 1, 2, 3]);
    expect(await runBoundedAfterFirst(0, 3, async () => 1)).toEqual([]);
  });

  it('Deployteq batches: consecutive items, at most the batch size, each call within 6 MB (issue #17 item 3)', () => {
    const none = (n: number) => Array.from({ length: n }, () => 10);
    expect(groupBySize(none(5), 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(groupBySize([], 2)).toEqual([]);
    expect(groupBySize(none(2), 0)).toEqual([[0], [1]]);
    expect(groupBySize(none(5), 2.5)).toEqual([[0, 1], [2, 3], [4]]);
    // [a,b] is 2 + a + 1 + b bytes: 2 + 2_999_998 + 1 + 2_999_999 = 6_000_000 fits, one byte more does not
    expect(groupBySize([2_999_998, 2_999_999], 100)).toEqual([[0, 1]]);
    expect(groupBySize([2_999_998, 3_000_000], 100)).toEqual([[0], [1]]);
    // a unit over the limit on its own: a group of its own, its neighbours unaffected
    expect(groupBySize([10, DEPLOYTEQ_MAX_BODY_BYTES + 1, 10, 10], 100)).toEqual([[0], [1], [2, 3]]);
    expect(recordsBytes([{ a: 1 }, { b: 'x' }])).toBe('{"a":1},{"b":"x"}'.length);
  });
});

describe('Zendesk Chat trigger cursor', () => {
  const base = { startFrom: 'now' as const, nowSec: 1_700_000_000, manual: false, lookbackSec: 3600 };

  it('first active run starts from now: no start, so nothing is fetched', () => {
    expect(pollStart({}, base)).toBeUndefined();
  });

  it('a stored cursor wins; a start date is used only without one; manual runs look back', () => {
    expect(pollStart({ startTime: 5, startId: 'a' }, { ...base, startFrom: 'date', startDate: 1 })).toEqual({ startTime: 5, startId: 'a' });
    expect(pollStart({}, { ...base, startFrom: 'date', startDate: 1 })).toEqual({ startTime: 1 });
    expect(pollStart({}, { ...base, manual: true })).toEqual({ startTime: base.nowSec - 3600 });
  });

  it('advances to the last page end, keeps the cursor when no page reports one, never goes back', () => {
    expect(advanceCursor({ startTime: 10 }, [{ endTime: 20, endId: 'x' }, { endTime: 30, endId: 'y' }])).toEqual({ startTime: 30, startId: 'y' });
    expect(advanceCursor({ startTime: 10, startId: 'a' }, [{}])).toEqual({ startTime: 10, startId: 'a' });
    expect(advanceCursor({ startTime: 10 }, [{ endTime: 5, endId: 'old' }])).toEqual({ startTime: 10 });
  });
});

describe('bodies and records', () => {
  it('builds objects from fields, later names win, empty names are skipped', () => {
    expect(objectFromFields([{ name: 'a', value: '1' }, { name: ' ', value: 'x' }, { name: 'a', value: '2' }, { name: 'b', value: 3 }])).toEqual({ a: '2', b: 3 });
    expect(recordsOf([{ a: 1 }, { a: 2 }])).toHaveLength(2);
    expect(recordsOf({ a: 1 })).toEqual([{ a: 1 }]);
  });

  it('turns operation results into records', () => {
    expect(toRecords([{ id: 1 }, 2])).toEqual([{ id: 1 }, { value: 2 }]);
    expect(toRecords({ id: 1 })).toEqual([{ id: 1 }]);
    expect(toRecords(undefined)).toEqual([]);
  });

  it('reads dateTime parameters as Unix seconds', () => {
    expect(unixSeconds('2024-01-01T00:00:10Z')).toBe(1704067210);
    expect(() => unixSeconds('not a date')).toThrow(TypeError);
  });
});

describe('credential fields', () => {
  it('parses maps as name=value lists separated by & or new lines, or as a JSON object (one syntax in both hosts)', () => {
    expect(mapOf('audience=https%3A%2F%2Fapi.example&resource=urn:x\n  tenant = acme ', 'x')).toEqual({
      audience: 'https://api.example',
      resource: 'urn:x',
      tenant: 'acme',
    });
    expect(mapOf('{"audience":"https://api.example","n":1}', 'x')).toEqual({ audience: 'https://api.example', n: '1' });
    expect(mapOf('', 'x')).toBeUndefined();
    expect(() => mapOf('{"a":', 'Extra token parameters')).toThrow('Extra token parameters is not valid JSON');
    expect(() => mapOf('a=%zz', 'Extra token parameters')).toThrow(/not URL-encoded correctly/);
  });

  it('maps the advanced credential onto the engine configuration', () => {
    const config = advancedOAuth2Config({
      tokenUrl: ' https://as.example/token ',
      clientId: 'id',
      clientSecret: 'shh-secret',
      clientAuthentication: 'basic-raw',
      scope: 'read  write',
      extraGrantParameters: 'audience=api',
      extraGrantHeaders: 'X-Tenant=acme',
      grantBodyFormat: 'json',
      responsePathAccess: 'data.token',
      responsePathRefresh: '',
      responsePathExpiresIn: 'expires_in',
      responsePathType: 'token_type',
      defaultExpiresIn: 120,
    });
    expect(config).toMatchObject({
      tokenUrl: 'https://as.example/token',
      client: { clientId: 'id', clientSecret: 'shh-secret', method: 'basic-raw' },
      scopes: ['read', 'write'],
      extraTokenParams: { audience: 'api' },
      extraTokenHeaders: { 'X-Tenant': 'acme' },
      tokenBodyFormat: 'json',
      responseMapping: { accessToken: 'data.token', expiresIn: 'expires_in', tokenType: 'token_type' },
      defaultExpiresInSec: 120,
    });
    expect(() => advancedOAuth2Config({ clientAuthentication: 'magic' })).toThrow(/Unknown client authentication/);
  });

  it('auto is the default client authentication; a private key counts only for private_key_jwt', () => {
    expect(advancedOAuth2Config({ tokenUrl: 'https://as.example/token', clientId: 'id', clientSecret: 's' }).client.method).toBe('auto');
    const leftover = advancedOAuth2Config({ tokenUrl: 'https://as.example/token', clientAuthentication: 'auto', clientSecret: 's', privateKey: '-----BEGIN PRIVATE KEY-----' });
    expect(leftover.client.privateKey).toBeUndefined();
    expect(advancedOAuth2Config({ tokenUrl: 'https://as.example/token', clientAuthentication: 'private_key_jwt', privateKey: 'PEM' }).client.privateKey).toBe('PEM');
    expect(learnedClientAuth({ clientAuthMethodUsed: 'basic-raw' })).toBe('basic-raw');
    expect(learnedClientAuth({ clientAuthMethodUsed: 'auto' })).toBeUndefined();
    expect(learnedClientAuth({ clientAuthMethodUsed: '' })).toBeUndefined();
  });

  it('reads the "token rejected" body rule; either field empty means no rule', () => {
    expect(tokenRejectedRule({ rejectedBodyPath: ' error ', rejectedBodyValues: 'token_expired, invalid_token,,' })).toEqual({ path: 'error', values: ['token_expired', 'invalid_token'] });
    expect(tokenRejectedRule({ rejectedBodyPath: 'error', rejectedBodyValues: ' ' })).toBeUndefined();
    expect(tokenRejectedRule({ rejectedBodyPath: '', rejectedBodyValues: 'x' })).toBeUndefined();
    expect(tokenRejectedRule(undefined)).toBeUndefined();
  });

  it('derives the Zendesk Chat API base from the credential location', () => {
    expect(apiBaseUrlOf({ subdomain: 'Acme', host: 'current' })).toBe('https://acme.zendesk.com/api/v2/chat');
    expect(apiBaseUrlOf({ host: 'legacy' })).toBe('https://www.zopim.com/api/v2');
    expect(apiBaseUrlOf({ host: 'current', subdomain: 'x', baseUrl: 'http://127.0.0.1:9/zendesk/' })).toBe('http://127.0.0.1:9/zendesk/api/v2/chat');
  });
});

describe('n8n HTTP plumbing', () => {
  it('normalises headers and bodies of any shape', () => {
    expect(normaliseHeaders({ 'Retry-After': 3, 'Set-Cookie': ['a', 'b'], gone: undefined })).toEqual({ 'retry-after': '3', 'set-cookie': 'a, b' });
    expect(bodyToBuffer({ a: 1 }).toString()).toBe('{"a":1}');
    expect(bodyToBuffer(new Uint8Array([104, 105]).buffer).toString()).toBe('hi');
    expect(bodyToBuffer('x').toString()).toBe('x');
    expect(bodyToBuffer(undefined).length).toBe(0);
  });

  it('finds the HTTP response inside wrapped Axios-style errors, and nothing in network errors', () => {
    const axiosLike = Object.assign(new Error('Request failed with status code 429'), {
      response: { status: 429, headers: { 'Retry-After': '2' }, data: Buffer.from('{"error":"slow down"}') },
    });
    const wrapped = new Error('wrapped', { cause: axiosLike });
    const response = responseOfError(wrapped);
    expect(response?.status).toBe(429);
    expect(response?.headers['retry-after']).toBe('2');
    expect(Buffer.from(response?.data as Buffer).toString()).toBe('{"error":"slow down"}');
    expect(responseOfError(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});

describe('scripts/n8n.js', () => {
  const { parseExecuteOutput } = require('../../../scripts/n8n.js') as { parseExecuteOutput(stdout: string): unknown };

  it('finds the execution result among log lines, also with braces inside strings', () => {
    const result = { data: { resultData: { runData: { A: [{ data: { main: [[{ json: { s: '}{"\\' } }]] } }] } } }, status: 'success' };
    const stdout = `Task Broker ready\n{ not json\n${JSON.stringify(result, null, 2)}\nlater log line\n`;
    expect(parseExecuteOutput(stdout)).toEqual(result);
  });

  it('returns undefined when n8n printed no result, or only a truncated one', () => {
    expect(parseExecuteOutput('Execution was NOT successful\n')).toBeUndefined();
    expect(parseExecuteOutput('{"data":{"resultData":{"runData":{"A":[')).toBeUndefined();
    expect(parseExecuteOutput('{"other":1}\n')).toBeUndefined();
  });
});
