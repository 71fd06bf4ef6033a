'use strict';
// Rotates tokens as fast as it can through the real token store, starting after what is stored,
// and prints "stored <n>" once write n is durable. Killed with SIGKILL by the test at random moments.
// Input (env): STORE_USER_DIR. Exits on its own after 60 s (bounded).
const path = require('node:path');
const { TokenStore } = require(path.join(__dirname, '..', '..', '..', 'dist', 'hosts', 'node-red', 'token-store.js'));

const store = new TokenStore({ userDir: process.env.STORE_USER_DIR, credentialSecret: 'rotation-test-key' });
const started = Date.now();

async function main() {
  let n = store.read('rot1')?.tokens.obtainedAt ?? 0;
  while (Date.now() - started < 60_000) {
    n++;
    const tokens = { accessToken: `at-${n}-abcdefgh`, refreshToken: `rt-${n}-abcdefgh`, tokenType: 'Bearer', obtainedAt: n, expiresAt: n + 3600 };
    await store.write({ nodeId: 'rot1', fingerprint: 'fp', tokens, savedAt: Date.now() });
    process.stdout.write(`stored ${n}\n`);
  }
}
main().then(() => process.exit(0), () => process.exit(1));
