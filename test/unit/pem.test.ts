// A PEM private key pasted into a one-line input (Node-RED's credential fields) loses its line
// breaks, and one copied out of a JSON key file may keep `\n` escapes: both still sign.
import { generateKeyPairSync, verify } from 'node:crypto';
import { normalisePem, signJwt } from '../../lib/oauth2/jwt';

const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

it.each([
  ['as exported', pem],
  ['without line breaks', pem.replace(/\n/g, '')],
  ['with spaces for line breaks', pem.replace(/\n/g, ' ')],
  ['with \\n escapes', pem.replace(/\n/g, '\\n')],
])('a key %s signs a verifiable ES256 JWT', (_how, key) => {
  const [h, p, s] = signJwt({ a: 1 }, { alg: 'ES256', key }).split('.');
  expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))).toBe(true);
});

it('rebuilds the PEM lines; anything else stays as it is', () => {
  expect(normalisePem(pem.replace(/\n/g, ''))).toBe(pem);
  expect(normalisePem('not a key')).toBe('not a key');
});
