'use strict';
// An embedded Node-RED runtime in its own process (Node-RED allows one runtime per process and no
// restart after stop). Started by runtime.ts with fork(); configuration comes in NR_CHILD_CONFIG:
// { nodeRedDir, packageDir, packageName, linkPackage (default true), allowInstall, userDir, port, httpAdminRoot, credentialSecret, admin: {username, password}, maxLifetimeMs }.
// Our package is installed into <userDir>/node_modules as a symlink, as `npm install <path>` would.
// Binds 127.0.0.1 only; exits when the parent disconnects or after maxLifetimeMs.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');

const config = JSON.parse(process.env.NR_CHILD_CONFIG || '{}');
const fromNodeRed = createRequire(path.join(config.nodeRedDir, 'package.json'));

function requireFirst(names) {
  for (const name of names) {
    try {
      return fromNodeRed(name);
    } catch {
      try {
        return createRequire(fromNodeRed.resolve('@node-red/editor-api'))(name);
      } catch {
        // next
      }
    }
  }
  throw new Error(`none of ${names.join(', ')} found`);
}

async function main() {
  const RED = fromNodeRed('node-red');
  const express = requireFirst(['express']);
  const bcrypt = requireFirst(['bcryptjs', 'bcrypt']);

  if (config.linkPackage !== false) {
    const modules = path.join(config.userDir, 'node_modules');
    fs.mkdirSync(modules, { recursive: true });
    const link = path.join(modules, config.packageName);
    if (!fs.existsSync(link)) fs.symlinkSync(config.packageDir, link, 'dir');
  }
  if (!fs.existsSync(path.join(config.userDir, 'package.json'))) {
    const dependencies = config.linkPackage !== false ? { [config.packageName]: `file:${config.packageDir}` } : {};
    fs.writeFileSync(path.join(config.userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, dependencies }));
  }

  const app = express();
  const server = http.createServer(app);
  const settings = {
    userDir: config.userDir,
    flowFile: 'flows.json',
    credentialSecret: config.credentialSecret,
    httpAdminRoot: config.httpAdminRoot || '/',
    httpNodeRoot: '/api',
    uiHost: '127.0.0.1',
    logging: { console: { level: process.env.NR_CHILD_LOG || 'warn', metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    externalModules: { autoInstall: false, palette: { allowInstall: !!config.allowInstall, allowUpload: !!config.allowInstall } },
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
  };
  if (config.admin) {
    settings.adminAuth = {
      type: 'credentials',
      users: [{ username: config.admin.username, password: bcrypt.hashSync(config.admin.password, 8), permissions: '*' }],
    };
  }
  RED.init(server, settings);
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, RED.httpNode);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port || 0, '127.0.0.1', resolve);
  });
  await RED.start();

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 5000);
    force.unref();
    try {
      await RED.stop();
    } catch {
      // exiting anyway
    }
    server.closeAllConnections?.();
    server.close(() => process.exit(code));
  };
  process.on('disconnect', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const lifetime = setTimeout(() => void stop(3), config.maxLifetimeMs || 5 * 60_000);
  lifetime.unref();
  process.send?.({ type: 'ready', port: server.address().port, version: RED.version() });
}

main().catch((error) => {
  process.send?.({ type: 'error', message: String(error && error.stack ? error.stack : error) });
  process.exit(1);
});
