'use strict';
// Private PostgreSQL and Redis servers for the n8n queue-mode test and bench: Debian's packages
// (installed by scripts/services-ensure.sh with apt-get when missing), started on 127.0.0.1 on a free
// port with their data in a fresh temp folder, stopped and removed after. Nothing of the machine's
// own services is used or touched.
//
// - PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres` user that
//   Debian's package creates (Node's spawn with uid/gid), else as `nobody`; otherwise as the caller.
//   No Unix socket (TCP on 127.0.0.1 only), password authentication, durability off (a test database).
// - Redis: a config file (password, no persistence) in the temp folder.
// - Bounded lifetimes: every server has a watchdog process that stops it (and removes its folder)
//   after `maxLifetimeMs`, or as soon as the process that started it is gone, even if that one was
//   killed. `stop()` stops it at once; `stopAll()` stops every server this module started.
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ENSURE_SCRIPT = path.join(__dirname, 'services-ensure.sh');

/** Runs scripts/services-ensure.sh once per process (apt-get install postgresql redis-server when missing). */
let ensured = false;
function ensureServices() {
  if (!ensured) {
    execFileSync('sh', [ENSURE_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 });
    ensured = true;
  }
  return { postgresBin: postgresBinDir(), redisServer: '/usr/bin/redis-server' };
}

/** The newest /usr/lib/postgresql/<version>/bin with initdb and postgres. */
function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'postgres'))) return bin;
  }
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (scripts/services-ensure.sh installs them)');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** uid/gid of a user from /etc/passwd, or undefined. */
function userIds(name) {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name) return { uid: Number(uid), gid: Number(gid), name };
    }
  } catch {
    // no /etc/passwd
  }
  return undefined;
}

/** Who runs PostgreSQL: the caller, or as root the `postgres` user (else `nobody`). */
function postgresUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const user = userIds('postgres') ?? userIds('nobody');
  if (!user) throw new Error('running as root, but neither a "postgres" nor a "nobody" user exists to run PostgreSQL');
  return user;
}

