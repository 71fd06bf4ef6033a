'use strict';
// The Node-RED of `npm start`: Node-RED (the devDependency) embedded in a child process forked by
// scripts/demo.js, so one Ctrl-C can stop it and it dies with its parent (the IPC channel closes).
// Configuration comes in DEMO_NODE_RED (JSON): { userDir, port, nodeRedDir, credentialSecret, maxLifetimeMs }.
// The user dir has this package linked into node_modules, as `npm install <path>` would, so
// Node-RED loads it as a module. Binds 127.0.0.1 only; no adminAuth (local demo).
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');

const config = JSON.parse(process.env.DEMO_NODE_RED || '{}');
// Node-RED 5 from the tool cache (scripts/demo.js), or the 4.1 devDependency
const nodeRedDir = config.nodeRedDir || path.dirname(require.resolve('node-red/package.json'));
const fromNodeRed = createRequire(path.join(nodeRedDir, 'package.json'));

function requireExpress() {
  try {
    return fromNodeRed('express');
  } catch {
    return createRequire(fromNodeRed.resolve('@node-red/editor-api'))('express');
  }
}

// the parent went away before Node-RED was up: nothing to stop cleanly yet
let running = false;
process.on('disconnect', () => {
  if (!running) process.exit(0);
});

async function main() {
  const RED = fromNodeRed('node-red');
  const express = requireExpress();
  const app = express();
  const server = http.createServer(app);
  const settings = {
    userDir: config.userDir,
    flowFile: 'flows.json',
    credentialSecret: config.credentialSecret,
    httpAdminRoot: '/',
    httpNodeRoot: '/api',
    uiHost: '127.0.0.1',
    logging: { console: { level: process.env.DEMO_NODE_RED_LOG || 'warn', metrics: false, audit: false } },
    editorTheme: {
      page: { title: 'OAuth2 connectors demo' },
      header: { title: 'Node-RED · OAuth2 connectors demo' },
      tours: false,
      projects: { enabled: false },
    },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
  };
  RED.init(server, settings);
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, RED.httpNode);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port || 0, '127.0.0.1', resolve);
  });
  await RED.start();

  running = true;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    try {
      await RED.stop();
    } catch {
      // exiting anyway
    }
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Ctrl-C reaches the whole process group: the parent decides (it disconnects, then we stop)
  process.on('SIGINT', () => {});
  if (config.maxLifetimeMs) setTimeout(() => void stop(), config.maxLifetimeMs).unref();
  process.send({ type: 'ready', port: server.address().port, version: RED.version() });
}

main().catch((error) => {
  const message = error && error.code === 'EADDRINUSE' ? `port ${config.port} is in use` : String(error && error.stack ? error.stack : error);
  if (process.send) process.send({ type: 'error', message, code: error && error.code });
  process.exit(1);
});