/** The temp folder, or /tmp when another user (PostgreSQL's) could not reach into it (a private TMPDIR). */
function traversableTmp() {
  const tmp = os.tmpdir();
  for (let dir = tmp; ; dir = path.dirname(dir)) {
    try {
      if (!(fs.statSync(dir).mode & 0o001)) return '/tmp';
    } catch {
      return '/tmp';
    }
    if (dir === path.dirname(dir)) return tmp;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const live = new Set();

/**
 * Starts a watchdog shell (detached, its own process group) that stops `pid` after `maxLifetimeMs`
 * or when this process is gone: `signal` first, SIGKILL 10 s later, then removes `dir`.
 */
function watchdog(pid, signal, dir, maxLifetimeMs) {
  const script = [
    'parent=$1; pid=$2; sig=$3; dir=$4; left=$5',
    'while [ "$left" -gt 0 ] && kill -0 "$parent" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; left=$((left - 1)); done',
    'kill -"$sig" "$pid" 2>/dev/null',
    'n=0; while [ $n -lt 10 ] && kill -0 "$pid" 2>/dev/null; do sleep 1; n=$((n + 1)); done',
    'kill -KILL "$pid" 2>/dev/null',
    'rm -rf "$dir"',
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'services-watchdog', String(process.pid), String(pid), signal, dir, String(Math.ceil(maxLifetimeMs / 1000))], {
    detached: true, stdio: 'ignore',
  });
  child.unref();
  return child;
}

/**
 * A started server: `stop()` sends `signal`, waits (bounded) for the exit, kills if needed, ends the
 * watchdog and removes the folder.
 */
function serverHandle(child, { signal, dir, logFile, maxLifetimeMs }) {
  let exited = child.exitCode !== null;
  const gone = new Promise((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const guard = watchdog(child.pid, signal === 'SIGINT' ? 'INT' : 'TERM', dir, maxLifetimeMs);
  let stopping;
  const handle = {
    pid: child.pid,
    get exited() {
      return exited;
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    stop: () => {
      stopping ??= (async () => {
        live.delete(handle);
        if (!exited) {
          child.kill(signal);
          let timer;
          await Promise.race([gone, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
          clearTimeout(timer);
          if (!exited) {
            child.kill('SIGKILL');
            await Promise.race([gone, sleep(2000)]);
          }
        }
        try {
          process.kill(guard.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        fs.rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  live.add(handle);
  return handle;
}

/** Waits until `check()` resolves true, the child exits, or the time is up (bounded polling). */
async function waitFor(what, handle, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.exited) throw new Error(`${what} exited before it was ready: ${handle.log().slice(-2000)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms: ${handle.log().slice(-2000)}`);
    await sleep(100);
  }
}

/**
 * Starts PostgreSQL: `initdb` into a temp folder, `postgres` on 127.0.0.1:<free port>. Resolves
 * `{ host, port, user, password, database, env, stop(), log(), createDatabase(name) }`; `env` holds
 * n8n's DB_* variables. Retries on another port if the chosen one was taken meanwhile.
 */
async function startPostgres(options = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPostgresOnce(options);
    } catch (error) {
      // the port was taken between choosing and binding: once more from scratch on another one
      if (attempt >= 3 || !error.portTaken) throw error;
    }
  }
}

async function startPostgresOnce({ maxLifetimeMs = 10 * 60_000, readyTimeoutMs = 60_000 }) {
  const { postgresBin } = ensureServices();
  const runAs = postgresUser();
  const owner = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  const base = fs.mkdtempSync(path.join(runAs ? traversableTmp() : os.tmpdir(), 'n8n-postgres-'));
  const data = path.join(base, 'data');
  const logFile = path.join(base, 'postgres.log');
  const user = 'n8n';
  const password = crypto.randomBytes(18).toString('base64url');
  const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' };
  try {
    const pwfile = path.join(base, 'pwfile');
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      fs.chownSync(base, runAs.uid, runAs.gid);
      fs.chownSync(pwfile, runAs.uid, runAs.gid);
    }
    execFileSync(path.join(postgresBin, 'initdb'), [
      '-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=reject',
      '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ], { cwd: base, stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 120_000, ...owner });
    fs.rmSync(pwfile, { force: true });
  } catch (error) {
    fs.rmSync(base, { recursive: true, force: true });
    throw new Error(`initdb failed${runAs ? ` (as ${runAs.name})` : ''}: ${String(error.stderr ?? error.message).slice(-2000)}`);
  }
  const port = await freePort();
  const log = fs.openSync(logFile, 'w');
  if (runAs) fs.fchownSync(log, runAs.uid, runAs.gid);
  const child = spawn(path.join(postgresBin, 'postgres'), [
    '-D', data, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=100', '-c', 'shared_buffers=64MB', '-c', 'log_min_messages=warning',
  ], { cwd: base, stdio: ['ignore', log, log], env, ...owner });
  fs.closeSync(log);
  const handle = serverHandle(child, { signal: 'SIGINT', dir: base, logFile, maxLifetimeMs });
  try {
    // the server logs readiness only at LOG level, which is filtered: a TCP connection is the check
    await waitFor('postgres', handle, () => canConnect(port), readyTimeoutMs);
    // it accepts connections a moment before it has finished starting: wait for the startup to end
    await waitFor('postgres', handle, async () => !(await postgresStarting(port)), readyTimeoutMs);
  } catch (error) {
    const portTaken = handle.exited && /could not bind|Address already in use/.test(handle.log());
    await handle.stop();
    throw Object.assign(error, { portTaken });
  }
  const dbEnv = {
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: '127.0.0.1',
    DB_POSTGRESDB_PORT: String(port),
    DB_POSTGRESDB_USER: user,
    DB_POSTGRESDB_PASSWORD: password,
    DB_POSTGRESDB_DATABASE: 'postgres',
  };
  const createDatabase = (name) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    execFileSync(path.join(postgresBin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, name], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, PGPASSWORD: password }, timeout: 30_000,
    });
    return { ...dbEnv, DB_POSTGRESDB_DATABASE: name };
  };
  return { host: '127.0.0.1', port, user, password, database: 'postgres', env: dbEnv, pid: handle.pid, stop: handle.stop, log: handle.log, createDatabase };
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether the server still answers "the database system is starting up": a startup packet without
 * a password is answered with an authentication request once it is up, with that error before.
 */
function postgresStarting(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const params = Buffer.from('user\0n8n\0database\0postgres\0\0');
    const packet = Buffer.alloc(8 + params.length);
    packet.writeInt32BE(packet.length, 0);
    packet.writeInt32BE(196608, 4); // protocol 3.0
    params.copy(packet, 8);
    let received = Buffer.alloc(0);
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error('no answer'));
    });
    socket.once('connect', () => socket.write(packet));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 5) return;
      socket.destroy();
      // 'R' = authentication request (up); 'E' = error (starting up, or any other refusal)
      resolve(received[0] === 0x45 && received.includes(Buffer.from('starting up')));
    });
    socket.once('error', reject);
  });
}

/**
 * Starts Redis on 127.0.0.1:<free port> with a password and no persistence, from a config file in a
 * temp folder. Resolves `{ host, port, password, env, stop(), log() }`; `env` holds n8n's
 * QUEUE_BULL_REDIS_* variables.
 */
async function startRedis({ maxLifetimeMs = 10 * 60_000, readyTimeoutMs = 30_000 } = {}) {
  const { redisServer } = ensureServices();
  for (let attempt = 1; ; attempt++) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-redis-'));
    const logFile = path.join(base, 'redis.log');
    const password = crypto.randomBytes(18).toString('base64url');
    const port = await freePort();
    const conf = path.join(base, 'redis.conf');
    fs.writeFileSync(conf, [
      `port ${port}`, 'bind 127.0.0.1', 'protected-mode yes', `dir ${base}`, 'save ""', 'appendonly no',
      'daemonize no', `logfile ${logFile}`, `requirepass ${password}`, 'loglevel warning',
    ].join('\n') + '\n', { mode: 0o600 });
    const child = spawn(redisServer, [conf], { cwd: base, stdio: 'ignore' });
    const handle = serverHandle(child, { signal: 'SIGTERM', dir: base, logFile, maxLifetimeMs });
    try {
      await waitFor('redis', handle, () => redisPing(port, password), readyTimeoutMs);
    } catch (error) {
      const portTaken = handle.exited && /Address already in use/.test(handle.log());
      await handle.stop();
      if (attempt < 3 && portTaken) continue;
      throw error;
    }
    const env = { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port), QUEUE_BULL_REDIS_PASSWORD: password };
    return { host: '127.0.0.1', port, password, env, pid: handle.pid, stop: handle.stop, log: handle.log };
  }
}

/** AUTH + PING over RESP; true on +OK and +PONG. */
function redisPing(port, password) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => socket.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n*1\r\n$4\r\nPING\r\n`));
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('+PONG')) done(text.startsWith('+OK'));
      else if (text.startsWith('-')) done(false);
    });
    socket.once('error', () => done(false));
  });
}

/** Stops every server this module started that is still running (for afterAll). */
async function stopAll() {
  await Promise.all([...live].map((handle) => handle.stop()));
}

module.exports = { ensureServices, startPostgres, startRedis, stopAll, freePort };

if (require.main === module) {
  // smoke run: start both, show where they listen (no secrets), stop both
  (async () => {
    const started = Date.now();
    const [pg, redis] = await Promise.all([startPostgres({ maxLifetimeMs: 60_000 }), startRedis({ maxLifetimeMs: 60_000 })]);
    process.stdout.write(`postgres 127.0.0.1:${pg.port} (pid ${pg.pid}), redis 127.0.0.1:${redis.port} (pid ${redis.pid}) in ${Date.now() - started} ms\n`);
    await stopAll();
    process.stdout.write('stopped\n');
  })().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
